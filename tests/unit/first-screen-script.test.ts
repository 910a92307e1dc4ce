import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The web UI as `captionist serve` serves it, built by the tests' global setup.
const assets = join('out', 'renderer', 'assets');
const chunk = (name: string) => readFileSync(join(assets, name), 'utf8');

/** Chunks a chunk imports statically (`import … from "./x.js"`, `import "./x.js"`), not `import("./x.js")`. */
function staticImports(code: string): string[] {
  return [...code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{},\s]+?from\s*)?["'`]\.\/([^"'`]+\.js)["'`]/g)].map((match) => match[1]!);
}

function dynamicImports(code: string): string[] {
  return [...code.matchAll(/import\(["'`]\.\/([^"'`]+\.js)["'`]\)/g)].map((match) => match[1]!);
}

/** A chunk and everything it imports statically, transitively. */
function withStaticImports(names: string[]): Set<string> {
  const found = new Set<string>();
  const waiting = [...names];
  while (waiting.length > 0) {
    const name = waiting.pop()!;
    if (found.has(name)) continue;
    found.add(name);
    waiting.push(...staticImports(chunk(name)));
  }
  return found;
}

/**
 * What the page runs before its first render: the entry chunk, which starts the first search and
 * then imports the app (its only dynamic import), and all that these import.
 */
function firstScreenChunks(): Set<string> {
  const html = readFileSync(join('out', 'renderer', 'index.html'), 'utf8');
  const entry = /<script type="module"[^>]*src="\.\/assets\/([^"]+\.js)"/.exec(html)?.[1];
  if (!entry) throw new Error('index.html has no module script');
  return withStaticImports([entry, ...dynamicImports(chunk(entry))]);
}

/** zod's classes carry a `_zod` property; its minified code keeps that name. */
const holdsZod = (name: string) => chunk(name).includes('_zod');

describe("the first screen's script", () => {
  it('does not load zod: its schemas wait for the parts of the app that validate', () => {
    expect([...firstScreenChunks()].filter(holdsZod)).toEqual([]);
  });

  it('is recognised by the check above when it does hold zod (a part loaded later does)', () => {
    const firstScreen = firstScreenChunks();
    const later = [...firstScreen].flatMap((name) => dynamicImports(chunk(name))).filter((name) => !firstScreen.has(name));
    expect([...withStaticImports(later)].filter(holdsZod).length).toBeGreaterThan(0);
  });
});
