import { execFile, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { environmentSecrets } from '../../src/main/base/secrets';
import { queryLibrary } from '../helpers/captions';
import { testCore } from '../helpers/core';
import { tempDir } from '../helpers/files';
import { jsonBody, loopbackServer, notUtf8, sendJson } from '../helpers/loopback';
import type { RecordedRequest } from '../helpers/loopback';
import { newTally, sendHostile } from '../provider-servers/hostile';

const apiKey = 'sk-hostile-run-3b8d0f';
const bin = resolve(import.meta.dirname, '../../bin/captionist.js');
const fastRetries = { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 4 };
/** Control characters, a lone surrogate and U+FFFD, with bytes that are not UTF-8 next to them. */
const junk = `\u0000\u0007\u001b\u0085\ud800\ufffd${notUtf8}`;

type Colour = 'red' | 'green' | 'blue' | 'white' | 'black';
const colours: Record<Colour, string> = { red: '#d01010', green: '#10a030', blue: '#1030d0', white: '#f4f4f4', black: '#0a0a0a' };

/** The colour of the JPEG inside a chat/completions request. */
async function colourOf(request: RecordedRequest): Promise<Colour> {
  const body = jsonBody(request) as { messages: { content: { type: string; image_url?: { url: string } }[] }[] };
  const url = body.messages[1]!.content.find((part) => part.type === 'image_url')!.image_url!.url;
  const { channels } = await sharp(Buffer.from(url.replace(/^data:image\/jpeg;base64,/, ''), 'base64')).stats();
  const [red, green, blue] = channels.map((channel) => channel.mean) as [number, number, number];
  if (red > 200 && green > 200 && blue > 200) return 'white';
  if (red < 40 && green < 40 && blue < 40) return 'black';
  return red > green && red > blue ? 'red' : blue > green ? 'blue' : 'green';
}

async function photos(root: string, wanted: readonly Colour[]): Promise<Record<Colour, string>> {
  await mkdir(join(root, 'Harbour'), { recursive: true });
  const paths = {} as Record<Colour, string>;
  for (const colour of wanted) {
    paths[colour] = join(root, 'Harbour', `${colour}.jpg`);
    await sharp({ create: { width: 900, height: 600, channels: 3, background: colours[colour] } }).jpeg().toFile(paths[colour]);
  }
  return paths;
}

const completion = (content: string, model = 'vision-test-1') => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model,
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1700, completion_tokens: 80, total_tokens: 1780 },
});

describe('a caption run against a hostile provider', () => {
  it('fails only the photos whose answers cannot be read, stores clean text for the others, and ends', async () => {
    const root = tempDir('captionist-photos-');
    const paths = await photos(root, ['red', 'green', 'blue', 'white', 'black']);
    const tally = newTally();
    const completionsFor: Record<Colour, number> = { red: 0, green: 0, blue: 0, white: 0, black: 0 };
    const server = await loopbackServer(async (request, response) => {
      if (request.method !== 'POST' || request.headers.authorization !== `Bearer ${apiKey}`) {
        return sendJson(response, 404, { error: { message: 'Unknown request URL' } });
      }
      const colour = await colourOf(request);
      completionsFor[colour]++;
      switch (colour) {
        case 'red':
          return sendJson(response, 200, completion(JSON.stringify({ title: 'Red hull', caption: 'A red hull in the harbour.', keywords: ['hull'] })));
        case 'green': {
          const fields = {
            title: `Green${junk} boat`,
            caption: `A green${junk} boat at its mooring.`,
            altText: `A green boat${junk}`,
            longDescription: `Paint${junk} peels from the bow.`,
            keywords: [`moor${junk}ing`, ...Array.from({ length: 100_000 }, (_, index) => `k${index}`)],
          };
          // The bytes that are not UTF-8 sit inside the content string, where a model's text would carry them.
          return sendJson(response, 200, completion(JSON.stringify(fields), `vision${junk}-test-2`));
        }
        case 'white':
          return sendJson(response, 200, completion(JSON.stringify({ caption: 'w'.repeat(1_500_000) })));
        case 'blue':
          return sendHostile(response, 'endless', tally);
        case 'black':
          return sendHostile(response, 'broken-off');
      }
    });
    const core = testCore({ secrets: environmentSecrets({ HOSTILE_KEY: apiKey }), retryPolicy: fastRetries });
    await core.invoke('library:index', { paths: [root] });
    await core.invoke('providers:save', {
      name: 'vision',
      type: 'openai-compatible',
      preset: 'inference-net',
      baseUrl: `${server.url}/v1`,
      apiKeyEnv: 'HOSTILE_KEY',
      concurrency: 4,
    });

    const result = await core.invoke('captions:generate', { provider: 'vision', paths: [], options: {}, force: false });

    expect(result).toMatchObject({ total: 5, captioned: 3, stoppedBecause: null });
    expect(result.failed).toEqual(
      expect.arrayContaining([
        { path: paths.blue, message: 'Inference.net sent an answer too large to read (over 2 MB); Captionist stopped reading it' },
        { path: paths.black, message: 'Inference.net closed the connection before its answer was complete' },
      ]),
    );
    expect(result.failed).toHaveLength(2);
    // Too large is final; broken off is retried, each attempt counted, until the policy gives up.
    expect(completionsFor).toEqual({ red: 1, green: 1, white: 1, blue: 1, black: fastRetries.maxAttempts });
    expect(tally.bytesSent).toBeLessThan(32 * 1024 * 1024);

    const stored = queryLibrary<{ path: string; title: string | null; caption: string; alt: string; long: string | null; keywords: string; model: string }>(
      core,
      `SELECT p.path, c.title, c.caption, c.alt_text AS alt, c.long_description AS long, c.keywords, c.model
         FROM captions c JOIN photos p ON p.id = c.photo_id ORDER BY p.path`,
    );
    expect(stored.map((row) => row.path).sort()).toEqual([paths.green, paths.red, paths.white].sort());
    const green = stored.find((row) => row.path === paths.green)!;
    expect(green).toMatchObject({
      title: 'Green boat',
      caption: 'A green boat at its mooring.',
      alt: 'A green boat.',
      long: 'Paint peels from the bow.',
      model: 'vision-test-2',
    });
    expect(JSON.parse(green.keywords)).toEqual(['mooring', ...Array.from({ length: 29 }, (_, index) => `k${index}`)]);
    const white = stored.find((row) => row.path === paths.white)!;
    expect(white.caption).toBe('w'.repeat(2000));
    for (const row of stored) {
      expect(`${row.title} ${row.caption} ${row.alt} ${row.long} ${row.keywords} ${row.model}`).not.toMatch(/[\p{Cc}\p{Cs}\ufffd]/u);
    }
    // SQLite sees the same text JavaScript does: no NUL cuts it short.
    const lengths = queryLibrary<{ length: number }>(core, 'SELECT length(caption) AS length FROM captions c JOIN photos p ON p.id = c.photo_id WHERE p.path = ?', paths.green);
    expect(lengths).toEqual([{ length: green.caption.length }]);
  });
});

/** Runs the command without blocking this process, whose loopback server must keep answering. */
function captionist(args: string[], home: string) {
  return new Promise<{ code: number; stdout: string }>((done) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, CAPTIONIST_HOME: home, HOSTILE_KEY: apiKey }, timeout: 60_000 }, (error, stdout) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout }),
    );
  });
}

describe('captionist caption against a hostile provider', () => {
  it('stops on Ctrl-C right after a 10 MB answer, the photo still in flight going back to the queue', async () => {
    const home = tempDir('captionist-home-');
    const root = tempDir('captionist-photos-');
    await photos(root, ['red', 'green']);
    let hugeAnswerDone!: () => void;
    const hugeAnswerSent = new Promise<void>((done) => (hugeAnswerDone = done));
    const server = await loopbackServer(async (request, response) => {
      if (request.method !== 'POST') return sendJson(response, 404, { error: { message: 'Unknown request URL' } });
      if ((await colourOf(request)) === 'green') return; // answers never: the photo stays in flight
      response.on('close', hugeAnswerDone);
      sendJson(response, 200, completion(JSON.stringify({ caption: 'word '.repeat(2_000_000) })));
    });
    expect((await captionist(['index', root], home)).code).toBe(0);
    const added = await captionist(
      ['provider', 'add', 'vision', '--type', 'openai-compatible', '--base-url', `${server.url}/v1`, '--model', 'vision-test',
        '--api-key-env', 'HOSTILE_KEY', '--concurrency', '2'],
      home,
    );
    expect(added.code).toBe(0);

    const child = spawn(process.execPath, [bin, 'caption', '--provider', 'vision'], {
      env: { ...process.env, CAPTIONIST_HOME: home, HOSTILE_KEY: apiKey },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    await hugeAnswerSent;
    // Time to read the answer and work on it, which used to take minutes and deaf to Ctrl-C.
    await delay(2_000);
    child.kill('SIGINT');
    const stopped = await Promise.race([exited, delay(15_000).then(() => 'still running' as const)]);
    if (stopped === 'still running') child.kill('SIGKILL');

    expect(stopped).toBe(1);
    const status = JSON.parse((await captionist(['status', '--json'], home)).stdout) as Record<string, number>;
    expect(status).toMatchObject({ captioned: 0, queued: 1, failed: 1 });
  });
});
