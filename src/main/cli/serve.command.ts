import { UsageError, wholeNumber } from './args';
import type { CommandContext } from './main';
import { stopOnSignals } from './signals';
import { EventHub } from '../server/event-hub';
import { startServer } from '../server/server';
import { defaultUiDir } from '../server/static-files';

export const serveUsage = `  serve [--port P]         Serve the app to a browser on this machine (127.0.0.1 only), with the
                           queue and folder watching running, until Ctrl-C; prints the address
                           to open, which carries an access token. Build the UI first with
                           "npm run build:web"`;

/**
 * `serve`: the desktop app's composition for a browser. The core works in the background as in
 * the app (queue, watching) while the loopback server bridges pages to it.
 */
export async function serveCommand({ args, flags, openCore, io }: CommandContext): Promise<number | void> {
  if (args.length) throw new UsageError('serve takes no arguments');
  const port = wholeNumber('--port', flags.port, 0, 0, 65_535);
  const events = new EventHub();
  const core = openCore({ emit: events.emit });
  const server = await startServer({
    core,
    events,
    uiDir: defaultUiDir,
    port,
    onError: (error) => io.stderr.write(`captionist serve: ${error instanceof Error ? error.message : String(error)}\n`),
  });
  const stop = stopOnSignals();
  try {
    io.stdout.write(`Captionist is serving on 127.0.0.1:${server.port}. Open this address (it carries the access token):\n${server.url}\n`);
    await core.startBackgroundWork();
    io.stderr.write('Queue and folder watching are running. Ctrl-C stops.\n');
    if (!stop.signal.aborted) await new Promise((done) => stop.signal.addEventListener('abort', done, { once: true }));
    io.stderr.write('Stopping: photos in flight go back to the queue ...\n');
  } finally {
    stop.dispose();
    await server.close();
  }
}
