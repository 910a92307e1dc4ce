import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  imageLimitsFor,
  imageTokenRuleFor,
  presetFor,
  presetNames,
  providerConfigFrom,
  typeDefaults,
} from '../../src/main/providers/presets';
import { ProviderConfigSchema, providerTypes } from '../../src/shared/captioning';

describe('providerConfigFrom', () => {
  it('fills everything from the preset', () => {
    expect(providerConfigFrom({ name: 'inf', type: 'openai-compatible', preset: 'inference-net' })).toEqual({
      name: 'inf',
      type: 'openai-compatible',
      preset: 'inference-net',
      baseUrl: 'https://api.inference.net/v1',
      batchBaseUrl: 'https://batch.inference.net/v1',
      model: 'google/gemma-3-27b-instruct/bf-16',
      apiKeyEnv: 'INFERENCE_API_KEY',
      requiresApiKey: true,
      concurrency: 8,
      imageLongEdge: 1024,
      imageMaxBytes: 600_000,
      timeoutMs: 120_000,
      firstTimeoutMs: undefined,
      pricing: {},
    });
  });

  it('lets what the user set override the preset, and ignores what they left undefined', () => {
    const config = providerConfigFrom({
      name: 'local',
      type: 'openai-compatible',
      preset: 'ollama',
      model: 'llava:13b',
      concurrency: 2,
      baseUrl: undefined,
      pricing: { perImageUsd: 0 },
    });
    expect(config).toMatchObject({
      baseUrl: 'http://localhost:11434/v1',
      model: 'llava:13b',
      concurrency: 2,
      requiresApiKey: false,
      timeoutMs: 300_000,
      firstTimeoutMs: 900_000,
      pricing: { perImageUsd: 0 },
    });
    expect(config.apiKeyEnv).toBeUndefined();
  });

  it("uses the type's defaults without a preset", () => {
    expect(providerConfigFrom({ name: 'a', type: 'anthropic', pricing: { perMillionInputTokensUsd: 3 } })).toMatchObject({
      baseUrl: 'https://api.anthropic.com',
      model: 'claude-haiku-5-5',
      apiKeyEnv: 'ANTHROPIC_API_KEY',
      imageLongEdge: 1568,
      pricing: { perMillionInputTokensUsd: 3 },
    });
    expect(providerConfigFrom({ name: 'w', type: 'wavespeed', syncMode: true })).toMatchObject({
      baseUrl: 'https://api.wavespeed.ai',
      concurrency: 2,
      syncMode: true,
    });
    expect(providerConfigFrom({ name: 'x', type: 'openai-compatible' }).baseUrl).toBe('https://api.inference.net/v1');
  });

  it('produces a valid config for every preset and every type', () => {
    for (const preset of presetNames) {
      expect(ProviderConfigSchema.safeParse(providerConfigFrom({ name: 'p', type: 'openai-compatible', preset })).success).toBe(true);
    }
    for (const type of providerTypes) {
      const config = providerConfigFrom({ name: 'p', type });
      expect(ProviderConfigSchema.safeParse(config).success).toBe(true);
      expect(config.type).toBe(type);
    }
  });

  it('throws on an unknown preset, naming the known ones', () => {
    expect(() => providerConfigFrom({ name: 'x', type: 'openai-compatible', preset: 'nope' })).toThrow(RangeError);
    expect(() => providerConfigFrom({ name: 'x', type: 'openai-compatible', preset: 'nope' })).toThrow(
      /unknown preset "nope"; presets: inference-net, openai, .*vllm/,
    );
    // Names inherited from Object.prototype are not presets either.
    expect(() => providerConfigFrom({ name: 'x', type: 'openai-compatible', preset: 'toString' })).toThrow(/unknown preset/);
  });

  it('throws when the preset is for another type', () => {
    expect(() => providerConfigFrom({ name: 'x', type: 'anthropic', preset: 'openai' })).toThrow(
      'preset "openai" is for --type openai-compatible',
    );
  });
});

describe('presets', () => {
  it('looks presets up by own name only', () => {
    expect(presetFor('openai')?.label).toBe('OpenAI');
    expect(presetFor('constructor')).toBeUndefined();
  });

  it('agree with the README\'s table, preset by preset: base URL, model, key variable and concurrency', () => {
    const readme = readFileSync(resolve('README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `openai-compatible` `([a-z-]+)` \| `([^`]+)` \| (.+?) \| (.+?) \| (\d+) \|$/gm)];
    expect(rows.map((row) => row[1]).sort()).toEqual([...presetNames].sort());
    for (const [, preset, baseUrl, , keyVariable, concurrency] of rows) {
      const config = providerConfigFrom({ name: 'p', type: 'openai-compatible', preset });
      expect({ preset, baseUrl: config.baseUrl, concurrency: config.concurrency, key: config.apiKeyEnv ?? 'none' }).toEqual({
        preset,
        baseUrl,
        concurrency: Number(concurrency),
        key: keyVariable!.replaceAll('`', ''),
      });
    }
    // A model in backticks is the preset's; words ("whatever llama-server loaded") leave it to the server.
    const named = rows.filter(([, , , model]) => model!.startsWith('`'));
    expect(named.length).toBeGreaterThan(rows.length / 2);
    for (const [, preset, , model] of named) {
      expect(providerConfigFrom({ name: 'p', type: 'openai-compatible', preset }).model, preset).toBe(model!.replaceAll('`', ''));
    }
  });

  it('gives local servers a long first timeout and no API key', () => {
    for (const name of ['ollama', 'lmstudio', 'llamacpp', 'vllm']) {
      const preset = presetFor(name)!;
      expect(preset.requiresApiKey).toBe(false);
      expect(preset.firstTimeoutMs).toBeGreaterThan(preset.timeoutMs);
      expect(new URL(preset.baseUrl).hostname).toBe('localhost');
    }
    expect(presetFor('ollama')!.concurrency).toBe(1);
  });

  it('keeps every default of each type for that type', () => {
    for (const type of providerTypes) expect(typeDefaults[type].type).toBe(type);
  });
});

describe('imageTokenRuleFor', () => {
  it("uses the preset's rule, else the type's", () => {
    expect(imageTokenRuleFor('openai-compatible', 'openai')).toBe('openai-tiles');
    expect(imageTokenRuleFor('openai-compatible', 'ollama')).toBe('none');
    expect(imageTokenRuleFor('openai-compatible', undefined)).toBe('inference-net');
    expect(imageTokenRuleFor('anthropic', undefined)).toBe('anthropic');
    expect(imageTokenRuleFor('wavespeed', undefined)).toBe('none');
  });
});

describe('imageLimitsFor', () => {
  it("takes the provider's long edge, and the pixel limit of the service where it has one", () => {
    expect(imageLimitsFor(providerConfigFrom({ name: 'a', type: 'anthropic' }))).toEqual({ longEdge: 1568, maxPixels: 1_150_000 });
    expect(imageLimitsFor(providerConfigFrom({ name: 'a', type: 'anthropic', imageLongEdge: 1024 }))).toEqual({ longEdge: 1024, maxPixels: 1_150_000 });
    expect(imageLimitsFor(providerConfigFrom({ name: 'o', type: 'openai-compatible', preset: 'openai' }))).toEqual({ longEdge: 1536, maxPixels: null });
  });
});
