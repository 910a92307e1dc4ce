import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError, wholeNumber } from './args';
import type { CommandContext, Io } from './main';
import { stopOnSignals } from './signals';
import { EventHub } from '../server/event-hub';
import { startServer } from '../server/server';

/**
 * `serve`: the desktop app's composition for a browser. The core works in the background as in
 * the app (queue, watching) while the loopback server bridges pages to it.
 */
export async function serveCommand({ args, flags, openCore, io }: CommandContext): Promise<number | void> {
  if (args.length) throw new UsageError('serve takes no arguments');
  const port = wholeNumber('--port', flags.port, 0, 0, 65_535);
  const root = checkoutRoot();
  await buildWebUi(root, io);
  const events = new EventHub();
  const core = openCore({ emit: events.emit });
  const server = await startServer({
    core,
    events,
    uiDir: join(root, 'out', 'renderer'),
    port,
    onError: (error) => io.stderr.write(`captionist serve: ${error instanceof Error ? error.message : String(error)}\n`),
  });
  const stop = stopOnSignals();
  try {
    io.stdout.write(`Captionist is serving on 127.0.0.1:${server.port}. Open this address (it carries the access token):\n${server.url}\n`);
    await core.invoke('app:startBackgroundWork', {});
    io.stderr.write('Queue and folder watching are running. Ctrl-C stops.\n');
    if (!stop.signal.aborted) await new Promise((done) => stop.signal.addEventListener('abort', done, { once: true }));
    io.stderr.write('Stopping: photos in flight go back to the queue ...\n');
  } finally {
    stop.dispose();
    await server.close();
  }
}

/** The Captionist folder this command runs from (as source or compiled): the nearest one above holding package.json. */
function checkoutRoot(): string {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`No package.json above ${import.meta.dirname}`);
  }
}

/**
 * Builds the web UI first when its sources changed since it was last built, so an edited
 * checkout never serves an old UI. scripts/build-web.js decides, in a few milliseconds when
 * nothing changed; what it prints goes to stderr, leaving stdout to the address.
 */
async function buildWebUi(root: string, io: Io): Promise<void> {
  const build = spawn(process.execPath, [join(root, 'scripts', 'build-web.js')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  build.stdout.pipe(io.stderr, { end: false });
  build.stderr.pipe(io.stderr, { end: false });
  const code = await new Promise<number | null>((done, fail) => build.on('error', fail).on('close', done));
  if (code !== 0) throw new Error(`The web UI could not be built from the sources in ${join(root, 'src', 'renderer')} (see above).`);
}
