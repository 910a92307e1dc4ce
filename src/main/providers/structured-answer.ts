import { asRecord } from './http';

/**
 * The JSON object in a model's answer, tolerating what models wrap around it (code fences, a
 * sentence before or after). Null when there is none: the caller then treats the text as a caption.
 */
export function parseStructuredAnswer(text: string): Record<string, unknown> | null {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start === -1 || end <= start) return null;
  try {
    const value: unknown = JSON.parse(text.slice(start, end + 1));
    return asRecord(value);
  } catch {
    return null;
  }
}
