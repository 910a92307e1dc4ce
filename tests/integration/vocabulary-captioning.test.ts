import { dirname, join } from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import { afterAll, describe, expect, it } from 'vitest';
import type { UnmatchedKeywordPolicy } from '../../src/shared/keyword-vocabulary';
import { testCore } from '../helpers/core';
import type { TestCore } from '../helpers/core';
import { tempDir, writeJpeg } from '../helpers/files';
import { jsonBody } from '../helpers/loopback';
import type { RecordedRequest } from '../helpers/loopback';
import { startOpenAiServer } from '../provider-servers/openai-compatible.server';

/** An ExifTool of the test's own: what any other program reads back. */
const exiftool = new ExifTool({ maxProcs: 1, taskRetries: 0 });
afterAll(() => exiftool.end());

const lightroomExport = join(import.meta.dirname, '../fixtures/keywords/lightroom-export.txt');
const answer = {
  title: 'Puffin on a cliff',
  caption: 'A puffin stands on a grassy cliff edge above the sea, a small boat far below.',
  altText: 'Puffin on a grassy cliff edge above the sea.',
  longDescription: '',
  keywords: ['puffins', 'Sea parrot', 'boat'],
};

async function keywordTags(path: string) {
  const read = (await exiftool.readRaw(path, { readArgs: ['-G1', '-XMP-dc:Subject', '-IPTC:Keywords', '-XMP-lr:HierarchicalSubject'], useMWG: false })) as Record<
    string,
    unknown
  >;
  const list = (value: unknown) => (value === undefined ? [] : ([] as unknown[]).concat(value).map(String));
  return { subject: list(read['XMP-dc:Subject']), iptc: list(read['IPTC:Keywords']), hierarchical: list(read['XMP-lr:HierarchicalSubject']) };
}

function userPrompt(request: RecordedRequest): string {
  const body = jsonBody(request) as { messages: { content: { type: string; text?: string }[] }[] };
  return body.messages[1]!.content.find((part) => part.type === 'text')!.text!;
}

/** A photo holding a keyword a person entered, in a folder of its own, captioned under `policy`. */
async function captionUnder(core: TestCore, library: string, policy: UnmatchedKeywordPolicy) {
  const path = join(library, `puffins-${policy}`, 'IMG_0412.jpg');
  await writeJpeg(path);
  await exiftool.write(path, { 'XMP-dc:Subject': ['Látrabjarg'], 'IPTC:Keywords': ['Látrabjarg'] } as never, {
    useMWG: false,
    writeArgs: ['-overwrite_original'],
  });
  await core.invoke('settings:save', { unmatchedKeywords: policy });
  await core.invoke('library:index', { paths: [dirname(path)] });
  const run = await core.invoke('captions:generate', { provider: 'local', paths: [path] });
  expect(run, policy).toMatchObject({ captioned: 1, failed: [] });
  const [photo] = (await core.invoke('photos:search', { text: '', limit: 10 })).results.filter(
    (result) => result.path === path,
  );
  return { path, detail: await core.invoke('photos:get', { id: photo!.id }) };
}

describe('captions in the photographer\'s keyword vocabulary', () => {
  it('stores and writes matched keywords as the vocabulary\'s terms, and unmatched ones as the setting says', async () => {
    const server = await startOpenAiServer({ apiKey: null, answer });
    const core = testCore();
    const library = tempDir('captionist-vocabulary-');
    await core.invoke('providers:save', { name: 'local', type: 'openai-compatible', preset: 'ollama', baseUrl: `${server.url}/v1` });
    await core.invoke('keywords:import', { path: lightroomExport });

    const captioned = {
      keep: await captionUnder(core, library, 'keep'),
      drop: await captionUnder(core, library, 'drop'),
      suggest: await captionUnder(core, library, 'suggest'),
    };
    expect(captioned.keep.detail.versions[0]).toMatchObject({ keywords: ['Animals|Birds|Puffin', 'Birds', 'boat'], keywordSuggestions: [] });
    expect(captioned.drop.detail.versions[0]).toMatchObject({ keywords: ['Animals|Birds|Puffin', 'Birds'], keywordSuggestions: [] });
    expect(captioned.suggest.detail.versions[0]).toMatchObject({ keywords: ['Animals|Birds|Puffin', 'Birds'], keywordSuggestions: ['boat'] });

    // A keyword filter finds a photo by the keyword a stored path ends in, before and after the write.
    const byKeyword = async (keyword: string) =>
      (await core.invoke('photos:search', { keyword, limit: 10 })).results.map((result) => result.path).sort();
    const all = [captioned.drop.path, captioned.keep.path, captioned.suggest.path];
    expect(await byKeyword('puffin')).toEqual(all);
    expect(await byKeyword('Animals')).toEqual([]);
    expect(await byKeyword('boat')).toEqual([captioned.keep.path]);

    // The prompt shows the top of the vocabulary and the terms the folder's name brings up, not the whole tree.
    const prompt = userPrompt(server.completions[0]!);
    expect(prompt).toContain("Where they fit, use keywords from the photographer's own vocabulary");
    expect(prompt).toContain('Keyword categories: Animals, Places, Sports, Landscape\nAnimals > Birds > Puffin');
    expect(prompt).not.toContain('Climbing');

    const written = await core.invoke('metadata:write', { paths: [library] });
    expect(written).toMatchObject({ written: 3, failed: 0 });
    expect(await keywordTags(captioned.keep.path)).toEqual({
      subject: ['Látrabjarg', 'Puffin', 'Birds', 'boat'],
      iptc: ['Látrabjarg', 'Puffin', 'Birds', 'boat'],
      hierarchical: ['Animals|Birds|Puffin'],
    });
    for (const policy of ['drop', 'suggest'] as const) {
      expect(await keywordTags(captioned[policy].path), policy).toEqual({
        subject: ['Látrabjarg', 'Puffin', 'Birds'],
        iptc: ['Látrabjarg', 'Puffin', 'Birds'],
        hierarchical: ['Animals|Birds|Puffin'],
      });
    }
    await core.invoke('library:index', { paths: [library] });
    expect(await byKeyword('puffin')).toEqual(all);
  });

  it('keeps keywords as suggested and the prompt as it was without a vocabulary, and follows a new import at once', async () => {
    const server = await startOpenAiServer({ apiKey: null, answer });
    const core = testCore();
    const library = tempDir('captionist-vocabulary-');
    await core.invoke('providers:save', { name: 'local', type: 'openai-compatible', preset: 'ollama', baseUrl: `${server.url}/v1` });

    const before = await captionUnder(core, library, 'drop');
    expect(before.detail.versions[0]!.keywords).toEqual(['puffins', 'Sea parrot', 'boat']);
    expect(userPrompt(server.completions[0]!)).not.toContain('vocabulary');

    await core.invoke('keywords:import', { path: lightroomExport });
    const after = await core.invoke('captions:generate', { provider: 'local', paths: [before.path], force: true });
    expect(after.captioned).toBe(1);
    expect((await core.invoke('photos:get', { id: before.detail.id })).versions[0]!.keywords).toEqual(['Animals|Birds|Puffin', 'Birds']);
    await core.invoke('keywords:clear', {});
    await core.invoke('captions:generate', { provider: 'local', paths: [before.path], force: true });
    expect((await core.invoke('photos:get', { id: before.detail.id })).versions[0]!.keywords).toEqual(['puffins', 'Sea parrot', 'boat']);
  });
});
