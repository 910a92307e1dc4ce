import { readdirSync, readFileSync } from 'node:fs';
import { onTestFinished } from 'vitest';
import { startCoreHost } from '../../src/main/host/core-host';
import type { CoreHost, CoreHostOptions } from '../../src/main/host/core-host';
import { tempDir } from './files';

/** A core host on a fresh data folder, closed when the current test finishes. */
export async function testHost(options: Partial<CoreHostOptions> = {}): Promise<CoreHost> {
  const host = await startCoreHost({ ...options, core: { dataDir: tempDir('captionist-home-'), concurrency: 2, ...options.core } });
  onTestFinished(() => host.close());
  return host;
}

/** The processes this process started that are still running (ExifTool's among them), as "pid command". */
export function childProcesses(): string[] {
  const children: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces and brackets, so read after the last ')'.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // A zombie has ended already; only its exit status waits to be collected.
      if (Number(ppid) === process.pid && state !== 'Z') children.push(`${entry} ${readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ')}`);
    } catch {
      // Ended while being read.
    }
  }
  return children;
}
