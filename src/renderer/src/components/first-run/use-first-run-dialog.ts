import { useEffect, useRef, type RefObject } from 'react';

export interface FirstRunDialog {
  dialogRef: RefObject<HTMLDialogElement | null>;
  headingRef: RefObject<HTMLHeadingElement | null>;
}

/**
 * The flow's modal dialog: open from the start, Escape kept from closing it silently, and each
 * later step's heading focused, so a screen reader announces where the user is (the first step
 * leaves focus where the dialog put it, on the first choice). `onClosed` runs when the browser
 * closes the dialog anyway.
 */
export function useFirstRunDialog(step: number, onClosed: () => void): FirstRunDialog {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const onClosedRef = useRef(onClosed);
  onClosedRef.current = onClosed;

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    // Escape would close the dialog without a word: "Skip setup" is the way out.
    const keepOpen = (event: Event) => event.preventDefault();
    // Chromium still closes it on a second Escape: that counts as Skip setup, so the app is never
    // left behind a flow that is gone.
    const skipOnClose = () => onClosedRef.current();
    dialog?.addEventListener('cancel', keepOpen);
    dialog?.addEventListener('close', skipOnClose);
    return () => {
      dialog?.removeEventListener('cancel', keepOpen);
      dialog?.removeEventListener('close', skipOnClose);
    };
  }, []);

  const shownStep = useRef(step);
  useEffect(() => {
    if (shownStep.current === step) return;
    shownStep.current = step;
    headingRef.current?.focus();
  }, [step]);

  return { dialogRef, headingRef };
}
