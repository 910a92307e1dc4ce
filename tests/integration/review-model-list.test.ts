import { describe, expect, it } from 'vitest';
import { captionist } from '../helpers/cli';
import { tempDir } from '../helpers/files';
import { loopbackServer } from '../helpers/loopback';

describe('a hostile server behind "captionist provider models"', () => {
  it('cannot write terminal control sequences or blow the listing up with one huge model id', async () => {
    // OSC 52 asks the terminal to put text on the clipboard; ESC [2J clears the screen.
    const clipboardWrite = '\u001b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u0007';
    const ids = [`vision${clipboardWrite}`, `clear\u001b[2J`, 'm'.repeat(2_000_000), ...Array.from({ length: 997 }, (_, index) => `model-${index}`)];
    const server = await loopbackServer((request, response) => {
      if (request.path !== '/v1/models') return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: ids.map((id) => ({ id, object: 'model' })) }));
    });
    const home = tempDir();
    const added = await captionist(['provider', 'add', 'hostile', '--type', 'openai-compatible', '--preset', 'lmstudio', '--base-url', `${server.url}/v1`, '--model', 'vision'], home);
    expect(added.code, added.stderr).toBe(0);

    const listed = await captionist(['provider', 'models', 'hostile'], home);
    expect(listed.code, listed.stderr.slice(0, 500)).toBe(0);
    expect(listed.stdout).not.toMatch(/(?!\n)\p{Cc}/u);
    expect(listed.stdout.length).toBeLessThan(1_000_000);
    // The plausible ids are all there.
    expect(listed.stdout).toContain('offers 997 models');
    expect(listed.stdout).toContain('  model-996');
  }, 90_000);
});
