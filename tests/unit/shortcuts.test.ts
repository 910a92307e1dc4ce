import { describe, expect, it } from 'vitest';
import { commandForKey } from '../../src/renderer/src/lib/shortcuts';
import type { KeyPress } from '../../src/renderer/src/lib/shortcuts';

const press = (key: string, modifiers: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...modifiers,
});
const idle = { typing: false, dialogOpen: false };

describe('keyboard shortcuts', () => {
  it('maps Ctrl or Cmd with F, O and comma whatever the focus', () => {
    expect(commandForKey(press('f', { ctrlKey: true }), { typing: true, dialogOpen: false })).toBe('focusSearch');
    expect(commandForKey(press('O', { metaKey: true }), idle)).toBe('addFolder');
    expect(commandForKey(press(',', { ctrlKey: true }), idle)).toBe('openSettings');
    expect(commandForKey(press('a', { ctrlKey: true }), idle)).toBeNull();
    expect(commandForKey(press('f', { ctrlKey: true, shiftKey: true }), idle)).toBeNull();
  });

  it('acts on the selection with single letters, never while typing or in a dialog', () => {
    expect(commandForKey(press('c'), idle)).toBe('captionSelection');
    expect(commandForKey(press('A'), idle)).toBe('approveSelection');
    expect(commandForKey(press('w'), idle)).toBe('writeSelection');
    expect(commandForKey(press('q'), idle)).toBe('showQueue');
    expect(commandForKey(press('a'), { typing: true, dialogOpen: false })).toBeNull();
    expect(commandForKey(press('a'), { typing: false, dialogOpen: true })).toBeNull();
    expect(commandForKey(press('a', { altKey: true }), idle)).toBeNull();
    expect(commandForKey(press('x'), idle)).toBeNull();
  });
});
