/**
 * The photographer's keyword vocabulary: Lightroom Classic's keyword export (or a plain list)
 * parsed into terms, model suggestions mapped onto it, and the part of it a prompt shows.
 * Pure: the UI's preview and the core's import and write use the same functions.
 */
import { asciiFold } from './text-folding';

/** One keyword of the vocabulary, in file order; `parent` is the index of its parent term. */
export interface VocabularyTerm {
  name: string;
  parent: number | null;
  /** Other words for it ("Sea parrot" for Puffin): matched, never written. */
  synonyms: string[];
  /** False for a Lightroom [Category]: it orders the tree but is not written as a keyword. */
  exported: boolean;
}

export interface VocabularyIssue {
  /** 1-based line of the file. */
  line: number;
  message: string;
}

export interface ParsedVocabulary {
  terms: VocabularyTerm[];
  /** Lines Captionist read one way where another was possible: shown, never fatal. */
  issues: VocabularyIssue[];
}

interface ParsedLine {
  line: number;
  depth: number;
  text: string;
}

/**
 * Reads a keyword file's text. Rules:
 * - One keyword a line; blank lines are ignored; a BOM and CRLF/CR line ends are accepted.
 * - Depth is the indentation: one tab per level (Lightroom's form). Files indented with spaces use
 *   their smallest space indent as one level. A line mixing tabs and spaces, or with spaces that
 *   are not a whole number of levels, is read with tabs as one level each and the spaces rounded
 *   down to whole levels, and reported. A line more than one level deeper than the line above it
 *   becomes that line's child, and is reported.
 * - `{Synonym}` on its own line is a synonym of the keyword it is indented under; `[Category]` is a
 *   keyword that is not exported (Lightroom's "include on export" off).
 * - A line longer than 256 characters is not a keyword: it is skipped and reported.
 * - The same keyword twice under one parent (ignoring case) is one keyword: synonyms and children
 *   merge. The same keyword under different parents stays twice (see `findTerm` for which wins).
 */
export function parseVocabulary(text: string): ParsedVocabulary {
  const issues: VocabularyIssue[] = [];
  const lines = splitLines(text);
  const spaceUnit = smallestSpaceIndent(lines);
  const terms: VocabularyTerm[] = [];
  const childIndex = new Map<string, number>();
  // The term open at each depth: a line at depth d becomes the child of stack[d - 1].
  const stack: number[] = [];

  for (const { line, depth: wanted, text: content } of readLines(lines, spaceUnit, issues)) {
    const depth = Math.min(wanted, stack.length);
    if (depth < wanted) issues.push({ line, message: `indented ${wanted - depth} level(s) deeper than the line above; read as its child` });
    const synonym = /^\{(.*)\}$/.exec(content);
    if (synonym) {
      const owner = stack[depth - 1];
      const name = cleanTerm(synonym[1]!);
      if (owner === undefined) issues.push({ line, message: `synonym {${synonym[1]}} belongs to no keyword; ignored` });
      else if (name && !terms[owner]!.synonyms.some((known) => sameWords(known, name))) terms[owner]!.synonyms.push(name);
      continue;
    }
    const category = /^\[(.*)\]$/.exec(content);
    const name = cleanTerm(category ? category[1]! : content);
    if (!name) continue;
    const parent = depth === 0 ? null : stack[depth - 1]!;
    const key = `${parent ?? ''}\u0000${foldKeyword(name)}`;
    let index = childIndex.get(key);
    if (index === undefined) {
      index = terms.push({ name, parent, synonyms: [], exported: !category }) - 1;
      childIndex.set(key, index);
    } else if (!category) {
      terms[index]!.exported = true;
    }
    stack.length = depth;
    stack.push(index);
  }
  return { terms, issues };
}

function splitLines(text: string): string[] {
  return text.replace(/^\ufeff/, '').split(/\r\n|\r|\n/);
}

/** Far beyond any keyword (IPTC allows 64 bytes): a longer line is data, not a term to write into every photo. */
const maxLineCharacters = 256;

function readLines(lines: readonly string[], spaceUnit: number, issues: VocabularyIssue[]): ParsedLine[] {
  const parsed: ParsedLine[] = [];
  lines.forEach((raw, i) => {
    const content = raw.trim();
    if (!content) return;
    if (content.length > maxLineCharacters) {
      issues.push({ line: i + 1, message: `${content.length} characters long: not a keyword; skipped` });
      return;
    }
    const indent = /^[\t ]*/.exec(raw)![0];
    const tabs = indent.split('\t').length - 1;
    const spaces = indent.length - tabs;
    const depth = tabs + Math.floor(spaces / spaceUnit);
    if (tabs && spaces) issues.push({ line: i + 1, message: 'indented with both tabs and spaces; read as level ' + depth });
    else if (spaces % spaceUnit) issues.push({ line: i + 1, message: `indented by ${spaces} spaces, not a whole level of ${spaceUnit}; read as level ${depth}` });
    parsed.push({ line: i + 1, depth, text: content });
  });
  return parsed;
}

/** The smallest indent of the lines indented with spaces only: one level in a space-indented file. */
function smallestSpaceIndent(lines: readonly string[]): number {
  let unit = Infinity;
  for (const line of lines) {
    const match = /^ +(?=[^\t ])/.exec(line);
    if (match) unit = Math.min(unit, match[0].length);
  }
  return Number.isFinite(unit) ? unit : 1;
}

function cleanTerm(text: string): string | null {
  // `|` separates levels in XMP-lr:HierarchicalSubject, so it cannot be inside a keyword.
  const name = text.normalize('NFC').replace(/\|/g, ' ').replace(/\s+/g, ' ').trim();
  return name || null;
}

/** A keyword as compared: no accents, no case, hyphens and underscores as spaces ("Écureuil" = "ecureuil"). */
export function foldKeyword(text: string): string {
  return asciiFold(text)
    .toLowerCase()
    .replace(/[-_]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function sameWords(a: string, b: string): boolean {
  return foldKeyword(a) === foldKeyword(b);
}

const irregularPlurals: Record<string, string> = {
  geese: 'goose',
  mice: 'mouse',
  children: 'child',
  men: 'man',
  women: 'woman',
  people: 'person',
  feet: 'foot',
  teeth: 'tooth',
  oxen: 'ox',
  lice: 'louse',
  wolves: 'wolf',
  leaves: 'leaf',
  knives: 'knife',
  lives: 'life',
  wives: 'wife',
  calves: 'calf',
  halves: 'half',
  shelves: 'shelf',
  loaves: 'loaf',
  thieves: 'thief',
  elves: 'elf',
  scarves: 'scarf',
};

/**
 * The singular of an English noun, good enough to match keywords: regular -s (puffins), -es after
 * s, x, z, ch and sh (foxes, glasses), -ies (berries), -oes (tomatoes), and a short table of
 * irregular ones (geese, mice, children, wolves ...). Not handled: Latin and Greek plurals (cacti,
 * fungi, phenomena), words whose plural equals the singular beyond leaving them alone (sheep),
 * other languages. Words ending in -ss, -us and -is are taken as singular (glass, cactus, iris).
 */
export function singularWord(word: string): string {
  const irregular = irregularPlurals[word];
  if (irregular) return irregular;
  if (word.length <= 3) return word;
  if (/[^aeiou]ies$/.test(word)) return word.slice(0, -3) + 'y';
  if (/(ss|x|z|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (/[^aeiou]oes$/.test(word)) return word.slice(0, -2);
  if (/(ss|us|is)$/.test(word)) return word;
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

/** The folded keyword with its last word made singular ("Sea Birds" -> "sea bird"). */
function singularKey(folded: string): string {
  const cut = folded.lastIndexOf(' ') + 1;
  return folded.slice(0, cut) + singularWord(folded.slice(cut));
}

export type MatchKind = 'exact' | 'synonym' | 'folded' | 'plural';

export interface KeywordMatch {
  /** The index of the vocabulary term. */
  term: number;
  how: MatchKind;
}

/** Lookups from a suggestion's words to terms, built once per vocabulary. */
export interface VocabularyIndex {
  terms: readonly VocabularyTerm[];
  exact: Map<string, number>;
  folded: Map<string, number>;
  foldedSynonyms: Map<string, number>;
  singular: Map<string, number>;
  singularSynonyms: Map<string, number>;
  /** For the prompt's excerpt: each word (folded, singular) of an exported term below the top level and of its synonyms, to those terms. */
  termsByWord: Map<string, number[]>;
}

/**
 * Which of several terms with the same words wins: an exported term over a category, then the
 * shallowest, then the first in the file. So "Birds" under both Animals and Sports resolves the
 * same way every time, and the photographer can steer it by order.
 */
function preferred(terms: readonly VocabularyTerm[], depths: readonly number[], a: number, b: number): number {
  const [x, y] = [terms[a]!, terms[b]!];
  if (x.exported !== y.exported) return x.exported ? a : b;
  if (depths[a] !== depths[b]) return depths[a]! < depths[b]! ? a : b;
  return Math.min(a, b);
}

export function indexVocabulary(terms: readonly VocabularyTerm[]): VocabularyIndex {
  const depths = termDepths(terms);
  const index: VocabularyIndex = {
    terms,
    exact: new Map(),
    folded: new Map(),
    foldedSynonyms: new Map(),
    singular: new Map(),
    singularSynonyms: new Map(),
    termsByWord: new Map(),
  };
  const put = (map: Map<string, number>, key: string, term: number) => {
    const known = map.get(key);
    map.set(key, known === undefined ? term : preferred(terms, depths, known, term));
  };
  terms.forEach((term, i) => {
    const folded = foldKeyword(term.name);
    put(index.exact, term.name, i);
    put(index.folded, folded, i);
    put(index.singular, singularKey(folded), i);
    for (const synonym of term.synonyms) {
      const foldedSynonym = foldKeyword(synonym);
      put(index.foldedSynonyms, foldedSynonym, i);
      put(index.singularSynonyms, singularKey(foldedSynonym), i);
    }
    if (term.parent === null || !term.exported) return;
    for (const word of new Set([term.name, ...term.synonyms].flatMap(words))) {
      const known = index.termsByWord.get(word);
      if (known) known.push(i);
      else index.termsByWord.set(word, [i]);
    }
  });
  return index;
}

/**
 * The term a suggestion means: its exact spelling, then a term ignoring case and accents, then a
 * synonym, then singular/plural of a term, then of a synonym. A term's own words always beat
 * another term's synonym, and synonyms never lead to further synonyms, so synonyms that name
 * other terms cannot loop.
 */
export function findTerm(index: VocabularyIndex, suggestion: string): KeywordMatch | null {
  const exact = index.exact.get(suggestion.trim());
  if (exact !== undefined) return { term: exact, how: 'exact' };
  const folded = foldKeyword(suggestion);
  if (!folded) return null;
  const byFold = index.folded.get(folded);
  if (byFold !== undefined) return { term: byFold, how: 'folded' };
  const bySynonym = index.foldedSynonyms.get(folded);
  if (bySynonym !== undefined) return { term: bySynonym, how: 'synonym' };
  const singular = singularKey(folded);
  const byPlural = index.singular.get(singular) ?? index.singularSynonyms.get(singular);
  return byPlural === undefined ? null : { term: byPlural, how: 'plural' };
}

function termDepths(terms: readonly VocabularyTerm[]): number[] {
  const depths: number[] = [];
  terms.forEach((term, i) => (depths[i] = term.parent === null ? 0 : depths[term.parent]! + 1));
  return depths;
}

/** The term's ancestors and itself, root first. */
export function termPath(terms: readonly VocabularyTerm[], term: number): VocabularyTerm[] {
  const path: VocabularyTerm[] = [];
  for (let at: number | null = term; at !== null; at = terms[at]!.parent) path.unshift(terms[at]!);
  return path;
}

/**
 * What a matched term writes, in the form the write plan takes (`splitKeywords`): the whole path
 * ("Animals|Birds|Puffin", for XMP-lr:HierarchicalSubject, with its last level as the flat
 * keyword) and each exported ancestor as a flat keyword, as Lightroom exports them by default.
 */
export function keywordsForTerm(terms: readonly VocabularyTerm[], term: number): string[] {
  const path = termPath(terms, term);
  const ancestors = path.slice(0, -1).filter((level) => level.exported).map((level) => level.name);
  return [path.map((level) => level.name).join('|'), ...ancestors];
}

/** keep: write unmatched suggestions as they are; drop: forget them; suggest: show them, never write. */
export const unmatchedKeywordPolicies = ['keep', 'drop', 'suggest'] as const;
export type UnmatchedKeywordPolicy = (typeof unmatchedKeywordPolicies)[number];

export interface MappedKeywords {
  /** To write (the write plan's form: paths and flat keywords). */
  keywords: string[];
  /** Shown to the photographer as suggestions, not written. */
  suggestions: string[];
  matches: { suggestion: string; term: string; how: MatchKind }[];
}

/** A model's suggestions in the photographer's vocabulary; an empty vocabulary keeps them as they are. */
export function mapKeywords(index: VocabularyIndex, suggested: readonly string[], unmatched: UnmatchedKeywordPolicy): MappedKeywords {
  if (!index.terms.length) return { keywords: [...suggested], suggestions: [], matches: [] };
  const mapped: MappedKeywords = { keywords: [], suggestions: [], matches: [] };
  const seen = new Set<string>();
  const add = (list: string[], values: readonly string[]) => {
    for (const value of values) {
      const key = foldKeyword(value);
      if (seen.has(key)) continue;
      seen.add(key);
      list.push(value);
    }
  };
  for (const suggestion of suggested) {
    const match = findTerm(index, suggestion);
    if (match) {
      const term = index.terms[match.term]!;
      if (term.exported) add(mapped.keywords, keywordsForTerm(index.terms, match.term));
      mapped.matches.push({ suggestion, term: term.name, how: match.how });
    } else if (unmatched === 'keep') add(mapped.keywords, [suggestion]);
    else if (unmatched === 'suggest') add(mapped.suggestions, [suggestion]);
  }
  return mapped;
}

export interface VocabularyNode {
  name: string;
  synonyms: string[];
  exported: boolean;
  children: VocabularyNode[];
}

/** The terms as a tree, in file order. */
export function vocabularyTree(terms: readonly VocabularyTerm[]): VocabularyNode[] {
  const nodes = terms.map((term) => ({ name: term.name, synonyms: term.synonyms, exported: term.exported, children: [] as VocabularyNode[] }));
  const roots: VocabularyNode[] = [];
  terms.forEach((term, i) => (term.parent === null ? roots : nodes[term.parent]!.children).push(nodes[i]!));
  return roots;
}

/** The vocabulary in Lightroom's export form (tabs, {synonyms}, [categories]): reads back as the same terms. */
export function formatVocabulary(terms: readonly VocabularyTerm[]): string {
  const lines: string[] = [];
  const write = (nodes: VocabularyNode[], depth: number) => {
    for (const node of nodes) {
      const indent = '\t'.repeat(depth);
      lines.push(indent + (node.exported ? node.name : `[${node.name}]`));
      for (const synonym of node.synonyms) lines.push(`${indent}\t{${synonym}}`);
      write(node.children, depth + 1);
    }
  };
  write(vocabularyTree(terms), 0);
  return lines.map((line) => line + '\n').join('');
}

/** About four characters a token for English text: the budget a prompt excerpt is measured in. */
export const charactersPerToken = 4;

/**
 * A word that this many keywords share ("species" in a vocabulary of 30,000 species) says nothing
 * about which of them fit the photo, and scoring them all would cost a pass over the vocabulary.
 */
const maxTermsPerWord = 500;

/**
 * The part of the vocabulary a prompt shows, within `maxCharacters`: the top-level keywords, then
 * the terms sharing a word (singular, no accents) with the context (folder name, the place, the
 * previous caption), as paths, the closest first, leaving out words more than 500 terms share.
 * Never the whole tree: a term shares no word with the context, it is left out.
 */
export function vocabularyExcerpt(index: VocabularyIndex, context: readonly string[], maxCharacters: number): string {
  const { terms } = index;
  // Looked up by word, so a photo costs its context's words, not a pass over 50,000 terms.
  const scores = new Map<number, number>();
  for (const word of new Set(context.flatMap(words))) {
    const named = index.termsByWord.get(word) ?? [];
    if (named.length > maxTermsPerWord) continue;
    for (const term of named) scores.set(term, (scores.get(term) ?? 0) + 1);
  }
  const scored = [...scores].map(([term, score]) => ({ term, score }));
  scored.sort((a, b) => b.score - a.score || a.term - b.term);

  const heading = 'Keyword categories: ';
  const topLevel = terms.filter((term) => term.parent === null).map((term) => term.name);
  const lines = [heading + fitList(topLevel, maxCharacters - heading.length)];
  let used = lines[0]!.length;
  for (const { term } of scored) {
    const line = termPath(terms, term).map((level) => level.name).join(' > ');
    if (used + 1 + line.length > maxCharacters) break;
    lines.push(line);
    used += 1 + line.length;
  }
  return lines.join('\n');
}

function fitList(names: readonly string[], maxCharacters: number): string {
  let text = '';
  for (const name of names) {
    const next = text ? `${text}, ${name}` : name;
    if (next.length > maxCharacters) break;
    text = next;
  }
  return text;
}

function words(text: string): string[] {
  return foldKeyword(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 2)
    .map(singularWord);
}
