import { describe, expect, it } from 'vitest';
import { killTestWrite } from '../../bench/kill-write';

describe('captionist write killed with SIGKILL', () => {
  it('never leaves a photo damaged, half-written, misrecorded or with debris beside it, and a rerun writes what remains', async () => {
    const report = await killTestWrite({ photos: 30, kills: 5, seed: 20261204, maxKillDelayMs: 500 });
    expect(report.problems).toEqual([]);
    // The kills landed while photos were being written, not before or after the run.
    expect(report.killed).toBeGreaterThanOrEqual(3);
    expect(report.finalRun).toMatchObject({ failed: 0, written: report.finalRun!.total });
  }, 300_000);
});
