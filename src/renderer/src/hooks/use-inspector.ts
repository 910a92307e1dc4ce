import { useState } from 'react';
import type { SearchHit } from '../../../shared/domain';
import type { ResultPages } from '../lib/result-pages';

export interface InspectorState {
  openPhotoId: number | null;
  openAt(index: number): void;
  close(): void;
}

/** Which photo the inspector beside the grid shows, if any. */
export function useInspector(pages: ResultPages<SearchHit>): InspectorState {
  const [openPhotoId, setOpenPhotoId] = useState<number | null>(null);
  const openAt = (index: number) => {
    const photo = pages.at(index);
    if (photo) setOpenPhotoId(photo.id);
  };
  const close = () => {
    setOpenPhotoId(null);
    // Back to the photo that was open, so keyboard users keep their place.
    requestAnimationFrame(() => document.querySelector<HTMLElement>('.photo-grid [tabindex="0"]')?.focus());
  };
  return { openPhotoId, openAt, close };
}
