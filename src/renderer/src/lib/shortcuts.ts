import type { AppCommand } from '../../../shared/contract';

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/**
 * The app's own keys, the same in the desktop app (whose menu shows them) and in a browser.
 * Single letters act on the selection, as in Lightroom, so they never fire while the user types
 * or a dialog is open; browsers reserve most Ctrl+Shift keys for themselves.
 */
export function commandForKey(press: KeyPress, context: { typing: boolean; dialogOpen: boolean }): AppCommand | null {
  const key = press.key.toLowerCase();
  const command = press.ctrlKey || press.metaKey;
  if (command && !press.shiftKey && !press.altKey) {
    if (key === 'f') return 'focusSearch';
    if (key === 'o') return 'addFolder';
    if (key === ',') return 'openSettings';
    return null;
  }
  if (command || press.altKey || context.typing || context.dialogOpen) return null;
  const letters: Record<string, AppCommand> = { c: 'captionSelection', a: 'approveSelection', w: 'writeSelection', q: 'showQueue' };
  return letters[key] ?? null;
}
