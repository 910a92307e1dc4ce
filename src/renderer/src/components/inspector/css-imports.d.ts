// Lets the panels import their stylesheets (`import './inspector.css'`), which Vite bundles.
// Belongs in src/renderer/src/env.d.ts once the panels are merged; kept here to stay in our folders.
/// <reference types="vite/client" />
