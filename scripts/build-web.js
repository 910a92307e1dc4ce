// Builds only the renderer, with the desktop app's own renderer config, into out/renderer for
// `captionist serve`. Needs no Electron binary; `npm run build` builds all three parts as before.
import { resolveConfig } from 'electron-vite';
import { build } from 'vite';

const { config } = await resolveConfig({ logLevel: 'warn' }, 'build', 'production');
if (!config?.renderer) throw new Error('electron.vite.config.ts has no renderer config');
await build(config.renderer);
