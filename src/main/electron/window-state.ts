import { readFileSync, writeFileSync } from 'node:fs';
import { screen } from 'electron';
import type { BrowserWindow, Rectangle } from 'electron';
import { z } from 'zod';

const WindowStateSchema = z.object({
  bounds: z.object({
    x: z.number().int(),
    y: z.number().int(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
  }),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

export const minWindowSize = { width: 720, height: 480 };
const defaultSize = { width: 1200, height: 800 };

/**
 * The window's last size and place, moved onto a display that is still attached; a missing or
 * unreadable file just means a default window. Call only once the app is ready (uses `screen`).
 */
export function loadWindowState(file: string): WindowState {
  const saved = WindowStateSchema.safeParse(readJson(file));
  if (!saved.success) return { bounds: centeredOnPrimary(defaultSize), maximized: false };
  return { bounds: clampToDisplay(saved.data.bounds), maximized: saved.data.maximized };
}

/** Writes the window's state when it closes; its normal bounds, so un-maximizing restores them. */
export function saveWindowStateOnClose(window: BrowserWindow, file: string): void {
  window.on('close', () => {
    const state: WindowState = { bounds: window.getNormalBounds(), maximized: window.isMaximized() };
    try {
      writeFileSync(file, JSON.stringify(state));
    } catch {
      // Losing the window's place must never block quitting.
    }
  });
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Fits the bounds inside the work area of the display they overlap most (or the nearest one). */
function clampToDisplay(bounds: Rectangle): Rectangle {
  const area = screen.getDisplayMatching(bounds).workArea;
  const width = Math.min(Math.max(bounds.width, minWindowSize.width), area.width);
  const height = Math.min(Math.max(bounds.height, minWindowSize.height), area.height);
  return {
    x: clamp(bounds.x, area.x, area.x + area.width - width),
    y: clamp(bounds.y, area.y, area.y + area.height - height),
    width,
    height,
  };
}

function centeredOnPrimary(size: { width: number; height: number }): Rectangle {
  const area = screen.getPrimaryDisplay().workArea;
  const width = Math.min(size.width, area.width);
  const height = Math.min(size.height, area.height);
  return {
    x: area.x + Math.round((area.width - width) / 2),
    y: area.y + Math.round((area.height - height) / 2),
    width,
    height,
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
