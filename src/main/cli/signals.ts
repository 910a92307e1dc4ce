/**
 * An abort signal raised by Ctrl-C (SIGINT) or SIGTERM, so a long command stops cleanly: photos
 * in flight go back to the queue. `dispose` gives the signals back to Node's defaults.
 */
export function stopOnSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}
