import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ExportRequestSchema } from '../../shared/metadata';
import type { ExportRequest, ExportResult } from '../../shared/metadata';
import type { MetadataWritesRepository, WriteCandidate } from '../db/metadata-writes.repo';
import { forEachConcurrently } from '../base/concurrency';
import { photoSelection } from '../db/path-scope';
import type { ExifToolAdapter } from './exiftool.adapter';
import { cleanText, planWrite, splitKeywords } from './field-mapping';

export interface MetadataExporterDeps {
  writes: MetadataWritesRepository;
  metadata: ExifToolAdapter;
  concurrency: number;
}

/** One photo's caption as exports carry it. */
export interface ExportRow {
  path: string;
  title: string | null;
  caption: string | null;
  altText: string | null;
  keywords: string[];
  hierarchicalKeywords: string[];
}

const everyFieldReplaced = { caption: 'replace', title: 'replace', altText: 'replace', longDescription: 'replace' } as const;

/**
 * Exports captions without touching a single original: a mirrored tree of XMP sidecars, or one
 * CSV or JSON file, of the newest caption of every captioned photo in scope.
 */
export class MetadataExporter {
  constructor(private readonly deps: MetadataExporterDeps) {}

  async export(request: ExportRequest): Promise<ExportResult> {
    const parsed = ExportRequestSchema.parse(request);
    const { format, outDir, sidecarNaming } = parsed;
    const root = resolve(outDir);
    const photos = this.deps.writes.captioned(photoSelection(parsed));
    await mkdir(root, { recursive: true });
    if (format !== 'xmp') {
      const output = join(root, `captions.${format}`);
      const rows = photos.map(exportRow);
      await writeFile(output, format === 'csv' ? toCsv(rows) : `${JSON.stringify(rows, null, 2)}\n`);
      return { format, exported: rows.length, output, errors: [] };
    }

    const errors: ExportResult['errors'] = [];
    const claimed = new Map<string, string>();
    const jobs: { photo: WriteCandidate; output: string }[] = [];
    for (const photo of photos) {
      const name = sidecarNaming === 'basename-ext' ? `${photo.fileName}.xmp` : `${basename(photo.fileName, extname(photo.fileName))}.xmp`;
      const output = join(root, photo.folderName, dirname(photo.relPath), name);
      const owner = claimed.get(output.toLowerCase());
      if (owner) {
        errors.push({ path: photo.path, message: `${name} would be the sidecar of ${owner} too; export with --sidecar-name basename-ext.` });
        continue;
      }
      claimed.set(output.toLowerCase(), photo.path);
      jobs.push({ photo, output });
    }
    let exported = 0;
    await forEachConcurrently(jobs, this.deps.concurrency, async ({ photo, output }) => {
      try {
        await mkdir(dirname(output), { recursive: true });
        // A fresh sidecar each export: the tree is Captionist's output, not anyone's edited file.
        await rm(output, { force: true });
        const plan = planWrite({
          caption: { ...photo, reviewed: photo.source === 'edited' || photo.captionStatus === 'approved' },
          current: {},
          kind: 'sidecar',
          policies: everyFieldReplaced,
          fileName: photo.fileName,
          sidecarFor: extname(photo.fileName).slice(1),
        });
        await this.deps.metadata.writeTagsInto(output, plan.tags, null);
        exported++;
      } catch (error) {
        errors.push({ path: photo.path, message: `Could not write ${output}: ${error instanceof Error ? error.message : String(error)}` });
      }
    });
    return { format, exported, output: root, errors };
  }
}

export function exportRow(photo: WriteCandidate): ExportRow {
  const { flat, paths } = splitKeywords(photo.keywords);
  return {
    path: photo.path,
    title: cleanText(photo.title),
    caption: cleanText(photo.caption),
    altText: cleanText(photo.altText),
    keywords: flat,
    hierarchicalKeywords: paths,
  };
}

/**
 * RFC 4180 CSV for spreadsheets: every cell quoted, CRLF line ends, and a UTF-8 byte-order mark,
 * without which Excel reads the file in the system's legacy code page and garbles accents, CJK and
 * emoji. Cells a spreadsheet would run as a formula (=, +, -, @, tab, CR first) get a leading
 * apostrophe. Keywords are joined with "; " since a keyword may hold a comma; the JSON export
 * keeps exact lists.
 */
export function toCsv(rows: readonly ExportRow[]): string {
  const header = ['path', 'title', 'caption', 'alt_text', 'keywords', 'hierarchical_keywords'];
  const lines = [
    header,
    ...rows.map((row) => [
      row.path,
      row.title ?? '',
      row.caption ?? '',
      row.altText ?? '',
      row.keywords.join('; '),
      row.hierarchicalKeywords.join('; '),
    ]),
  ].map((cells) => cells.map(csvCell).join(','));
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}
