import { appendFileSync } from 'node:fs';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * Appends timestamped lines to one file, created readable by its owner only (paths and provider
 * messages are private); never throws, since logging must not break a run.
 */
export function fileLogger(file: string, now: () => Date = () => new Date()): Logger {
  const write = (level: string, message: string) => {
    try {
      appendFileSync(file, `${now().toISOString()} ${level} ${message}\n`, { mode: 0o600 });
    } catch {
      // A full or read-only disk must not turn a log line into a failed index run.
    }
  };
  return {
    info: (message) => write('INFO', message),
    warn: (message) => write('WARN', message),
    error: (message) => write('ERROR', message),
  };
}
