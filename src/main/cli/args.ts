/** A mistake in how the command was called: the CLI prints it with the usage and exits with 2. */
export class UsageError extends Error {}

export function wholeNumber(flag: string, value: string | undefined, fallback: number, min: number, max: number): number;
export function wholeNumber(flag: string, value: string | undefined, fallback: undefined, min: number, max: number): number | undefined;
export function wholeNumber(flag: string, value: string | undefined, fallback: number | undefined, min: number, max: number) {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new UsageError(`${flag} takes a whole number from ${min} to ${max}`);
  }
  return number;
}

export function price(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value.replace(/^\$/, ''));
  if (!Number.isFinite(number) || number < 0) throw new UsageError(`${flag} takes a price in US dollars, such as 0.002`);
  return number;
}


/**
 * For commands that must answer at once (status, search, albums): the day's backup, when due, is
 * left to the next command that works longer, the app or serve.
 */
export const answersAtOnce = { dailyBackups: false } as const;
