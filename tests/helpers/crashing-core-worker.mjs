// The real core worker, made to crash the way CAPTIONIST_TEST_CRASH says ('exit', 'throw' or
// 'oom') shortly after the shell makes the call CAPTIONIST_TEST_CRASH_ON names (library:index
// unless set), so that the call is still pending.
import { setTimeout } from 'node:timers';
import { parentPort } from 'node:worker_threads';

await import('../../src/main/host/core-worker.bootstrap.mjs');

parentPort.on('message', (message) => {
  if (message.type !== 'invoke' || message.name !== (process.env.CAPTIONIST_TEST_CRASH_ON ?? 'library:index')) return;
  setTimeout(() => {
    const how = process.env.CAPTIONIST_TEST_CRASH;
    if (how === 'exit') process.exit(3);
    if (how === 'throw') throw new Error('The decoder fell over');
    const hoard = [];
    for (;;) hoard.push(new Array(100_000).fill(hoard.length));
  }, 10);
});
