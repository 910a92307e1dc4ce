/**
 * Money as the user reads it, in the app, the CLI and the core alike: cents for sums, four places
 * for less than a cent (what one caption usually costs), and `unpriced` when no price is set.
 */
export function formatUsd(amount: number | null, unpriced = 'no price set'): string {
  if (amount === null) return unpriced;
  if (amount === 0) return '$0.00';
  const digits = Math.abs(amount) < 0.01 ? 4 : 2;
  return `$${amount.toFixed(digits)}`;
}
