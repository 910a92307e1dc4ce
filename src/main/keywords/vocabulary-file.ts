import { readFile } from 'node:fs/promises';
import { parseVocabulary, type ParsedVocabulary } from '../../shared/keyword-vocabulary';
import { UserError } from '../base/errors';

/** Larger than any keyword list a person keeps (Lightroom's 50,000 keywords are about 1 MB). */
const maxBytes = 64 * 1024 * 1024;

/**
 * The text of a keyword file in whatever encoding it was saved: UTF-8 (with or without a BOM),
 * UTF-16 with a BOM (Windows Notepad's "Unicode"), UTF-16 without one when its zero bytes give it
 * away, else Windows-1252 (a superset of Latin-1: what older Windows tools wrote). A file of other
 * binary data is refused with its path named.
 */
export function decodeKeywordFile(bytes: Uint8Array, path: string): string {
  const encoding = detectEncoding(bytes);
  const text = new TextDecoder(encoding).decode(bytes).replace(/^\ufeff/, '');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text)) {
    throw new UserError(`${path} is not a keyword list: it holds binary data, not text. Export the keywords from Lightroom (Metadata > Export Keywords) or save the list as plain text.`);
  }
  return text;
}

function detectEncoding(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  const utf16 = bomlessUtf16(bytes);
  if (utf16) return utf16;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

/** Text in UTF-16 has a zero byte in most pairs (every ASCII character): the side tells the byte order. */
function bomlessUtf16(bytes: Uint8Array): string | null {
  const pairs = Math.min(Math.floor(bytes.length / 2), 4096);
  if (!pairs) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < pairs; i++) {
    if (bytes[2 * i] === 0) evenZeros++;
    if (bytes[2 * i + 1] === 0) oddZeros++;
  }
  if (oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05) return 'utf-16le';
  if (evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05) return 'utf-16be';
  return null;
}

/** Reads and parses a keyword file; a missing, empty, huge or binary file gets a message naming it. */
export async function readVocabularyFile(path: string): Promise<ParsedVocabulary> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path} does not exist.`);
    if (code === 'EISDIR') throw new UserError(`${path} is a folder; give the keyword file itself.`);
    throw new UserError(`${path} cannot be read (${code ?? (error as Error).message}).`);
  }
  if (bytes.length > maxBytes) throw new UserError(`${path} is ${Math.round(bytes.length / 1048576)} MB: too large for a keyword list.`);
  const vocabulary = parseVocabulary(decodeKeywordFile(bytes, path));
  if (!vocabulary.terms.length) throw new UserError(`${path} holds no keywords.`);
  return vocabulary;
}
