// Compiles the captionist command (src/main/cli and the core it runs) into out/cli, so it starts
// as compiled JavaScript instead of transpiling TypeScript at every start. Run by npm install,
// npm test and npm start; builds only when the sources changed.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildWhenChanged, root } from './build-when-changed.js';

/** @type {{ dependencies: Record<string, string> }} */
const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/**
 * zod's messages in fifty languages are a third of what the command would otherwise load at every
 * start. Captionist uses zod's default, English, so the other languages stay out of the bundle.
 * @type {import('esbuild').Plugin}
 */
const zodInEnglishOnly = {
  name: 'zod-in-english-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: dirname(args.path),
    }));
  },
};

await buildWhenChanged({
  name: 'the captionist command',
  inputs: [
    'src/main',
    'src/shared',
    'tsconfig.base.json',
    'package.json',
    'package-lock.json',
    'scripts/build-cli.js',
    'scripts/build-when-changed.js',
  ],
  output: 'out/cli',
  entry: 'main.js',
  async build(folder) {
    const { build } = await import('esbuild');
    await build({
      // `serve` starts the core in a worker thread, whose entry is built beside the command's.
      entryPoints: { main: join(root, 'src/main/cli/main.ts'), 'core-worker': join(root, 'src/main/host/core-worker.ts') },
      outdir: folder,
      bundle: true,
      // Each command's module, the core and the server become chunks of their own, loaded by the
      // command that needs them (see the dynamic imports in src/main/cli/main.ts).
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      format: 'esm',
      platform: 'node',
      target: 'node20.19',
      // zod is in every command's path, and as a hundred small modules it loads in twice the time
      // it takes bundled. The other packages load from node_modules: native code (better-sqlite3,
      // sharp), ExifTool's executable, and what adapters import only on first use.
      external: Object.keys(dependencies).filter((name) => name !== 'zod'),
      plugins: [zodInEnglishOnly],
      logLevel: 'warning',
    });
  },
});
