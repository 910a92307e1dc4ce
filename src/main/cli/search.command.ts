import { SearchCriteriaSchema } from '../../shared/domain';
import type { SavedSearch, SearchCriteria } from '../../shared/domain';
import { SearchModeSchema } from '../../shared/embeddings';
import type { RankedResults, SearchMode } from '../../shared/embeddings';
import { matchedByMeaningOnly } from '../../shared/search-match';
import type { Core } from '../core';
import { UserError } from '../base/errors';
import { answersAtOnce } from './args';

/** The flags of `captionist search` and `captionist albums`, as parsed by the CLI. */
export interface SearchFlags {
  folder?: string;
  from?: string;
  to?: string;
  camera?: string;
  lens?: string;
  keyword?: string;
  status?: string;
  provider?: string;
  captioned?: boolean;
  uncaptioned?: boolean;
  orientation?: string;
  'file-type'?: string;
  missing?: boolean;
  'only-missing'?: boolean;
  sort?: string;
  limit?: string;
  offset?: string;
  save?: string;
  album?: string;
  mode?: string;
  similar?: string;
}

interface Io {
  stdout: NodeJS.WriteStream;
}

interface SearchContext {
  args: string[];
  flags: SearchFlags;
  json: boolean;
  openCore: (extra?: { dailyBackups?: boolean }) => Core;
  io: Io;
}

/** `captionist search`: runs a search, saves it as a smart album, or runs a smart album. */
export async function searchCommand({ args, flags, json, openCore, io }: SearchContext): Promise<void> {
  const page = {
    limit: pageNumber('--limit', flags.limit, 50, 1, 1000),
    offset: pageNumber('--offset', flags.offset, 0, 0, 1_000_000),
  };
  if (flags.album !== undefined) {
    if (args.length || flags.save !== undefined) throw new UserError('--album runs a saved search as it is; give no QUERY or --save with it');
    const core = openCore(answersAtOnce);
    const album = await findAlbum(core, flags.album);
    const results = await core.invoke('search:runSaved', { id: album.id, ...page });
    io.stdout.write(json ? `${JSON.stringify(results)}\n` : describeResults(results, album.criteria.sort, io.stdout.isTTY));
    return;
  }
  const criteria = criteriaFrom(args, flags);
  if (flags.similar === undefined && !criteria.text?.trim() && Object.keys(criteria).length === 1) {
    throw new UserError('search needs a QUERY or a filter (see "captionist --help")');
  }
  const core = openCore(answersAtOnce);
  if (flags.save !== undefined) {
    const saved = await core.invoke('search:save', { name: flags.save, criteria });
    io.stdout.write(json ? `${JSON.stringify(saved)}\n` : `Saved the smart album "${saved.name}". Open it with "captionist search --album '${saved.name}'".\n`);
    return;
  }
  const results = await core.invoke('photos:search', { ...criteria, ...page, mode: searchMode(flags.mode), similarTo: flags.similar });
  io.stdout.write(json ? `${JSON.stringify(results)}\n` : describeResults(results, criteria.sort ?? 'relevance', io.stdout.isTTY));
}

/** `captionist albums [rename NAME NEW | delete NAME]`. */
export async function albumsCommand({ args, json, openCore, io }: SearchContext): Promise<void> {
  const [subcommand, ...rest] = args;
  const core = openCore(answersAtOnce);
  if (subcommand === undefined) {
    const albums = await core.invoke('search:listSaved', {});
    io.stdout.write(json ? `${JSON.stringify(albums)}\n` : describeAlbums(albums));
  } else if (subcommand === 'rename' && rest.length === 2) {
    const renamed = await core.invoke('search:renameSaved', { id: (await findAlbum(core, rest[0]!)).id, name: rest[1]! });
    io.stdout.write(json ? `${JSON.stringify(renamed)}\n` : `Renamed the smart album to "${renamed.name}".\n`);
  } else if (subcommand === 'delete' && rest.length === 1) {
    const album = await findAlbum(core, rest[0]!);
    await core.invoke('search:deleteSaved', { id: album.id });
    io.stdout.write(json ? 'null\n' : `Deleted the smart album "${album.name}"; its photos are untouched.\n`);
  } else {
    throw new UserError('albums takes no arguments, "rename NAME NEW" or "delete NAME"');
  }
}

/** A saved search by id, or by name (any case) when `idOrName` is not a number. */
async function findAlbum(core: Core, idOrName: string): Promise<SavedSearch> {
  const albums = await core.invoke('search:listSaved', {});
  const album = /^\d+$/.test(idOrName)
    ? albums.find((candidate) => candidate.id === Number(idOrName))
    : albums.find((candidate) => candidate.name.toLowerCase() === idOrName.toLowerCase());
  if (!album) throw new UserError(`There is no saved search "${idOrName}"; "captionist search --albums" lists them.`);
  return album;
}

/** Criteria from the command line, checked here so a bad flag names itself. */
function criteriaFrom(args: string[], flags: SearchFlags): SearchCriteria {
  if (flags.captioned && flags.uncaptioned) throw new UserError('--captioned and --uncaptioned exclude each other');
  if (flags.missing && flags['only-missing']) throw new UserError('--missing and --only-missing exclude each other');
  const raw = {
    text: args.join(' '),
    folder: flags.folder,
    from: flags.from,
    to: flags.to,
    camera: flags.camera,
    lens: flags.lens,
    keyword: flags.keyword,
    captionStatus: flags.status,
    provider: flags.provider,
    hasCaption: flags.captioned ? true : flags.uncaptioned ? false : undefined,
    orientation: flags.orientation,
    fileType: flags['file-type'],
    includeMissing: flags.missing || undefined,
    onlyMissing: flags['only-missing'] || undefined,
    sort: flags.sort,
  };
  const parsed = SearchCriteriaSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? 'option');
    const flag = { captionStatus: 'status', fileType: 'file-type', text: 'QUERY' }[field] ?? field;
    throw new UserError(`${flag === 'QUERY' ? 'QUERY' : `--${flag}`}: ${issue?.message ?? 'not accepted'}`);
  }
  // Only what was given, so a saved album keeps no noise and "nothing given" is recognisable.
  return Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined)) as SearchCriteria;
}

function searchMode(mode: string | undefined): SearchMode | undefined {
  if (mode === undefined) return undefined;
  const parsed = SearchModeSchema.safeParse(mode);
  if (!parsed.success) throw new UserError('--mode takes hybrid, text or meaning');
  return parsed.data;
}

function pageNumber(flag: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new UserError(`${flag} takes a whole number from ${min} to ${max}`);
  }
  return number;
}

function describeResults(results: RankedResults, sort: string, terminal: boolean): string {
  const count = `${results.total.toLocaleString('en-US')}${results.totalIsExact ? '' : '+'}`;
  const lines = [...(results.note ? [results.note] : []), `${count} photo${results.total === 1 && results.totalIsExact ? '' : 's'} found.`];
  if (results.results.length && results.total > results.results.length) {
    lines[0] += ` Showing ${results.results.length}${sort === 'date' ? ', newest first' : ''}.`;
  }
  for (const photo of results.results) {
    const meaningOnly = matchedByMeaningOnly(photo) ? 'by meaning' : undefined;
    const facts = [photo.capturedAt?.slice(0, 10), photo.captionStatus, photo.status === 'missing' ? 'missing' : undefined, meaningOnly];
    lines.push(`${photo.path}${facts.some(Boolean) ? `  (${facts.filter(Boolean).join(', ')})` : ''}`);
    const text = photo.snippet
      ? photo.snippet.map((part) => (part.match && terminal ? `\u001b[1m${part.text}\u001b[22m` : part.text)).join('')
      : photo.caption;
    if (text) lines.push(`    ${text.replace(/\s+/g, ' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

function describeAlbums(albums: SavedSearch[]): string {
  if (!albums.length) return 'No smart albums yet. Save a search with "captionist search QUERY --save NAME".\n';
  return albums.map((album) => `${album.name}  ${describeCriteria(album.criteria)}`).join('\n').concat('\n');
}

function describeCriteria(criteria: SavedSearch['criteria']): string {
  const { text, sort, includeMissing, onlyMissing, ...filters } = criteria;
  const parts = [text.trim() ? `"${text.trim()}"` : 'all photos'];
  for (const [name, value] of Object.entries(filters)) if (value !== undefined) parts.push(`${name}: ${String(value)}`);
  if (includeMissing) parts.push('with missing files');
  if (onlyMissing) parts.push('only missing files');
  if (sort === 'date') parts.push('newest first');
  return parts.join(', ');
}
