#!/usr/bin/env node
// The captionist command, compiled into out/cli by scripts/build-cli.js: npm install builds it,
// and npm test and npm start build it again whenever the sources changed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const compiled = join(import.meta.dirname, '..', 'out', 'cli', 'main.js');
if (!existsSync(compiled)) {
  process.stderr.write(
    `captionist: the command is not built yet (no ${compiled}). ` +
      'Run "npm run build:cli" in the Captionist folder (npm install does it too), then try again.\n',
  );
  process.exit(1);
}
/** @type {typeof import('../src/main/cli/main.ts')} */
const { main } = await import(pathToFileURL(compiled).href);
process.exitCode = await main(process.argv.slice(2), process.env);
