import { describe, expect, it } from 'vitest';
import { openAiCompatiblePresets, providerConfigFrom } from '../../src/main/providers/presets';
import {
  captionDefaultsForm,
  captionDefaultsFrom,
} from '../../src/renderer/src/components/settings/caption-defaults-form';
import {
  emptyProviderForm,
  formFromProvider,
  presetChoices,
  pricingText,
  settingsFromForm,
  unknownPlaceholders,
  type ProviderForm,
} from '../../src/renderer/src/components/settings/provider-form';
import type { ProviderSummary } from '../../src/shared/captioning';

const form = (changes: Partial<ProviderForm>): ProviderForm => ({ ...emptyProviderForm(), ...changes });

describe('the provider presets the UI offers', () => {
  it('are the core’s presets, with their labels and addresses; local ones need no key', () => {
    expect(presetChoices.map((choice) => choice.preset)).toEqual(Object.keys(openAiCompatiblePresets));
    for (const choice of presetChoices) {
      const preset = openAiCompatiblePresets[choice.preset]!;
      expect({ label: choice.label, baseUrl: choice.baseUrl, local: choice.local }).toEqual({
        label: preset.label,
        baseUrl: preset.baseUrl,
        local: !preset.requiresApiKey,
      });
    }
  });
});

describe('the provider form', () => {
  it('sends only what the user typed, so the preset fills in the rest', () => {
    expect(settingsFromForm(form({ name: ' inf ', preset: 'inference-net' }))).toEqual({
      settings: { name: 'inf', type: 'openai-compatible', preset: 'inference-net' },
    });
  });

  it('reads numbers and prices, a leading $ allowed', () => {
    const result = settingsFromForm(
      form({ name: 'lm', preset: 'lmstudio', baseUrl: 'http://127.0.0.1:1234/v1', model: 'qwen', concurrency: '2', budgetUsd: '$5', perImageUsd: '0.001' }),
    );
    expect(result).toEqual({
      settings: {
        name: 'lm',
        type: 'openai-compatible',
        preset: 'lmstudio',
        baseUrl: 'http://127.0.0.1:1234/v1',
        model: 'qwen',
        concurrency: 2,
        budgetUsd: 5,
        pricing: { perImageUsd: 0.001 },
      },
    });
    // What the core makes of it: the preset's settings under the user's.
    if ('settings' in result) expect(providerConfigFrom(result.settings)).toMatchObject({ requiresApiKey: false, concurrency: 2 });
  });

  it('drops the preset for other types', () => {
    expect(settingsFromForm(form({ name: 'claude', type: 'anthropic', preset: 'openai' }))).toEqual({
      settings: { name: 'claude', type: 'anthropic' },
    });
  });

  it('says what is wrong, field by field', () => {
    expect(settingsFromForm(form({ name: 'has space', baseUrl: 'ftp://x', concurrency: '0', budgetUsd: 'lots', perMillionInputTokensUsd: '-1' }))).toEqual({
      errors: {
        name: 'A provider name is 1 to 40 letters, digits, dots, dashes or underscores.',
        baseUrl: 'The base URL must be an http or https URL',
        concurrency: 'Concurrency is a whole number from 1 to 64.',
        budgetUsd: 'Enter a number such as 4 or 0.25, or leave it empty.',
        perMillionInputTokensUsd: 'Enter a number such as 4 or 0.25, or leave it empty.',
      },
    });
    expect(settingsFromForm(form({ name: 'x', concurrency: '2.5' }))).toEqual({
      errors: { concurrency: 'Concurrency is a whole number from 1 to 64.' },
    });
  });

  it('round-trips a saved provider', () => {
    const summary: ProviderSummary = {
      ...providerConfigFrom({ name: 'oa', type: 'openai-compatible', preset: 'openai', budgetUsd: 20, pricing: { perMillionInputTokensUsd: 0.15 } }),
      apiKeySource: 'stored securely',
      captions: 3,
      inputTokens: 100,
      outputTokens: 50,
      costUsd: 0.01,
    };
    const edited = formFromProvider(summary);
    expect(edited).toMatchObject({ name: 'oa', preset: 'openai', concurrency: '8', budgetUsd: '20', perMillionInputTokensUsd: '0.15', perImageUsd: '' });
    expect(settingsFromForm(edited)).toMatchObject({ settings: { name: 'oa', baseUrl: 'https://api.openai.com/v1', budgetUsd: 20 } });
    expect(pricingText(summary.pricing)).toBe('$0.15/M input tokens');
    expect(pricingText({})).toBe('no price set');
  });

  it('points out placeholders the prompt builder does not fill in', () => {
    expect(unknownPlaceholders('Describe {file} in {language}, {langauge} {Folder} {langauge}')).toEqual(['{langauge}', '{Folder}']);
    expect(unknownPlaceholders('{detail} {focus} {context} {folder} {place} {date}')).toEqual([]);
  });
});

describe('the caption defaults form', () => {
  it('shows the built-in defaults for what is unset', () => {
    expect(captionDefaultsForm({})).toEqual({
      language: '',
      detail: '',
      focus: '',
      includeFolderName: true,
      includePlace: true,
      promptTemplate: '',
    });
  });

  it('saves only what is set', () => {
    const typed = { ...captionDefaultsForm({}), language: ' German ', includePlace: false };
    expect(captionDefaultsFrom(typed)).toEqual({
      defaults: { language: 'German', includeFolderName: true, includePlace: false },
    });
  });

  it('says which field is too long', () => {
    const typed = { ...captionDefaultsForm({ detail: 'high' }), focus: 'f'.repeat(201) };
    expect(captionDefaultsFrom(typed)).toEqual({ errors: { focus: 'At most 200 characters.' } });
  });
});
