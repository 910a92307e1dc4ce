import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captionist, captionistHere } from '../helpers/cli';
import { tempDir } from '../helpers/files';

const fixture = (name: string) => join(import.meta.dirname, '../fixtures/keywords', name);

describe('captionist keywords', () => {
  it('imports a Lightroom keyword export, lists it as a tree and clears it', async () => {
    const home = tempDir();
    const imported = await captionist(['keywords', 'import', fixture('lightroom-export.txt')], home);
    expect(imported).toMatchObject({ code: 0, stderr: '' });
    expect(imported.stdout).toBe(
      `Imported 20 keywords, 1 of them a category not written, 7 synonyms from ${fixture('lightroom-export.txt')}.\n`,
    );

    const listed = await captionistHere(['keywords', 'list'], home);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`20 keywords, 1 of them a category not written, 7 synonyms, imported from ${fixture('lightroom-export.txt')}`);
    expect(listed.stdout).toContain(
      ['  [Animals]', '    Birds', '      Puffin  {Atlantic puffin, Sea parrot}', '      Goose'].join('\n'),
    );
    expect(listed.stdout).toContain(['    Lighthouse  {Fox}'].join('\n'));

    const json = JSON.parse((await captionistHere(['keywords', 'list', '--json'], home)).stdout);
    expect(json.counts).toEqual({ terms: 20, exported: 19, categories: 1, synonyms: 7 });
    expect(json.source.path).toBe(fixture('lightroom-export.txt'));
    expect(json.tree.map((node: { name: string }) => node.name)).toEqual(['Animals', 'Places', 'Sports', 'Landscape']);
    expect(json.tree[0].children[0].children[0]).toEqual({
      name: 'Puffin',
      synonyms: ['Atlantic puffin', 'Sea parrot'],
      exported: true,
      children: [],
    });

    const cleared = await captionistHere(['keywords', 'clear'], home);
    expect(cleared).toEqual({ code: 0, stdout: 'Cleared the keyword vocabulary (20 keywords).\n', stderr: '' });
    expect((await captionistHere(['keywords', 'list'], home)).stdout).toBe(
      'No keyword vocabulary is imported. Import one with "captionist keywords import FILE".\n',
    );
    expect((await captionistHere(['keywords', 'clear'], home)).stdout).toBe('There was no keyword vocabulary to clear.\n');
  });

  it('replaces the vocabulary whole, and reports the lines it had to guess with their numbers', async () => {
    const home = tempDir();
    await captionistHere(['keywords', 'import', fixture('lightroom-export.txt')], home);
    const imported = await captionistHere(['keywords', 'import', fixture('mixed-indent.txt'), '--json'], home);
    expect(imported.code).toBe(0);
    const result = JSON.parse(imported.stdout);
    expect(result).toMatchObject({ path: fixture('mixed-indent.txt'), replacedTerms: 20, counts: { terms: 9 } });
    expect(result.issues).toEqual([
      { line: 5, message: 'indented with both tabs and spaces; read as level 2' },
      { line: 7, message: 'indented by 3 spaces, not a whole level of 2; read as level 1' },
      { line: 9, message: 'indented 2 level(s) deeper than the line above; read as its child' },
    ]);
    const text = await captionistHere(['keywords', 'import', fixture('mixed-indent.txt')], home);
    expect(text.stdout).toContain('replacing the vocabulary of 9 keywords.\n3 lines read as best they could be; check them:\n  line 5: indented with both tabs and spaces');

    const names = JSON.parse((await captionistHere(['keywords', 'list', '--json'], home)).stdout).tree.map((node: { name: string }) => node.name);
    expect(names).toEqual(['Animals', 'Places']);
  });

  it('reads keyword files in the encodings older tools save', async () => {
    const home = tempDir();
    await captionistHere(['keywords', 'import', fixture('windows-1252.txt')], home);
    const windows = JSON.parse((await captionistHere(['keywords', 'list', '--json'], home)).stdout);
    expect(windows.tree[0].children.map((node: { name: string }) => node.name)).toEqual(['Écureuil', 'Chèvre']);
    await captionistHere(['keywords', 'import', fixture('utf16-bom.txt')], home);
    const utf16 = JSON.parse((await captionistHere(['keywords', 'list', '--json'], home)).stdout);
    expect(utf16.tree[1].children[0].name).toBe('Reykjavík');
  });

  it('refuses a file it cannot read, naming it, and keeps the vocabulary it had', async () => {
    const home = tempDir();
    const dir = tempDir();
    await captionistHere(['keywords', 'import', fixture('plain-list.txt')], home);
    const binary = join(dir, 'keywords.jpg');
    writeFileSync(binary, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]));
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '\n\n');

    for (const [path, message] of [
      [join(dir, 'missing.txt'), `${join(dir, 'missing.txt')} does not exist.`],
      [dir, `${dir} is a folder; give the keyword file itself.`],
      [binary, `${binary} is not a keyword list: it holds binary data`],
      [empty, `${empty} holds no keywords.`],
    ] as const) {
      const refused = await captionistHere(['keywords', 'import', path], home);
      expect(refused.code, path).toBe(2);
      expect(refused.stderr, path).toContain(`captionist: ${message}`);
    }
    const listing = JSON.parse((await captionistHere(['keywords', 'list', '--json'], home)).stdout);
    expect(listing.source.path).toBe(fixture('plain-list.txt'));
    expect(listing.tree.map((node: { name: string }) => node.name)).toEqual(['Sunset', 'Harbour', 'Boats', 'Sea stack']);

    const usage = await captionistHere(['keywords', 'import'], home);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('keywords import takes exactly one FILE');
    expect((await captionistHere(['keywords', 'sort'], home)).stderr).toContain('keywords takes import, list or clear');
  });
});
