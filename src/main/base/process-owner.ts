import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * A name for this process that work it leaves in the library database (a job's lease, a write in
 * flight) is recorded under: "host:pid:nonce", unique even when a pid is reused.
 */
export function newProcessOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/**
 * Whether the process behind an owner ("host:pid:nonce") has ended. Only a process on this
 * machine can be checked; any other is taken to be alive, and so is this process itself.
 */
export function processIsGone(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  return processEnded(pid);
}

/** Whether no process of this machine has the id `pid` (one we may not signal still runs). */
export function processEnded(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
