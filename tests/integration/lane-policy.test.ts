import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import { environmentSecrets } from '../../src/main/base/secrets';
import { testCore } from '../helpers/core';
import { fakeClock } from '../helpers/fake-clock';
import { tempDir } from '../helpers/files';
import { startBatchServer } from '../provider-servers/openai-batch.server';
import type { BatchServer } from '../provider-servers/openai-batch.server';
import { startOpenAiServer } from '../provider-servers/openai-compatible.server';

const apiKey = 'sk-lanes-test-7c1f3a9e2d';
const wrongKey = 'sk-wrong-0000-1111';

async function photos(count: number): Promise<string[]> {
  const root = tempDir('captionist-photos-');
  await mkdir(join(root, 'Porto'), { recursive: true });
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const path = join(root, 'Porto', `photo-${index}.jpg`);
      await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 40 * index, g: 90, b: 160 } } }).jpeg().toFile(path);
      return path;
    }),
  );
}

async function until(condition: () => boolean | Promise<boolean>, what: string, step: () => void = () => {}, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    step();
    await delay(10);
  }
}

const lanesOf = async (core: Core) => (await core.invoke('queue:status', {})).lanes.filter((lane) => lane.provider === 'vision');
/** One provider with a direct and a Batch API lane, its key read from LANE_KEY. */
const laneProvider = (directUrl: string, batchUrl: string) =>
  ({
    name: 'vision',
    type: 'openai-compatible',
    preset: 'inference-net',
    baseUrl: `${directUrl}/v1`,
    batchBaseUrl: `${batchUrl}/v1`,
    apiKeyEnv: 'LANE_KEY',
  }) as const;

const countsOf = async (core: Core) => (await core.invoke('queue:status', {})).counts;

describe('one lane policy for direct captioning and the Batch API', () => {
  it('stops the Batch API lane on a rejected key exactly as the direct lane, and retryStopped resumes both', async () => {
    const env: Record<string, string> = { LANE_KEY: wrongKey };
    const direct = await startOpenAiServer({ apiKey });
    const batch = await startBatchServer({ apiKey });
    const [first, second] = await photos(2);
    const core = testCore({ secrets: environmentSecrets(env), batch: { pollIntervalMs: 30 }, retryPolicy: { baseDelayMs: 5, maxDelayMs: 50 } });
    await core.invoke('library:index', { paths: [join(first!, '..')] });
    const provider = laneProvider(direct.url, batch.url);
    await core.invoke('providers:save', provider);
    const run = { provider: 'vision', options: {}, force: false };

    const directRun = await core.invoke('captions:generate', { ...run, paths: [first!], viaBatch: false });
    const batchRun = await core.invoke('captions:generate', { ...run, paths: [second!], viaBatch: true });

    expect(directRun.stoppedBecause).toMatch(/API key rejected by Inference\.net/);
    expect(batchRun.stoppedBecause).toBe(directRun.stoppedBecause);
    const stopped = await lanesOf(core);
    expect(stopped.map((lane) => [lane.viaBatch, lane.state, lane.message, lane.until])).toEqual([
      [false, 'stopped', directRun.stoppedBecause, null],
      [true, 'stopped', directRun.stoppedBecause, null],
    ]);
    expect(await countsOf(core)).toMatchObject({ queued: 2, failed: 0, running: 0 });
    // Stopped means stopped: neither lane asks again on its own.
    const asked = direct.requests.length + batch.requests.length;
    await delay(300);
    expect(direct.requests.length + batch.requests.length).toBe(asked);

    // The photographer fixes the key and saves the provider again: that is what stopped lanes wait for.
    env.LANE_KEY = apiKey;
    await core.invoke('providers:save', provider);

    await until(async () => (await countsOf(core)).done === 2, 'both photos captioned');
    expect(direct.requests.filter((request) => request.path.endsWith('/chat/completions'))).not.toHaveLength(0);
    expect(batch.creates).toHaveLength(1);
    expect((await lanesOf(core)).every((lane) => lane.state !== 'stopped')).toBe(true);
  });

  it('on the injected clock, stops a Batch API lane on a rejected key as a direct lane, keeps both stopped through heartbeats, and resumes both when the key is fixed', async () => {
    const clock = fakeClock();
    const env: Record<string, string> = { LANE_KEY: wrongKey };
    const direct = await startOpenAiServer({ apiKey });
    const batch = await startBatchServer({ apiKey, pollsToComplete: 1 });
    const [first, second] = await photos(2);
    const core = testCore({
      now: clock.now,
      timers: clock.timers,
      secrets: environmentSecrets(env),
      batch: { pollIntervalMs: 60_000 },
      retryPolicy: { baseDelayMs: 30_000, maxDelayMs: 120_000, random: () => 1 },
    });
    await core.invoke('library:index', { paths: [join(first!, '..')] });
    const provider = laneProvider(direct.url, batch.url);
    await core.invoke('providers:save', provider);
    const run = { provider: 'vision', options: {}, force: false };
    const ticking = () => clock.advance(20);

    await core.invoke('captions:queue', { ...run, paths: [first!], viaBatch: false });
    await core.invoke('captions:queue', { ...run, paths: [second!], viaBatch: true });
    const stoppedBoth = async () => {
      const lanes = await lanesOf(core);
      return lanes.length === 2 && lanes.every((lane) => lane.state === 'stopped');
    };
    await until(stoppedBoth, 'both lanes to stop', ticking);
    const [directLane, batchLane] = await lanesOf(core);
    expect(directLane).toMatchObject({ viaBatch: false, message: expect.stringMatching(/API key rejected by Inference\.net/), until: null });
    expect(batchLane).toMatchObject({ viaBatch: true, message: directLane!.message, until: null, inFlight: 0 });
    expect(await countsOf(core)).toMatchObject({ queued: 2, failed: 0, running: 0 });

    // An hour of heartbeats on the lanes' clock: a stopped lane asks nothing more of either service.
    const asked = direct.requests.length + batch.requests.length;
    for (let minute = 0; minute < 60; minute++) clock.advance(60_000);
    await delay(200);
    expect(direct.requests.length + batch.requests.length).toBe(asked);
    expect(await stoppedBoth()).toBe(true);

    // The photographer fixes the key and saves the provider: both lanes go on, on the same clock.
    env.LANE_KEY = apiKey;
    await core.invoke('providers:save', provider);
    await until(() => batch.creates.length === 1, 'the batch to be sent', ticking);
    // The batch's first poll is due a minute after the service stored it, which may be a moment after
    // the server saw it: seconds a step reach it whenever it was set, where 20 ms steps could not.
    await until(async () => (await countsOf(core)).done === 2, 'both photos captioned', () => clock.advance(1000));
    expect((await lanesOf(core)).map((lane) => lane.state)).not.toContain('stopped');
  });

  it('runs a Batch API lane on the injected clock: a fake clock drives its polls and its offline backoff', async () => {
    const clock = fakeClock();
    const server: BatchServer = await startBatchServer({ apiKey, pollsToComplete: 1 });
    const paths = await photos(2);
    const core = testCore({
      now: clock.now,
      timers: clock.timers,
      secrets: environmentSecrets({ LANE_KEY: apiKey }),
      // The Batch API's own minute between polls, and half a minute's backoff: the test waits for neither.
      batch: { pollIntervalMs: 60_000 },
      retryPolicy: { baseDelayMs: 30_000, maxDelayMs: 120_000, random: () => 1 },
    });
    await core.invoke('library:index', { paths: [join(paths[0]!, '..')] });
    await core.invoke('providers:save', {
      name: 'vision',
      type: 'openai-compatible',
      preset: 'inference-net',
      baseUrl: `${server.url}/v1`,
      batchBaseUrl: `${server.url}/v1`,
      apiKeyEnv: 'LANE_KEY',
    });
    const ticking = () => clock.advance(20);

    const result = core.invoke('captions:generate', { provider: 'vision', paths: [], options: {}, force: false, viaBatch: true });
    await until(() => server.creates.length === 1, 'the batch to be created', ticking);
    const startedAt = Date.now();

    // No poll before the clock says a minute has passed, however long the test waits.
    await delay(300);
    expect(server.polls).toHaveLength(0);
    server.down = true;
    clock.advance(60_000);
    await until(async () => (await lanesOf(core)).some((lane) => lane.state === 'offline'), 'the lane to go offline', ticking);
    const offline = (await lanesOf(core)).find((lane) => lane.viaBatch)!;
    const backoffMs = Date.parse(offline.until!) - clock.now().getTime();
    expect(backoffMs).toBeGreaterThan(29_000);
    expect(backoffMs).toBeLessThanOrEqual(30_000);

    // It waits out its backoff on the clock, not in real time.
    server.down = false;
    const polls = server.requests.length;
    clock.advance(backoffMs - 1000);
    await delay(300);
    expect(server.requests.length).toBe(polls);
    clock.advance(1000);

    expect(await Promise.race([result, until(() => false, 'the run to end', ticking, 10_000)])).toMatchObject({ captioned: 2, failed: [] });
    expect(server.creates).toHaveLength(1);
    // Minutes of the lane's time went by in a few real seconds.
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });
});
