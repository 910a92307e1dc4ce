import { describe, expect, it } from 'vitest';
import { providerConfigFrom } from '../../src/main/providers/presets';
import {
  defaultBaseUrl,
  estimateText,
  indexSummary,
  providerChoices,
  settingsForChoice,
} from '../../src/renderer/src/components/first-run/first-run-flow';
import { ProviderSettingsSchema } from '../../src/shared/captioning';

const choice = (id: string) => providerChoices.find((entry) => entry.id === id)!;

describe('the first-run provider choices', () => {
  it('offer cloud services with a key and local servers without one', () => {
    expect(providerChoices.map((entry) => [entry.label, entry.local])).toEqual([
      ['Inference.net', false],
      ['OpenAI', false],
      ['Anthropic', false],
      ['Ollama', true],
      ['LM Studio', true],
    ]);
    for (const entry of providerChoices) {
      const settings = settingsForChoice(entry, defaultBaseUrl(entry), '');
      expect(ProviderSettingsSchema.parse(settings)).toEqual(settings);
      // The core agrees on who needs a key.
      expect(providerConfigFrom(settings).requiresApiKey).toBe(!entry.local);
    }
  });

  it('prefills the address of local servers only', () => {
    expect(defaultBaseUrl(choice('ollama'))).toBe('http://localhost:11434/v1');
    expect(defaultBaseUrl(choice('lmstudio'))).toBe('http://localhost:1234/v1');
    expect(defaultBaseUrl(choice('openai'))).toBe('');
  });

  it('saves a typed address and model, and never an address for a cloud service', () => {
    expect(settingsForChoice(choice('ollama'), ' http://192.168.1.5:11434/v1 ', 'llava:13b')).toEqual({
      name: 'ollama',
      type: 'openai-compatible',
      preset: 'ollama',
      baseUrl: 'http://192.168.1.5:11434/v1',
      model: 'llava:13b',
    });
    expect(settingsForChoice(choice('anthropic'), 'http://elsewhere', '')).toEqual({ name: 'anthropic', type: 'anthropic' });
  });
});

describe('the first-run summaries', () => {
  it('count the photos found and the unreadable files', () => {
    const result = { added: 10, updated: 1, unchanged: 2, missing: 0, moved: 1, errors: [] };
    expect(indexSummary('Trips', result)).toBe('Found 14 photos in Trips.');
    expect(indexSummary('Trips', { ...result, added: 0, updated: 0, unchanged: 1, moved: 0, errors: [{ path: '/a', message: 'bad' }] })).toBe(
      'Found 1 photo in Trips; 1 file could not be read.',
    );
  });

  it('put the estimate in words', () => {
    expect(estimateText({ photos: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 })).toBe('Every photo in this folder already has a caption.');
    expect(estimateText({ photos: 120, inputTokens: 1, outputTokens: 1, costUsd: 0.42 })).toBe('120 photos to caption, about $0.42.');
    expect(estimateText({ photos: 1, inputTokens: 1, outputTokens: 1, costUsd: null })).toBe(
      '1 photo to caption. No price is set for this provider, so the cost is not known.',
    );
  });
});
