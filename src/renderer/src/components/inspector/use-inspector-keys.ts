import { useEffect, useRef, type RefObject } from 'react';

interface InspectorKeys {
  photoId: number;
  dirty: boolean;
  onClose(): void;
  /** Escape was pressed while the form holds unsaved edits. */
  onCloseRefused(): void;
}

/**
 * Opening a photo (Enter in the grid) takes the keyboard to its heading: a screen reader announces
 * it and Tab goes on into the fields. Escape closes, unless there are unsaved edits, or another
 * part of the window (a dialog) has the key. Closing gives focus back to the grid (the App does that).
 */
export function useInspectorKeys(
  asideRef: RefObject<HTMLElement | null>,
  headingRef: RefObject<HTMLHeadingElement | null>,
  keys: InspectorKeys,
): void {
  const latest = useRef(keys);
  useEffect(() => {
    latest.current = keys;
  });

  useEffect(() => {
    headingRef.current?.focus();
  }, [headingRef, keys.photoId]);

  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      if (document.querySelector('dialog[open]')) return;
      const target = event.target instanceof Node ? event.target : null;
      const inside = target !== null && asideRef.current?.contains(target) === true;
      const nowhere = target === null || target === document.body || target === document.documentElement;
      if (!inside && !nowhere) return;
      if (latest.current.dirty) latest.current.onCloseRefused();
      else latest.current.onClose();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [asideRef]);
}
