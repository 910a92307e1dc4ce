// Builds only the renderer, with the desktop app's own renderer config, into out/renderer for
// `captionist serve`, when its sources changed. Needs no Electron binary; `npm run build` builds
// all three parts of the app as before.
import { buildWhenChanged } from './build-when-changed.js';

await buildWhenChanged({
  name: 'the web UI',
  inputs: [
    'src/renderer',
    'src/shared',
    'electron.vite.config.ts',
    'tsconfig.base.json',
    'tsconfig.web.json',
    'package.json',
    'package-lock.json',
    'scripts/build-web.js',
    'scripts/build-when-changed.js',
  ],
  output: 'out/renderer',
  entry: 'index.html',
  async build(folder) {
    const [{ resolveConfig }, { build }] = await Promise.all([import('electron-vite'), import('vite')]);
    const { config } = await resolveConfig({ logLevel: 'warn' }, 'build', 'production');
    if (!config?.renderer) throw new Error('electron.vite.config.ts has no renderer config');
    await build({ ...config.renderer, build: { ...config.renderer.build, outDir: folder, emptyOutDir: true } });
  },
});
