import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError, wholeNumber } from './args';
import type { CommandContext, Io } from './main';
import { stopOnSignals } from './signals';
import { startCoreHost } from '../host/core-host';
import { startServer } from '../server/server';

/**
 * `serve`: the desktop app's composition for a browser. The core runs in the core host's worker
 * thread and works in the background as in the app (queue, watching), while the loopback server
 * on this thread bridges pages to it.
 */
export async function serveCommand({ args, flags, dataDir, io }: CommandContext): Promise<number | void> {
  if (args.length) throw new UsageError('serve takes no arguments');
  const port = wholeNumber('--port', flags.port, 0, 0, 65_535);
  const root = checkoutRoot();
  await buildWebUi(root, io);
  let giveUp!: () => void;
  const coreGaveUp = new Promise<'core stopped'>((resolve) => (giveUp = () => resolve('core stopped')));
  const host = await startCoreHost({
    core: { dataDir },
    builtWorkerDir: join(root, 'out', 'cli'),
    onStopped: ({ reason, restarting }) => {
      io.stderr.write(`captionist serve: Captionist's core stopped: ${reason}; ${restarting ? 'restarting it' : 'stopping'}.\n`);
      // The new core starts idle: the queue and watching start again in it.
      if (restarting) void startBackgroundWork().catch(() => {});
      else giveUp();
    },
  });
  const startBackgroundWork = () => host.invoke('app:startBackgroundWork', {});
  const stop = stopOnSignals();
  try {
    const server = await startServer({
      core: host,
      events: { subscribe: (listener) => host.on(listener) },
      uiDir: join(root, 'out', 'renderer'),
      dataDir,
      port,
      onError: (error) => io.stderr.write(`captionist serve: ${error instanceof Error ? error.message : String(error)}\n`),
    });
    try {
      io.stdout.write(`Captionist is serving on 127.0.0.1:${server.port}. Open this address (it carries the access token):\n${server.url}\n`);
      await startBackgroundWork();
      io.stderr.write('Queue and folder watching are running. Ctrl-C stops.\n');
      const signalled = new Promise<'signal'>((done) =>
        stop.signal.aborted ? done('signal') : stop.signal.addEventListener('abort', () => done('signal'), { once: true }),
      );
      if ((await Promise.race([signalled, coreGaveUp])) === 'core stopped') return 1;
      io.stderr.write('Stopping: photos in flight go back to the queue ...\n');
    } finally {
      await server.close();
    }
  } finally {
    stop.dispose();
    await host.close();
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
