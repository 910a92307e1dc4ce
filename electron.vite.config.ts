import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

const root = import.meta.dirname;

/**
 * The dev server injects an inline React Refresh preamble that the page's strict meta CSP would
 * block; in dev the main process sends a relaxed CSP header instead (see src/main/electron/security.ts).
 */
const dropMetaCspInDev: Plugin = {
  name: 'captionist:drop-meta-csp-in-dev',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace(/\s*<meta\s+http-equiv="Content-Security-Policy"[^>]*>/, ''),
};

export default defineConfig({
  // Dependencies stay external in main (electron-vite's default `externalizeDeps`), so the native
  // modules (better-sqlite3, sharp, exiftool-vendored) load from node_modules at run time.
  main: {
    build: {
      rolldownOptions: {
        // The core runs in a worker thread whose entry the shell starts from beside its own (src/main/host).
        input: { index: resolve(root, 'src/main/electron/main.ts'), 'core-worker': resolve(root, 'src/main/host/core-worker.ts') },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron': bundle everything else (zod) into it.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        // Sandboxed preloads are run as classic scripts, never as ES modules.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    build: {
      // electron-vite leaves bundles readable; the UI's is parsed on every window and page load.
      minify: true,
      rolldownOptions: {
        input: { index: resolve(root, 'src/renderer/index.html') },
      },
    },
    plugins: [react(), dropMetaCspInDev],
  },
});
