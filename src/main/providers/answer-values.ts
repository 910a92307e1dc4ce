import { storableText } from '../../shared/text';

/**
 * Values read from a provider's answer that Captionist keeps (in the library database, in
 * messages): whatever a provider sends, only plausible values get through.
 */

/** Model names are short; a longer "name" is not one. */
const maxModelNameLength = 200;

/** The model an answer says it came from, when that is a plausible name; else `fallback`. */
export function reportedModel(value: unknown, fallback: string): string {
  if (typeof value !== 'string' || value.length > maxModelNameLength) return fallback;
  return storableText(value).trim() || fallback;
}

/**
 * A model id as a server lists it: shown in the terminal and sent back as it is, so one that is
 * not plausible (longer than any name, or holding control or broken characters, which could steer
 * the terminal) is left out rather than changed.
 */
const plausibleModelId = /^[^\p{Cc}\p{Cs}\uFFFD]{1,200}$/u;

export function listedModelId(value: unknown): string | null {
  return typeof value === 'string' && plausibleModelId.test(value) ? value : null;
}

/** A model's display name as a server lists it, cleaned and cut like a model name; null when there is none. */
export function listedModelName(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  return storableText(value.slice(0, maxModelNameLength)).replace(/\s+/g, ' ').trim() || null;
}

/** A token count as reported, or null when it is not one (negative, fractional, a string, huge). */
export function tokenCount(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/**
 * A remote task's id (stored, then put in URLs), or null when the answer holds none that is
 * plausible: up to 200 visible ASCII characters.
 */
export function taskIdFrom(value: unknown): string | null {
  const id = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  return typeof id === 'string' && /^[\x21-\x7e]{1,200}$/.test(id) ? id : null;
}
