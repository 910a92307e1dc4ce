import { useEffect, useRef } from 'react';
import type { AppCommand } from '../../../shared/contract';
import { commandForKey } from '../lib/shortcuts';

export interface CommandActions {
  addFolder(): void;
  openSettings(): void;
  captionSelection(): void;
  approveSelection(): void;
  writeSelection(): void;
}

/** The app's keys, and the desktop menu's items that show them. */
export function useAppCommands(actions: CommandActions): void {
  /** What a shortcut or the desktop app's menu asks for. */
  const runCommand = (command: AppCommand) => {
    switch (command) {
      case 'addFolder':
        return actions.addFolder();
      case 'focusSearch':
        return document.querySelector<HTMLInputElement>('input[type="search"]')?.focus();
      case 'openSettings':
        return actions.openSettings();
      case 'captionSelection':
        return actions.captionSelection();
      case 'approveSelection':
        return actions.approveSelection();
      case 'writeSelection':
        return actions.writeSelection();
      case 'showQueue':
        return document.querySelector<HTMLElement>('section[aria-label="Queue"]')?.focus();
    }
  };
  const runCommandRef = useRef(runCommand);
  runCommandRef.current = runCommand;

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      const context = { typing: isTypingTarget(event.target), dialogOpen: document.querySelector('dialog[open]') !== null };
      const command = commandForKey(event, context);
      if (!command) return;
      event.preventDefault();
      runCommandRef.current(command);
    };
    document.addEventListener('keydown', onKeyDown);
    const stop = window.api.on('app:command', ({ command }) => runCommandRef.current(command));
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      stop();
    };
  }, []);
}

/** Where a letter key is text rather than a command. */
function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset', 'range'].includes(target.type);
}
