import { useCallback, useEffect, useRef, useState } from 'react';

/** Indexing reports a change per batch of files: reload at most this often. */
const reloadDelayMs = 300;

/**
 * A number bumped (at most every reloadDelayMs) when the library changes: folders, counts and
 * pages reload when it does.
 */
export function useLibraryVersion(): { libraryVersion: number; scheduleReload(): void } {
  const [libraryVersion, setLibraryVersion] = useState(0);
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const scheduleReload = useCallback(() => {
    if (reloadTimer.current !== undefined) return;
    reloadTimer.current = setTimeout(() => {
      reloadTimer.current = undefined;
      setLibraryVersion((version) => version + 1);
    }, reloadDelayMs);
  }, []);
  useEffect(() => () => clearTimeout(reloadTimer.current), []);
  return { libraryVersion, scheduleReload };
}
