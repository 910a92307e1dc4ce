import { parentPort, workerData } from 'node:worker_threads';
import { createCore } from '../core';
import type { Core } from '../core';
import type { Logger } from '../base/logger';
import { mirroredSecrets } from './keychain';
import { toWireError } from './messages';
import type { CoreWorkerData, ShellMessage, WorkerMessage } from './messages';

/*
 * The worker thread's entry: builds the core from the plain values the shell sent, then answers
 * its calls and forwards the core's events, in order, until the shell says close.
 */

const port = parentPort!;
const data = workerData as CoreWorkerData;
const tell = (message: WorkerMessage) => port.postMessage(message);

const forwardedLogger: Logger = {
  info: (message) => tell({ type: 'log', level: 'info', message }),
  warn: (message) => tell({ type: 'log', level: 'warn', message }),
  error: (message) => tell({ type: 'log', level: 'error', message }),
};

function startCore(): Core | null {
  try {
    return createCore({
      ...data.core,
      emit: (name, payload) => tell({ type: 'event', name, payload }),
      logger: data.forwardLogs ? forwardedLogger : undefined,
      secrets: data.keychain ? mirroredSecrets(data.keychain, process.env, tell) : undefined,
    });
  } catch (error) {
    tell({ type: 'startFailed', error: toWireError(error) });
    port.close();
    return null;
  }
}

/** Answers one call; an answer that cannot be cloned (never plain data) fails the call instead of the worker. */
async function answer(core: Core, message: Extract<ShellMessage, { type: 'invoke' }>): Promise<void> {
  try {
    const value = await core.invoke(message.name, message.input as never);
    tell({ type: 'reply', id: message.id, value });
  } catch (error) {
    tell({ type: 'failed', id: message.id, error: toWireError(error) });
  }
}

const core = startCore();
if (core) {
  port.on('message', (message: ShellMessage) => {
    if (message.type === 'invoke') void answer(core, message);
    else if (message.type === 'close') {
      void core.close().finally(() => {
        tell({ type: 'closed' });
        port.close();
      });
    }
  });
  tell({ type: 'ready' });
}
