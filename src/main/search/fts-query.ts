import { isFirstLetter } from '../../shared/search-typing';

/**
 * What a user types, parsed into a small tree and written back as FTS5 expressions that cannot
 * be a syntax error: only runs of letters and digits reach FTS5, always inside double quotes.
 *
 * The syntax a photographer may use (anything else is read as words):
 * - words: all must match (`red fox`); `AND` between them changes nothing;
 * - `OR` between words or groups: either may match (`fox OR wolf`);
 * - `-word`, `-"a phrase"` or `NOT word`: must not match;
 * - `"a phrase"`: the words in this order;
 * - `( ... )`: a group (`(fox OR wolf) snow`); an unbalanced parenthesis is ignored;
 * - the last word, while it is being typed (no space after it), matches as a prefix; its first
 *   letter alone, after other words, is not looked up yet;
 * - English function words (`the`, `on`, `and` ...) typed as words of their own among other words
 *   are left out: `dog on the beach` finds "Dog running, beach at dawn". Quoted, negated, alone
 *   or being typed, they count.
 */

export type QueryNode =
  | { kind: 'phrase'; words: string[]; prefix: boolean }
  | { kind: 'and'; include: QueryNode[]; exclude: QueryNode[] }
  | { kind: 'or'; options: QueryNode[] };

/** Words beyond this are ignored: nobody types more, and FTS5 work grows with every term. */
export const maxQueryWords = 64;
/**
 * Groups nested deeper than this are read as part of the group around them: FTS5's parser has a
 * small fixed stack (about 20 nested groups overflow it), and nobody nests more than a few.
 */
export const maxGroupDepth = 8;
/** Characters of a query that are read at all; a pasted book does not get parsed whole. */
const maxQueryLength = 4000;

type Token =
  | { kind: 'words'; words: string[]; quoted: boolean; closed: boolean; negated: boolean; raw: string }
  | { kind: 'open' | 'close' | 'or' | 'and' | 'not' };

/**
 * Words that say how others relate, not what a photo shows. A caption holds them as often as not,
 * so requiring them loses photos, and they weigh next to nothing in bm25 (in most captions, their
 * idf is nearly zero) while FTS5 reads their enormous lists to score them (0.1 s at a million
 * photos). Words that place a subject (over, under, behind, near) are not among them.
 */
const functionWords = new Set(
  'a an the and or nor but of in on at to into onto by for from with as is are was were be been being it its this that these those there their his her some'.split(' '),
);

/** Letters, digits and combining marks: what unicode61 keeps as parts of a token. */
const wordPattern = /[\p{L}\p{N}\p{M}]+/gu;

/** The first letter of a word being typed after other words ("wedding s"): not looked up yet. */
function isFirstLetterTyped(token: Extract<Token, { kind: 'words' }>): boolean {
  return !token.quoted && token.words.length === 1 && isFirstLetter(token.words[0]!);
}

/** An unquoted function word, typed whole (not the word under the cursor). */
function isFunctionWord(token: Extract<Token, { kind: 'words' }>, node: QueryNode): boolean {
  return !token.quoted && node.kind === 'phrase' && !node.prefix && node.words.length === 1 && functionWords.has(node.words[0]!.toLowerCase());
}

function wordsOf(text: string): string[] {
  return text.match(wordPattern) ?? [];
}

function tokenize(text: string): { tokens: Token[]; typing: boolean } {
  const tokens: Token[] = [];
  // A space after the last character means the last word is finished.
  const typing = !/\s$/u.test(text);
  const pattern = /(-?)"([^"]*)("?)|([()])|(-?)([^\s()"]+)/gu;
  for (const match of text.matchAll(pattern)) {
    const [, phraseMinus, phrase, closing, paren, wordMinus, word] = match;
    if (paren) tokens.push({ kind: paren === '(' ? 'open' : 'close' });
    else if (phrase !== undefined) {
      tokens.push({ kind: 'words', words: wordsOf(phrase), quoted: true, closed: closing === '"', negated: phraseMinus === '-', raw: phrase });
    } else if (word !== undefined) {
      if (word === 'OR' || word === '|') tokens.push({ kind: 'or' });
      else if (word === 'AND' || word === '&') tokens.push({ kind: 'and' });
      else if (word === 'NOT') tokens.push({ kind: 'not' });
      else tokens.push({ kind: 'words', words: wordsOf(word), quoted: false, closed: true, negated: wordMinus === '-', raw: word });
    }
  }
  return { tokens, typing };
}

/**
 * Parses a query; null when nothing searchable is in it. Operators that have nothing to work on
 * (`AND OR NOT` alone) are taken as the words they spell.
 */
export function parseQuery(text: string): QueryNode | null {
  const input = text.normalize('NFC').slice(0, maxQueryLength);
  const { tokens, typing } = tokenize(input);
  let budget = maxQueryWords;
  let position = 0;
  /** Parentheses opened beyond maxGroupDepth, whose closing ones are skipped too. */
  let flattened = 0;
  const last = tokens.length - 1;

  const phraseFrom = (token: Extract<Token, { kind: 'words' }>, index: number): QueryNode | null => {
    const words = token.words.slice(0, budget);
    if (!words.length) return null;
    budget -= words.length;
    // The word under the cursor: the last token, not closed by a space or a quote.
    const prefix = typing && index === last && !(token.quoted && token.closed) && words.length === token.words.length;
    if (prefix && isFirstLetterTyped(token) && tokens.some((other, at) => at !== index && other.kind === 'words' && other.words.length)) return null;
    return { kind: 'phrase', words, prefix };
  };

  const parseOr = (depth: number): QueryNode | null => {
    const options: QueryNode[] = [];
    for (;;) {
      const group = parseAnd(depth);
      if (group) options.push(group);
      if (position < tokens.length && tokens[position]!.kind === 'or') {
        position++;
        continue;
      }
      break;
    }
    if (options.length <= 1) return options[0] ?? null;
    return { kind: 'or', options };
  };

  const parseAnd = (depth: number): QueryNode | null => {
    const include: QueryNode[] = [];
    const exclude: QueryNode[] = [];
    /** Function words typed among the included words: left out if anything else is included. */
    const unneeded = new Set<QueryNode>();
    let negateNext = false;
    while (position < tokens.length) {
      const token = tokens[position]!;
      if (token.kind === 'or') break;
      if (token.kind === 'close') {
        position++;
        if (flattened > 0) {
          flattened--;
          continue;
        }
        if (depth > 0) break;
        continue; // a stray closing parenthesis
      }
      position++;
      if (token.kind === 'and') continue;
      if (token.kind === 'not') {
        negateNext = true;
        continue;
      }
      let node: QueryNode | null = null;
      let negated = negateNext;
      if (token.kind === 'words') {
        node = phraseFrom(token, position - 1);
        negated ||= token.negated;
      } else if (token.kind === 'open') {
        if (depth < maxGroupDepth) node = parseOr(depth + 1);
        else flattened++;
      }
      negateNext = false;
      if (!node) continue;
      (negated ? exclude : include).push(node);
      if (!negated && token.kind === 'words' && isFunctionWord(token, node)) unneeded.add(node);
    }
    if (include.some((node) => !unneeded.has(node))) include.splice(0, include.length, ...include.filter((node) => !unneeded.has(node)));
    if (!include.length && !exclude.length) return null;
    if (include.length === 1 && !exclude.length) return include[0]!;
    return { kind: 'and', include, exclude };
  };

  const tree = parseOr(0);
  if (tree) return tree;
  // Only operators (or only unusable characters): read the operator words as words.
  const words = tokens.flatMap((token) => (token.kind === 'and' || token.kind === 'or' || token.kind === 'not' ? [token.kind] : []));
  if (!words.length) return null;
  return { kind: 'and', include: words.map((word) => ({ kind: 'phrase', words: [word], prefix: false })), exclude: [] };
}

/**
 * Every whole word of the library a half-typed word may become (one per stem is enough), or null
 * when there are too many to list: the word is then matched as a prefix of the stemmed words.
 * Empty when nothing in the library can match it, even as a prefix of a stem.
 */
export type CompleteWord = (prefix: string) => string[] | null;

/** Folds a word the way the index does (lower case, accents removed), to look it up. */
export function foldWord(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const quote = (words: readonly string[]) => `"${words.join(' ')}"`;

/**
 * The words as typed, and with ß written ss and ss written ß when they hold either: the index
 * keeps ß as it is (unicode61 folds accents, not ß), and German is written both ways
 * ("Straße", Swiss "Strasse").
 */
function sharpSSpellings(words: readonly string[]): (readonly string[])[] {
  const spellings = [words, words.map((word) => word.replace(/[ßẞ]/gu, 'ss')), words.map((word) => word.replace(/ss/giu, 'ß'))];
  return spellings.filter((spelling, index) => spellings.findIndex((other) => other.join(' ') === spelling.join(' ')) === index);
}

/**
 * The FTS5 expression for a parsed query: what must match (`match`, null when the query only
 * excludes) and, for a query that only excludes, what must not (`exclude`).
 *
 * A word being typed matches every whole word of the library it can become, looked up by
 * `complete`, or else as a prefix of the stemmed words. Both sides of a match are stemmed, and a
 * stem can be shorter than what was typed ("universit" types towards "university", indexed as
 * "univers"), so a prefix alone would miss it.
 */
export function toFtsExpression(
  tree: QueryNode,
  complete: CompleteWord = () => null,
): { match: string | null; exclude: string | null; phrases: string[] | null } {
  /** The phrases a match scores with (bm25 adds one score a phrase), null once a word being typed is among them. */
  let phrases: string[] | null = [];
  let excluding = 0;
  const scored = (phrase: string) => {
    if (!excluding) phrases?.push(phrase);
    return phrase;
  };
  /** `respelled`: ß written ss or ss written ß, dropped (null) as a word being typed that nothing in the library can become. */
  const writePhrase = (words: readonly string[], prefix: boolean, respelled: boolean): string | null => {
    if (!prefix) return scored(quote(words));
    const whole = words.length === 1 ? complete(foldWord(words[0]!))?.filter((word) => /^[\p{L}\p{N}\p{M}]+$/u.test(word)) : null;
    // "croissan" is also looked up as "croißan", which would otherwise stop a list from serving it.
    if (respelled && whole?.length === 0) return null;
    // A word being typed that can only become one word of the library matches and scores as that
    // word does, list and all (hybrid search's text half of "lighthouse": 3 ms, not 10 to 90).
    if (whole?.length === 1) return scored(quote(whole));
    // Otherwise it changes with every key: no list is kept for what it may become.
    if (!excluding) phrases = null;
    if (!whole?.length) return `${quote(words)}*`;
    return `(${whole.map((word) => quote([word])).join(' OR ')})`;
  };
  const write = (node: QueryNode): string | null => {
    switch (node.kind) {
      case 'phrase': {
        const spellings = sharpSSpellings(node.words).flatMap((words, index) => writePhrase(words, node.prefix, index > 0) ?? []);
        return spellings.length === 1 ? spellings[0]! : `(${spellings.join(' OR ')})`;
      }
      case 'or': {
        const options = node.options.map(write).filter((option): option is string => option !== null);
        if (!options.length) return null;
        return options.length === 1 ? options[0]! : `(${options.join(' OR ')})`;
      }
      case 'and': {
        const include = node.include.map(write).filter((part): part is string => part !== null);
        // FTS5 cannot say "not this" on its own; a group with nothing to keep is dropped.
        if (!include.length) return null;
        excluding++;
        const exclude = node.exclude.map(write).filter((part): part is string => part !== null);
        excluding--;
        const kept = include.length === 1 ? include[0]! : `(${include.join(' AND ')})`;
        return exclude.length ? `(${kept} NOT (${exclude.join(' OR ')}))` : kept;
      }
    }
  };
  if (tree.kind === 'and' && !tree.include.length) {
    excluding++;
    const exclude = tree.exclude.map(write).filter((part): part is string => part !== null);
    return { match: null, exclude: exclude.length ? exclude.join(' OR ') : null, phrases: null };
  }
  const match = write(tree);
  return { match, exclude: null, phrases: match === null ? null : phrases };
}

/** Turns whatever a user types into an FTS5 MATCH expression; null when nothing searchable is left. */
export function toFtsQuery(text: string, complete?: CompleteWord): string | null {
  const tree = parseQuery(text);
  return tree ? toFtsExpression(tree, complete).match : null;
}
