import { browserApi } from './browser-api';
import { pageRequest, requestEarly } from './lib/early-results';
import { criteriaFrom, initialSearch } from './lib/search-criteria';

// The Electron preload provides window.api; a page from `captionist serve` brings its own.
if (!(window as { api?: unknown }).api) window.api = browserApi();
requestEarly(window.api, pageRequest(criteriaFrom(initialSearch), 0));

// React and the app arrive in a chunk of their own, so the first search is on its way while the
// browser loads and parses them instead of after.
void import('./mount');
