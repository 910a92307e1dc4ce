/**
 * Text rules the core applies before storing, and the UI before showing what will be stored: one
 * function for both, so the preview is the result.
 */

/**
 * What no kept text may hold: control characters other than tab and line breaks (SQLite's length
 * and substr stop at a NUL), halves of a character (lone surrogates, from JSON's \ud800 escapes),
 * and U+FFFD, which stands where the provider's bytes were not UTF-8.
 */
const unstorable = /(?![\t\n\r])[\p{Cc}\p{Cs}\uFFFD]/gu;

export function storableText(text: string): string {
  return text.replace(unstorable, '');
}

/**
 * How much of a text is looked at for a field of `limit` characters: room for the whitespace,
 * quotes and labels cleaning removes, while the work stays small however long the answer is.
 */
export const inspectedLength = (limit: number) => limit * 4;

/**
 * Trims, removes what no stored text may hold (control characters, broken characters), collapses
 * whitespace, drops wrapping quotes and labels, and cuts at a word within `limit`.
 */
export function cleanText(value: string | null, limit: number): string | null {
  if (value === null) return null;
  let text = storableText(value.slice(0, inspectedLength(limit)))
    .replace(/^```[a-z]*\s*|```\s*$/gi, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^["'“”‘’]+|["'“”‘’]+$/g, '')
    .replace(/^(caption|title|description|alt text)\s*:\s*/i, '')
    .replace(/^["'“”‘’]+|["'“”‘’]+$/g, '')
    .trim();
  if (!text) return null;
  if (text.length > limit) text = cutAtWord(text, limit);
  return text;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cuts to at most `limit` UTF-16 units, at a sentence or word end, never inside a character. */
export function cutAtWord(text: string, limit: number): string {
  let cut = '';
  // A character running past the limit is left out either way, so what follows it never matters.
  for (const { segment } of graphemes.segment(text.slice(0, limit + 1))) {
    if (cut.length + segment.length > limit) break;
    cut += segment;
  }
  const space = cut.lastIndexOf(' ');
  const sentenceEnd = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('! '), cut.lastIndexOf('? '));
  if (sentenceEnd > cut.length * 0.5) return cut.slice(0, sentenceEnd + 1);
  return (space > cut.length * 0.5 ? cut.slice(0, space) : cut)
    .replace(/(\s+(a|an|the|and|or|of|with|in|on|at|to|by|for|from|near|along|while|under|over))+$/i, '')
    .replace(/[\s,;:–-]+$/, '');
}
