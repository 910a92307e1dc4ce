/** A span of time as the user reads it: "less than a minute", "10 min", "1 h", "1 h 20 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** How long the work left takes, as an estimate: "about 10 min"; null when not known (yet). */
export function formatTimeLeft(seconds: number | null): string | null {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return null;
  return seconds < 60 ? formatDuration(seconds) : `about ${formatDuration(seconds)}`;
}

/** A measured wait, such as how long a provider took to answer: "1.2 s". */
export function formatSeconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)} s`;
}
