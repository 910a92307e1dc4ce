import { useEffect, useRef, type MutableRefObject } from 'react';
import type { CaptionForm, CaptionFormErrors } from './caption-form';

export interface Edits {
  photoId: number;
  form: CaptionForm;
}

export type Feedback = { kind: 'ok' | 'error'; text: string } | null;

/** The edits held and whether they change their photo's caption, as of the last render. */
export interface HeldEdits {
  photoId: number;
  edits: Edits | null;
  editsUnsaved: boolean;
}

/**
 * Unsaved edits of photos the user moved away from, kept for the session: selecting the photo
 * again (or reopening the inspector) brings them back instead of losing them.
 */
const unsavedDrafts = new Map<number, CaptionForm>();

export const draftKeptFeedback: Feedback = { kind: 'ok', text: 'Your unsaved edits were kept as a draft.' };

export function draftEdits(photoId: number): Edits | null {
  const form = unsavedDrafts.get(photoId);
  return form ? { photoId, form } : null;
}

export function forgetDraft(photoId: number): void {
  unsavedDrafts.delete(photoId);
}

/** Keeps a photo's edits for later when they change something, else forgets any older draft. */
function keepDraft(edits: Edits | null, dirty: boolean): void {
  if (!edits) return;
  if (dirty) unsavedDrafts.set(edits.photoId, edits.form);
  else unsavedDrafts.delete(edits.photoId);
}

interface DraftSetters {
  setEdits(edits: Edits | null): void;
  setErrors(errors: CaptionFormErrors): void;
  setFeedback(feedback: Feedback): void;
}

/**
 * Moving to another photo keeps unsaved edits as a draft, and brings back the new photo's own;
 * closing the inspector with unsaved edits keeps them too.
 */
export function useKeptDrafts(photoId: number, held: MutableRefObject<HeldEdits>, { setEdits, setErrors, setFeedback }: DraftSetters): void {
  const previousId = useRef(photoId);
  useEffect(() => {
    const left = previousId.current;
    if (left === photoId) return;
    previousId.current = photoId;
    const { edits: leftEdits, editsUnsaved: leftUnsaved } = held.current;
    const leftDirty = leftEdits?.photoId === left && leftUnsaved;
    if (leftEdits?.photoId === left) keepDraft(leftEdits, leftUnsaved);
    const restored = draftEdits(photoId);
    setEdits(restored);
    setErrors({});
    setFeedback(
      restored
        ? draftKeptFeedback
        : leftDirty
          ? { kind: 'ok', text: 'Your edits to the previous photo are kept as a draft until you go back to it.' }
          : null,
    );
  }, [photoId, held, setEdits, setErrors, setFeedback]);

  useEffect(
    () => () => {
      const { edits: openEdits, editsUnsaved: openUnsaved } = held.current;
      keepDraft(openEdits, openUnsaved);
    },
    [held],
  );
}
