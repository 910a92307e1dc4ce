import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeJpeg } from '../helpers/files';
import { closedPortUrl, jsonBody, loopbackServer, sendJson } from '../helpers/loopback';
import { startOpenAiServer } from '../provider-servers/openai-compatible.server';

const bin = resolve(import.meta.dirname, '../../bin/captionist.js');

/** Runs the command without blocking this process, whose loopback servers must keep answering. */
function captionist(args: string[], home: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, CAPTIONIST_HOME: home, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A local vision server in the manner of Ollama: any key, one fixed answer. */
async function lighthouseServer() {
  return loopbackServer((request, response) => {
    const body = jsonBody(request) as { model: string };
    const answer = {
      title: 'Lighthouse at dawn',
      caption: 'A white lighthouse stands on a rocky headland as the sun rises over a calm sea.',
      altText: 'White lighthouse on a rocky headland at sunrise.',
      longDescription: '',
      keywords: ['lighthouse', 'coast', 'sunrise', 'sea'],
    };
    sendJson(response, 200, {
      id: 'chatcmpl-cli',
      object: 'chat.completion',
      created: 1,
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(answer) }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 900, completion_tokens: 60, total_tokens: 960 },
    });
  });
}

describe('the captionist command with providers', () => {
  it('adds a local provider, tests it, captions a folder and finds the photos by their captions', async () => {
    const home = tempDir();
    const library = tempDir();
    await writeJpeg(join(library, 'Brittany', 'IMG_2041.jpg'));
    await writeJpeg(join(library, 'Brittany', 'IMG_2042.jpg'), { seed: 3 });
    const server = await lighthouseServer();

    const added = await captionist(
      ['provider', 'add', 'local', '--type', 'openai-compatible', '--preset', 'ollama', '--base-url', `${server.url}/v1`,
        '--model', 'llava:13b', '--price-per-image', '0.001'],
      home,
    );
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toContain('Saved provider "local" (openai-compatible, preset ollama)');

    const listed = await captionist(['provider', 'list', '--json'], home);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ name: 'local', model: 'llava:13b', concurrency: 1, requiresApiKey: false, captions: 0 }),
    ]);

    const tested = await captionist(['provider', 'test', 'local'], home);
    expect(tested.code).toBe(0);
    expect(tested.stdout).toContain('local works (llava:13b');
    expect(tested.stdout).toContain('Caption:  A white lighthouse stands on a rocky headland');

    expect((await captionist(['index', library], home)).code).toBe(0);
    const estimate = await captionist(['caption', '--provider', 'local', '--estimate', '--json'], home);
    expect(JSON.parse(estimate.stdout)).toMatchObject({ photos: 2, costUsd: 0.002 });

    const captioned = await captionist(['caption', library, '--provider', 'local', '--detail', 'low', '--json'], home);
    expect(captioned.code).toBe(0);
    expect(JSON.parse(captioned.stdout)).toMatchObject({ total: 2, captioned: 2, failed: [], costUsd: 0.002, stoppedBecause: null });

    const found = JSON.parse((await captionist(['search', 'lighthouse', '--json'], home)).stdout);
    expect(found.total).toBe(2);
    expect(found.results[0]).toMatchObject({ title: 'Lighthouse at dawn', keywords: ['lighthouse', 'coast', 'sunrise', 'sea'] });
    // The provider test, plus one request per photo.
    expect(server.requests).toHaveLength(3);
    expect(JSON.parse(String(server.requests[2]!.body))).toMatchObject({ model: 'llava:13b' });

    const status = JSON.parse((await captionist(['status', '--json'], home)).stdout);
    expect(status).toMatchObject({ photos: 2, captioned: 2, queued: 0, failed: 0 });

    const plain = await captionist(['caption', library, '--provider', 'local'], home);
    expect(plain.stdout).toContain('Captioned 0 of 0 photos with local');
  });

  it('explains a provider that cannot be reached, and never prints an API key', async () => {
    const home = tempDir();
    const down = await closedPortUrl();
    const key = 'sk-ant-secret-4f2b9d';
    await captionist(
      ['provider', 'add', 'claude', '--type', 'anthropic', '--base-url', down, '--api-key-env', 'MY_CLAUDE_KEY'],
      home,
    );

    const tested = await captionist(['provider', 'test', 'claude'], home, { MY_CLAUDE_KEY: key });
    expect(tested.code).toBe(1);
    expect(tested.stderr).toContain('Could not reach Anthropic at 127.0.0.1:');
    expect(tested.stderr).toContain('Start the server');

    const listed = await captionist(['provider', 'list'], home, { MY_CLAUDE_KEY: key });
    expect(listed.stdout).toContain('key: environment variable MY_CLAUDE_KEY;');
    for (const output of [tested.stdout, tested.stderr, listed.stdout, listed.stderr]) expect(output).not.toContain(key);

    const noKey = await captionist(['provider', 'test', 'claude'], home);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('No API key for provider "claude" (Anthropic): set the environment variable MY_CLAUDE_KEY.');
  });

  it("lists the models a provider's server offers, and which take images, as text and as JSON", async () => {
    const home = tempDir();
    const server = await startOpenAiServer({
      apiKey: null,
      models: ['gemma4:latest', 'llama3.2:latest', 'nomic-embed-text:latest'],
      ollama: {
        inTags: false,
        capabilities: { 'gemma4:latest': ['completion', 'vision'], 'llama3.2:latest': ['completion', 'tools'], 'nomic-embed-text:latest': ['embedding'] },
      },
    });
    // The preset's model, gemma4, is what Ollama lists as gemma4:latest.
    await captionist(['provider', 'add', 'local', '--type', 'openai-compatible', '--preset', 'ollama', '--base-url', `${server.url}/v1`], home);

    const listed = await captionist(['provider', 'models', 'local'], home);

    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout).toBe(
      [
        'The server of "local" offers 3 models:',
        '  gemma4:latest            images: yes      (the provider uses this one)',
        '  llama3.2:latest          images: no',
        '  nomic-embed-text:latest  images: no',
        '',
      ].join('\n'),
    );
    const json = await captionist(['provider', 'models', 'local', '--json'], home);
    expect(JSON.parse(json.stdout)).toEqual({
      provider: 'local',
      model: 'gemma4',
      models: [
        { id: 'gemma4:latest', name: null, vision: true },
        { id: 'llama3.2:latest', name: null, vision: false },
        { id: 'nomic-embed-text:latest', name: null, vision: false },
      ],
      truncated: false,
    });

    await captionist(['provider', 'add', 'ws', '--type', 'wavespeed'], home);
    const fixed = await captionist(['provider', 'models', 'ws'], home, { WAVESPEED_API_KEY: 'ws-key-1d2c3b4a' });
    expect(fixed.code).toBe(2);
    expect(fixed.stderr).toContain('WaveSpeed captions with a model of its own; there is no list of models to choose from.');
    const usage = await captionist(['provider', 'models'], home);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('provider models takes exactly one NAME');
  });

  it('rejects bad provider settings and caption options with a clear message', async () => {
    const home = tempDir();
    const cases: [string[], RegExp][] = [
      [['provider', 'add', 'x', '--type', 'gpt'], /--type takes one of: openai-compatible, wavespeed/],
      [['provider', 'add', 'x', '--type', 'wavespeed', '--preset', 'ollama'], /preset "ollama" is for --type openai-compatible/],
      [['provider', 'add', 'x', '--type', 'openai-compatible', '--preset', 'nope'], /unknown preset "nope"/],
      [['provider', 'add', 'x', '--type', 'apiverve', '--base-url', 'file:///etc'], /base URL must be an http or https URL/],
      [['provider', 'add', 'bad name!', '--type', 'apiverve'], /a provider name is 1 to 40 letters/],
      [['provider', 'add', 'x', '--type', 'apiverve', '--concurrency', '0'], /--concurrency takes a whole number from 1 to 64/],
      [['provider', 'add', 'x', '--type', 'apiverve', '--price-per-image', 'free'], /--price-per-image takes a price/],
      [['caption'], /caption needs --provider NAME/],
      [['caption', '--provider', 'ghost'], /No provider named "ghost"/],
      [['caption', '--provider', 'x', '--detail', 'extreme'], /--detail takes low, medium or high/],
    ];
    for (const [args, message] of cases) {
      const result = await captionist(args, home);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
  });
});
