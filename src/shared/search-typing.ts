/**
 * The first letter or digit of a word being typed: it narrows nothing (nearly every caption has
 * a word starting with s) and costs FTS5 a merge of every word that starts with it (2 s for "s"
 * at a million photos), so it is not looked up until the next key. A CJK character is looked up:
 * it may be a word on its own.
 */
export function isFirstLetter(word: string): boolean {
  return [...word].length === 1 && /^[\p{L}\p{N}]$/u.test(word) && !/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(word);
}

/**
 * What to search for while the search box is typed in: nothing yet for a first letter alone (see
 * `isFirstLetter`), searched once the next key comes, or a space after it.
 */
export function textToSearchWhileTyping(text: string): string {
  return !/\s$/u.test(text) && isFirstLetter(text.trim()) ? '' : text;
}
