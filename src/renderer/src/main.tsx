import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { browserApi } from './browser-api';
import { pageRequest, requestEarly } from './lib/early-results';
import { criteriaFrom, initialSearch } from './lib/search-criteria';

// The Electron preload provides window.api; a page from `captionist serve` brings its own.
if (!(window as { api?: unknown }).api) window.api = browserApi();
requestEarly(window.api, pageRequest(criteriaFrom(initialSearch), 0));

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
