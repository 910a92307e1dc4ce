/// <reference types="vite/client" />
import type { CaptionistApi } from '../../shared/contract';

declare global {
  interface Window {
    /** The preload's bridge to the core (src/preload/index.ts); the renderer's only way out. */
    api: CaptionistApi;
  }
}
