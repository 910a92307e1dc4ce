/**
 * Turns whatever a user types into an FTS5 MATCH expression that cannot be a syntax error:
 * only runs of letters and digits survive, each becomes a quoted string, and the last one is a
 * prefix so results follow the typing. Returns null when nothing searchable is left.
 */
export function toFtsQuery(text: string): string | null {
  const terms = text.normalize('NFC').match(/[\p{L}\p{N}\p{M}]+/gu);
  if (!terms) return null;
  const quoted = terms.slice(0, 64).map((term) => `"${term}"`);
  quoted[quoted.length - 1] += '*';
  return quoted.join(' ');
}
