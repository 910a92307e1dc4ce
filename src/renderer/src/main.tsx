import { browserApi } from './browser-api';
import { pageRequest, requestEarly } from './lib/early-results';
import { paintFirstScreen } from './lib/first-screen-paint';
import { criteriaFrom, initialSearch } from './lib/search-criteria';

// The Electron preload provides window.api; a page from `captionist serve` brings its own.
if (!(window as { api?: unknown }).api) window.api = browserApi();
const api = window.api;
const firstScreen = requestEarly(api, pageRequest(criteriaFrom(initialSearch), 0))
  .then((answer) => paintFirstScreen(answer, api.thumbnailUrl))
  // A failed search is the app grid's to report; a screen that could not be painted is only not
  // painted first. Either way the app below must load.
  .catch(() => undefined);

// React and the app arrive in a chunk of their own, after the first screen's thumbnails have
// painted: parsing and rendering them would hold up the thread those thumbnails paint on. Slow
// thumbnails hold the app back no longer than this.
const appWaitsAtMostMs = 1000;
void Promise.race([firstScreen, new Promise((wait) => setTimeout(wait, appWaitsAtMostMs))]).then(() => import('./mount'));
