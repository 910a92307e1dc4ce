import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { browserApi } from './browser-api';

// The Electron preload provides window.api; a page from `captionist serve` brings its own.
if (!(window as { api?: unknown }).api) window.api = browserApi();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
