import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The web UI as `captionist serve` serves it, built by the tests' global setup.
const assets = join('out', 'renderer');

/** Chunks a chunk imports statically (`import … from "./x.js"`, `import "./x.js"`), not `import("./x.js")`. */
function staticImports(code: string): string[] {
  return [...code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{},\s]+?from\s*)?["'`]\.\/([^"'`]+\.js)["'`]/g)].map((match) => match[1]!);
}

/** Every script the page runs before its first render: the entry chunk and what it imports, transitively. */
function firstScreenChunks(): Map<string, string> {
  const html = readFileSync(join(assets, 'index.html'), 'utf8');
  const entry = /<script type="module"[^>]*src="\.\/assets\/([^"]+\.js)"/.exec(html)?.[1];
  if (!entry) throw new Error('index.html has no module script');
  const chunks = new Map<string, string>();
  const waiting = [entry];
  while (waiting.length > 0) {
    const name = waiting.pop()!;
    if (chunks.has(name)) continue;
    const code = readFileSync(join(assets, 'assets', name), 'utf8');
    chunks.set(name, code);
    waiting.push(...staticImports(code));
  }
  return chunks;
}

/** zod's classes carry a `_zod` property; its minified code keeps that name. */
const holdsZod = (code: string) => code.includes('_zod');

describe('the first screen\'s script', () => {
  it('does not load zod: its schemas wait for the parts of the app that validate', () => {
    const chunks = firstScreenChunks();
    expect([...chunks.keys()].filter((name) => holdsZod(chunks.get(name)!))).toEqual([]);
  });

  it('is recognised by the check above when it does hold zod (a later chunk does)', () => {
    const html = readFileSync(join(assets, 'index.html'), 'utf8');
    const entry = /src="\.\/assets\/([^"]+\.js)"/.exec(html)![1]!;
    const lazyNames = [...readFileSync(join(assets, 'assets', entry), 'utf8').matchAll(/import\(["'`]\.\/([^"'`]+\.js)["'`]\)/g)].map((match) => match[1]!);
    const lazyWithZod = lazyNames.filter((name) =>
      [name, ...staticImports(readFileSync(join(assets, 'assets', name), 'utf8'))].some((chunk) =>
        holdsZod(readFileSync(join(assets, 'assets', chunk), 'utf8')),
      ),
    );
    expect(lazyWithZod.length).toBeGreaterThan(0);
  });
});
