import { useCallback, useEffect, useRef, useState } from 'react';
import type { PhotoDetail } from '../../../../shared/review';
import { errorText } from '../../errors';

export interface PhotoDetailState {
  /** The photo last loaded: for a moment after moving on, still the previous one. */
  detail: PhotoDetail | null;
  /** The loaded photo when it is the one asked for, else null. */
  shown: PhotoDetail | null;
  loadError: string | null;
  setDetail(detail: PhotoDetail): void;
  reload(): void;
  /** Reloads when the photo is still the one inspected (a regeneration finished for it). */
  reloadIfStillShown(photoId: number): void;
}

/** The inspected photo's details, loaded again when its folder changes in the library. */
export function usePhotoDetail(photoId: number): PhotoDetailState {
  const [detail, setDetail] = useState<PhotoDetail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads((count) => count + 1), []);
  const inspectedId = useRef(photoId);
  useEffect(() => {
    inspectedId.current = photoId;
  });
  const reloadIfStillShown = useCallback(
    (finishedId: number) => {
      if (inspectedId.current === finishedId) reload();
    },
    [reload],
  );

  useEffect(() => {
    let current = true;
    window.api.invoke('photos:get', { id: photoId }).then(
      (loaded) => {
        if (!current) return;
        setDetail(loaded);
        setLoadError(null);
      },
      (reason: unknown) => {
        if (current) setLoadError(errorText(reason));
      },
    );
    return () => {
      current = false;
    };
  }, [photoId, reloads]);

  const shown = detail && detail.id === photoId ? detail : null;
  const folderId = shown?.folderId ?? null;
  useEffect(
    () =>
      window.api.on('library:changed', ({ folderIds }) => {
        if (folderId === null || folderIds.length === 0 || folderIds.includes(folderId)) reload();
      }),
    [folderId, reload],
  );

  return { detail, shown, loadError, setDetail, reload, reloadIfStillShown };
}
