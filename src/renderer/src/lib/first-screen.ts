import { useEffect, useState } from 'react';
import { retireFirstScreen } from './first-screen-paint';

/**
 * The first screen is the grid's first thumbnails. The secondary panels (sidebar lists, counts,
 * settings, the queue) ask the core for their data only once it is shown, so on the server's one
 * thread and the browser's few connections those calls do not come before the thumbnails.
 */
let shown = false;
const waiting = new Set<() => void>();

/** Thumbnails may never come (no photos, none with a thumbnail): then this long after the first answer. */
export const firstScreenFallbackMs = 300;

export function markFirstScreenShown(): void {
  if (shown) return;
  shown = true;
  retireFirstScreen();
  for (const wake of waiting) wake();
  waiting.clear();
}

/** False until the first screen is shown, then true for good. */
export function useFirstScreenShown(): boolean {
  const [now, setNow] = useState(shown);
  useEffect(() => {
    if (shown) return setNow(true);
    const wake = () => setNow(true);
    waiting.add(wake);
    return () => void waiting.delete(wake);
  }, []);
  return now;
}
