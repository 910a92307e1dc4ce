import { describe, expect, it } from 'vitest';
import type { PromptFacts } from '../../src/main/captions/prompt';
import { buildPrompt, builtInPromptVersion, captionSchema } from '../../src/main/captions/prompt';
import type { CaptionOptionsInput } from '../../src/shared/captioning';
import { CaptionOptionsSchema, captionLimits } from '../../src/shared/captioning';

const facts: PromptFacts = {
  fileName: 'IMG_0001.jpg',
  folderName: 'Lisbon 2024',
  place: 'Lisbon, Portugal',
  capturedAt: '2024-05-01T10:20:30+01:00',
};
const noFacts: PromptFacts = { fileName: 'IMG_0002.jpg', folderName: null, place: null, capturedAt: null };

const options = (input: CaptionOptionsInput = {}) => CaptionOptionsSchema.parse(input);

describe('buildPrompt with the built-in request', () => {
  it('asks for the length of the detail level and passes on folder, place and date', () => {
    const prompt = buildPrompt(options(), facts);
    expect(prompt.user).toBe(
      [
        'Caption this photo in two or three sentences.',
        'The photo is filed in a folder named "Lisbon 2024".',
        'It was taken at Lisbon, Portugal.',
        'It was taken on 2024-05-01.',
      ].join('\n'),
    );
    expect(prompt.version).toBe(builtInPromptVersion);
    expect(prompt.schema).toBe(captionSchema);
  });

  it('words each detail level differently', () => {
    expect(buildPrompt(options({ detail: 'low' }), noFacts).user).toBe('Caption this photo in one short sentence.');
    expect(buildPrompt(options({ detail: 'high' }), noFacts).user).toBe(
      'Caption this photo in a detailed paragraph of four to six sentences.',
    );
  });

  it('adds focus, context and language, and leaves out folder and place when they are switched off', () => {
    const prompt = buildPrompt(
      options({
        detail: 'high',
        focus: 'the tram',
        language: 'German',
        context: 'Client: ACME',
        includeFolderName: false,
        includePlace: false,
      }),
      facts,
    );
    expect(prompt.user).toBe(
      [
        'Caption this photo in a detailed paragraph of four to six sentences.',
        'Focus on the tram.',
        'Context from the photographer: Client: ACME',
        'It was taken on 2024-05-01.',
        'Write in German.',
      ].join('\n'),
    );
    expect(prompt.user).not.toContain('Lisbon');
    expect(prompt.system.endsWith('\nWrite every field in German.')).toBe(true);
  });

  it('leaves out facts the library does not know', () => {
    const prompt = buildPrompt(options(), noFacts);
    expect(prompt.user).toBe('Caption this photo in two or three sentences.');
    expect(prompt.user).not.toContain('null');
  });

  it('states the alt-text rules and the JSON fields in the system prompt', () => {
    const { system } = buildPrompt(options(), noFacts);
    expect(system).toContain(`at most ${captionLimits.altText} characters`);
    expect(system).toContain('never "image of" or "photo of"');
    expect(system).toContain("never guess a person's gender, emotion, age, ethnicity or identity");
    for (const field of captionSchema.required) expect(system).toContain(`"${field}"`);
    expect(system).not.toContain('Write every field in');
  });
});

describe('buildPrompt with a custom template', () => {
  it('leaves names that are not variables as written, inherited object names included', () => {
    const options = CaptionOptionsSchema.parse({ promptTemplate: '{constructor} {toString} {__proto__} {hasOwnProperty}' });
    const prompt = buildPrompt(options, { fileName: 'a.jpg', folderName: null, place: null, capturedAt: null });
    expect(prompt.user).toBe('{constructor} {toString} {__proto__} {hasOwnProperty}');
  });

  const everyVariable = 'D={detail} F={focus} L={language} C={context} FO={folder} P={place} DA={date} FI={file}';

  it('fills in every template variable', () => {
    const prompt = buildPrompt(
      options({ promptTemplate: everyVariable, detail: 'low', focus: 'boats', language: 'pt-BR', context: 'Regatta' }),
      facts,
    );
    expect(prompt.user).toBe(
      'D=low F=boats L=pt-BR C=Regatta FO=Lisbon 2024 P=Lisbon, Portugal DA=2024-05-01 FI=IMG_0001.jpg',
    );
    expect(prompt.system.endsWith('\nWrite every field in pt-BR.')).toBe(true);
  });

  it('uses defaults and empty strings for what is unset, unknown or switched off', () => {
    expect(buildPrompt(options({ promptTemplate: everyVariable, includePlace: false }), facts).user).toBe(
      'D=medium F= L=English C= FO=Lisbon 2024 P= DA=2024-05-01 FI=IMG_0001.jpg',
    );
    expect(buildPrompt(options({ promptTemplate: everyVariable, includeFolderName: false }), facts).user).toContain(' FO= ');
    expect(buildPrompt(options({ promptTemplate: everyVariable }), noFacts).user).toBe(
      'D=medium F= L=English C= FO= P= DA= FI=IMG_0002.jpg',
    );
  });

  it('leaves unknown placeholders as written and does not expand values a second time', () => {
    expect(buildPrompt(options({ promptTemplate: 'U={unknown} {{detail}} {DETAIL}' }), facts).user).toBe(
      'U={unknown} {medium} {DETAIL}',
    );
    expect(buildPrompt(options({ promptTemplate: 'in {folder}' }), { ...facts, folderName: '{file}' }).user).toBe('in {file}');
  });

  it('records a version derived from the template text alone', () => {
    const version = buildPrompt(options({ promptTemplate: 'Describe {file}' }), facts).version;
    expect(version).toMatch(/^custom-[0-9a-f]{12}$/);
    expect(buildPrompt(options({ promptTemplate: 'Describe {file}', detail: 'high' }), noFacts).version).toBe(version);
    expect(buildPrompt(options({ promptTemplate: 'Describe {file}.' }), facts).version).not.toBe(version);
    expect(version).not.toBe(builtInPromptVersion);
  });
});
