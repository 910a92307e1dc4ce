import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/main/providers/errors';
import { defaultRetryPolicy } from '../../src/main/base/retry';
import { Lane, retryStopped, WakeTimer } from '../../src/main/queue/lane';
import { fakeClock } from '../helpers/fake-clock';

const silent = { info() {}, warn() {}, error() {} };
const policy = { ...defaultRetryPolicy, baseDelayMs: 1000, maxDelayMs: 8000, maxAttempts: 3, random: () => 1 };

function laneOn(clock = fakeClock(), viaBatch = false, concurrency = 8) {
  const lane = new Lane({ kind: 'caption', provider: 'Vision', viaBatch }, concurrency, { now: clock.now, retryPolicy: policy, logger: silent, logPrefix: 'test' });
  return { lane, clock };
}

describe('the lane policy', () => {
  it('waits for an unreachable service, probing with doubling backoff up to the cap, and runs once it answers', () => {
    const { lane, clock } = laneOn();
    const start = clock.now().getTime();
    expect(lane.failed(new ProviderError('network', 'Vision', 'connection refused'))).toBe(true);
    expect(lane.status(0)).toMatchObject({ state: 'offline', message: 'connection refused', until: new Date(start + 1000).toISOString() });
    expect(lane.waitingUntil(start)).toBe(start + 1000);
    // Another job failing the same way while it waits changes nothing.
    lane.unreachable('again');
    expect(lane.until).toBe(start + 1000);

    const waits = [];
    for (let probe = 0; probe < 4; probe++) {
      clock.advance(lane.until! - clock.now().getTime());
      expect(lane.waitingUntil(clock.now().getTime())).toBeNull();
      lane.probeFailed();
      waits.push(lane.until! - clock.now().getTime());
    }
    expect(waits).toEqual([2000, 4000, 8000, 8000]);

    lane.reachable();
    expect(lane.status(0)).toMatchObject({ state: 'idle', message: null, until: null });
    lane.failed(new ProviderError('network', 'Vision', 'down again'));
    expect(lane.until! - clock.now().getTime()).toBe(1000);
  });

  it('halves its concurrency at a 429, waits as told, and earns concurrency back ten successes at a time', () => {
    const { lane, clock } = laneOn();
    lane.failed(new ProviderError('rate-limited', 'Vision', 'slow down', { retryAfterMs: 3000 }));
    expect(lane.status(0)).toMatchObject({ state: 'rate-limited', concurrency: 4, configuredConcurrency: 8 });
    // At least as long as the service said.
    expect(lane.waitingUntil(clock.now().getTime())).toBeGreaterThanOrEqual(clock.now().getTime() + 3000);
    clock.advance(3500);
    expect(lane.waitingUntil(clock.now().getTime())).toBeNull();
    lane.failed(new ProviderError('rate-limited', 'Vision', 'slow down', { retryAfterMs: 3000 }));
    expect(lane.limit).toBe(2);
    for (let success = 0; success < 9; success++) lane.succeeded();
    expect(lane.limit).toBe(2);
    lane.succeeded();
    expect(lane.limit).toBe(3);
  });

  it('waits for a rate-limit window the headers say is used up, and follows what remains', () => {
    const { lane, clock } = laneOn();
    lane.succeeded({ limit: 100, remaining: 3, resetMs: 60_000 });
    expect(lane.limit).toBe(3);
    lane.succeeded({ limit: 100, remaining: 0, resetMs: 20_000 });
    expect(lane.status(0)).toMatchObject({ state: 'rate-limited', until: new Date(clock.now().getTime() + 20_000).toISOString() });
  });

  it('stops a direct lane and a Batch API lane alike on a refused key or spent credits, until retried', () => {
    const direct = laneOn().lane;
    const batch = laneOn(fakeClock(), true, 5000).lane;
    const other = new Lane({ kind: 'caption', provider: 'other', viaBatch: false }, 1, { now: fakeClock().now, retryPolicy: policy, logger: silent, logPrefix: 'test' });
    for (const kind of ['auth', 'credits', 'forbidden', 'not-found'] as const) {
      for (const lane of [direct, batch, other]) {
        expect(lane.failed(new ProviderError(kind, 'Vision', `refused: ${kind}`))).toBe(true);
        expect(lane.status(0)).toMatchObject({ state: 'stopped', message: `refused: ${kind}`, until: null });
      }
      retryStopped([direct, batch, other], 'VISION');
      expect([direct.state, batch.state, other.state]).toEqual(['idle', 'idle', 'stopped']);
      retryStopped([other]);
      expect(other.state).toBe('idle');
    }
  });

  it('leaves a failure of one photo to its job', () => {
    const { lane } = laneOn();
    for (const kind of ['server', 'timeout', 'bad-request', 'invalid-response'] as const) {
      expect(lane.failed(new ProviderError(kind, 'Vision', kind))).toBe(false);
      expect(lane.state).toBe('idle');
    }
  });
});

describe('the wake timer', () => {
  it('fires once at the earliest time asked for, on the injected clock', () => {
    const clock = fakeClock();
    const fired: number[] = [];
    const timer = new WakeTimer(clock, () => fired.push(clock.now().getTime()), 50);
    const start = clock.now().getTime();
    timer.set(start + 5000);
    timer.set(start + 2000);
    timer.set(start + 9000);
    expect(clock.pending()).toBe(1);
    clock.advance(1999);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([start + 2000]);
    // A time already past waits the minimum rather than spin.
    timer.set(start);
    clock.advance(49);
    expect(fired).toHaveLength(1);
    clock.advance(1);
    expect(fired).toEqual([start + 2000, start + 2050]);
    timer.set(start + 10_000);
    timer.clear();
    clock.advance(60_000);
    expect(fired).toHaveLength(2);
  });
});
