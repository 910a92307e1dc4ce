import { useCallback, useEffect, useState } from 'react';
import type { SavedSearch } from '../../../shared/domain';
import { useFirstScreenShown } from '../lib/first-screen';

/** The smart albums (saved searches), listed in the sidebar. */
export function useAlbums(showError: (reason: unknown) => void): { albums: SavedSearch[]; reload(): void } {
  const [albums, setAlbums] = useState<SavedSearch[]>([]);
  const reload = useCallback(() => {
    window.api.invoke('search:listSaved', {}).then(setAlbums, showError);
  }, [showError]);
  const ready = useFirstScreenShown();
  useEffect(() => {
    if (ready) reload();
  }, [ready, reload]);
  return { albums, reload };
}
