import { dirname, relative, resolve, sep } from 'node:path';

/**
 * The layers of src/main, lowest first (VS Code's `code-layering`, by folder). A file may import
 * from its own folder and from folders of a lower rank, type imports included; never from a
 * higher rank, nor from another folder of the same rank (those must not know each other).
 *
 *   base       generic helpers: errors, logging, time, concurrency, path scopes, retry, file kinds
 *   db         the connection, migrations and repositories (SQL lives here)
 *   metadata, providers, keywords, places
 *              adapters of one outside source each (ExifTool; HTTP and the SDKs; keyword files;
 *              the GeoNames gazetteer)
 *   images     sharp, and RAW previews through the metadata adapter
 *   library    folders, scanning, indexing and watching (over images and metadata)
 *   queue      the persistent job queue and its scheduler
 *   captions, search, settings   services combining the layers below
 *   handlers   one module per domain mapping contract calls to services
 *   core.ts    the composition root
 *   server, host           the loopback bridge of `serve`; the core behind a message channel
 *   cli, electron          the shells (`serve` is a command of the CLI, so cli sits above server)
 *
 * A file directly in src/main other than core.ts counts as base.
 */
export const layers = [
  ['base'],
  ['db'],
  ['metadata', 'providers', 'keywords', 'places'],
  ['images'],
  ['library'],
  ['queue'],
  ['captions', 'search', 'settings'],
  ['handlers'],
  ['core.ts'],
  ['server', 'host'],
  ['cli', 'electron'],
];

const rankOf = new Map(layers.flatMap((folders, rank) => folders.map((folder) => [folder, rank])));

/**
 * The layer a file of src/main belongs to, or undefined for files elsewhere.
 * @param {string} file
 * @param {string} mainDir
 * @returns {string | undefined}
 */
function layerOf(file, mainDir) {
  const path = relative(mainDir, file);
  if (path.startsWith('..') || path === '') return undefined;
  const [first, ...rest] = path.split(sep);
  if (rest.length === 0) return first === 'core.ts' ? 'core.ts' : 'base';
  return first;
}

/** @type {import('eslint').Rule.RuleModule} */
export const codeLayering = {
  meta: {
    type: 'problem',
    docs: { description: 'Layers of src/main point one way: a folder imports only lower layers.' },
    schema: [{ type: 'object', properties: { mainDir: { type: 'string' } }, additionalProperties: false }],
    messages: {
      upward:
        'src/main/{{from}} may not import src/main/{{to}}: {{to}} is a higher layer (see eslint-code-layering.js). Move the shared piece lower.',
      sideways:
        'src/main/{{from}} may not import src/main/{{to}}: the two are one layer and must not know each other (see eslint-code-layering.js). Move the shared piece lower.',
      unknown: 'src/main/{{folder}} has no layer: give it one in eslint-code-layering.js.',
    },
  },
  create(context) {
    const mainDir = resolve(context.options[0]?.mainDir ?? 'src/main');
    const from = layerOf(context.filename, mainDir);
    if (from === undefined) return {};
    /**
     * @param {import('eslint').Rule.Node} node
     * @param {unknown} source
     */
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = layerOf(resolve(dirname(context.filename), source), mainDir);
      if (to === undefined || to === from) return;
      for (const folder of [from, to]) {
        if (!rankOf.has(folder)) return context.report({ node, messageId: 'unknown', data: { folder } });
      }
      const difference = (rankOf.get(to) ?? 0) - (rankOf.get(from) ?? 0);
      if (difference > 0) context.report({ node, messageId: 'upward', data: { from, to } });
      else if (difference === 0) context.report({ node, messageId: 'sideways', data: { from, to } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
