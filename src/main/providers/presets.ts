import type { ProviderConfig, ProviderSettings, ProviderType } from '../../shared/captioning';

/** How a provider counts the tokens an image costs (see captions/cost.ts). */
export type ImageTokenRule = 'inference-net' | 'openai-tiles' | 'anthropic' | 'none';

/** How large a caption-ready copy may be: its long edge, and for some services its pixel count. */
export interface ImageLimits {
  longEdge: number;
  /** Null when the service sets no limit of its own on the pixel count. */
  maxPixels: number | null;
}

export interface Preset {
  /** The service's name in messages. */
  label: string;
  type: ProviderType;
  baseUrl: string;
  batchBaseUrl?: string;
  model?: string;
  apiKeyEnv?: string;
  requiresApiKey: boolean;
  concurrency: number;
  imageLongEdge: number;
  imageMaxBytes: number;
  /** The most pixels worth sending, when the service says so (Anthropic: about 1.15 megapixels). */
  imageMaxPixels?: number;
  timeoutMs: number;
  firstTimeoutMs?: number;
  imageTokens: ImageTokenRule;
}

const cloud = { requiresApiKey: true, timeoutMs: 120_000 } as const;
/** Local servers load a model on first use (minutes on a laptop) and run one request at a time. */
const local = { requiresApiKey: false, timeoutMs: 300_000, firstTimeoutMs: 900_000, imageTokens: 'none' } as const;

/** Ready-made settings for OpenAI-compatible servers, chosen with `--preset`. */
export const openAiCompatiblePresets: Record<string, Preset> = {
  'inference-net': {
    ...cloud,
    label: 'Inference.net',
    type: 'openai-compatible',
    baseUrl: 'https://api.inference.net/v1',
    batchBaseUrl: 'https://batch.inference.net/v1',
    model: 'google/gemma-3-27b-instruct/bf-16',
    apiKeyEnv: 'INFERENCE_API_KEY',
    concurrency: 8,
    // The whole request must stay under 1 MB, and base64 adds a third.
    imageLongEdge: 1024,
    imageMaxBytes: 600_000,
    imageTokens: 'inference-net',
  },
  openai: {
    ...cloud,
    label: 'OpenAI',
    type: 'openai-compatible',
    baseUrl: 'https://api.openai.com/v1',
    batchBaseUrl: 'https://api.openai.com/v1',
    model: 'gpt-6-luna',
    apiKeyEnv: 'OPENAI_API_KEY',
    concurrency: 8,
    imageLongEdge: 1536,
    imageMaxBytes: 4_000_000,
    imageTokens: 'openai-tiles',
  },
  gemini: {
    ...cloud,
    label: 'Gemini',
    type: 'openai-compatible',
    baseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai',
    model: 'gemini-3.8-flash',
    apiKeyEnv: 'GEMINI_API_KEY',
    concurrency: 4,
    imageLongEdge: 1536,
    imageMaxBytes: 4_000_000,
    imageTokens: 'none',
  },
  openrouter: {
    ...cloud,
    label: 'OpenRouter',
    type: 'openai-compatible',
    baseUrl: 'https://openrouter.ai/api/v1',
    model: 'openai/gpt-6-luna',
    apiKeyEnv: 'OPENROUTER_API_KEY',
    concurrency: 4,
    imageLongEdge: 1536,
    imageMaxBytes: 4_000_000,
    imageTokens: 'none',
  },
  ollama: {
    ...local,
    label: 'Ollama',
    type: 'openai-compatible',
    baseUrl: 'http://localhost:11434/v1',
    model: 'gemma4',
    concurrency: 1,
    imageLongEdge: 1024,
    imageMaxBytes: 2_000_000,
  },
  lmstudio: {
    ...local,
    label: 'LM Studio',
    type: 'openai-compatible',
    baseUrl: 'http://localhost:1234/v1',
    model: 'qwen/qwen3-vl-8b',
    concurrency: 1,
    imageLongEdge: 1024,
    imageMaxBytes: 2_000_000,
  },
  llamacpp: {
    ...local,
    label: 'llama.cpp server',
    type: 'openai-compatible',
    baseUrl: 'http://localhost:8080/v1',
    // llama-server answers with whatever model it was started with.
    model: 'default',
    concurrency: 1,
    imageLongEdge: 1024,
    imageMaxBytes: 2_000_000,
  },
  vllm: {
    ...local,
    label: 'vLLM',
    type: 'openai-compatible',
    baseUrl: 'http://localhost:8000/v1',
    model: 'Qwen/Qwen3-VL-8B-Instruct',
    concurrency: 4,
    imageLongEdge: 1024,
    imageMaxBytes: 2_000_000,
  },
};

/** The defaults for each provider type without a preset. */
export const typeDefaults: Record<ProviderType, Preset> = {
  'openai-compatible': openAiCompatiblePresets['inference-net']!,
  wavespeed: {
    ...cloud,
    label: 'WaveSpeed',
    type: 'wavespeed',
    baseUrl: 'https://api.wavespeed.ai',
    apiKeyEnv: 'WAVESPEED_API_KEY',
    // New accounts may run two tasks at once.
    concurrency: 2,
    imageLongEdge: 1536,
    imageMaxBytes: 4_000_000,
    imageTokens: 'none',
  },
  apiverve: {
    ...cloud,
    label: 'APIVerve',
    type: 'apiverve',
    baseUrl: 'https://api.apiverve.com',
    apiKeyEnv: 'APIVERVE_API_KEY',
    concurrency: 4,
    imageLongEdge: 1024,
    // The service takes at most 5 MB.
    imageMaxBytes: 4_000_000,
    imageTokens: 'none',
  },
  modelslab: {
    ...cloud,
    label: 'ModelsLab',
    type: 'modelslab',
    baseUrl: 'https://modelslab.com',
    apiKeyEnv: 'MODELSLAB_API_KEY',
    concurrency: 4,
    imageLongEdge: 1024,
    // base64_to_url takes at most 5 MB of base64 text.
    imageMaxBytes: 3_000_000,
    imageTokens: 'none',
  },
  anthropic: {
    ...cloud,
    label: 'Anthropic',
    type: 'anthropic',
    baseUrl: 'https://api.anthropic.com',
    model: 'claude-haiku-5-5',
    apiKeyEnv: 'ANTHROPIC_API_KEY',
    concurrency: 4,
    // Anthropic shrinks anything above 1568 px or about 1,600 tokens (1.2 megapixels) and
    // recommends at most 1.15 megapixels: more only costs upload time and latency.
    imageLongEdge: 1568,
    imageMaxPixels: 1_150_000,
    imageMaxBytes: 3_500_000,
    imageTokens: 'anthropic',
  },
};

export function presetFor(name: string): Preset | undefined {
  return Object.hasOwn(openAiCompatiblePresets, name) ? openAiCompatiblePresets[name] : undefined;
}

export const presetNames = Object.keys(openAiCompatiblePresets);

/** A full provider config from what the user typed: preset or type defaults, then their overrides. */
export function providerConfigFrom(input: ProviderSettings): ProviderConfig {
  const preset = input.preset ? presetFor(input.preset) : undefined;
  if (input.preset && !preset) {
    throw new RangeError(`unknown preset "${input.preset}"; presets: ${presetNames.join(', ')}`);
  }
  if (preset && preset.type !== input.type) {
    throw new RangeError(`preset "${input.preset}" is for --type ${preset.type}`);
  }
  const base = preset ?? typeDefaults[input.type];
  const defined = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  return {
    baseUrl: base.baseUrl,
    // A service's batch host goes with its own base URL, never with a server the user pointed elsewhere.
    batchBaseUrl: input.baseUrl === undefined || input.baseUrl === base.baseUrl ? base.batchBaseUrl : undefined,
    model: base.model,
    apiKeyEnv: base.apiKeyEnv,
    requiresApiKey: base.requiresApiKey,
    concurrency: base.concurrency,
    imageLongEdge: base.imageLongEdge,
    imageMaxBytes: base.imageMaxBytes,
    timeoutMs: base.timeoutMs,
    firstTimeoutMs: base.firstTimeoutMs,
    pricing: {},
    ...defined,
    name: input.name,
    type: input.type,
  };
}

/** The token rule for a configured provider: its preset's, or its type's. */
export function imageTokenRuleFor(type: ProviderType, preset: string | undefined): ImageTokenRule {
  return presetOrTypeDefaults(type, preset).imageTokens;
}

/** How large a configured provider's pictures may be: its own long edge, and its service's pixel limit. */
export function imageLimitsFor(config: Pick<ProviderConfig, 'type' | 'preset' | 'imageLongEdge'>): ImageLimits {
  return { longEdge: config.imageLongEdge, maxPixels: presetOrTypeDefaults(config.type, config.preset).imageMaxPixels ?? null };
}

function presetOrTypeDefaults(type: ProviderType, preset: string | undefined): Preset {
  return (preset ? presetFor(preset) : undefined) ?? typeDefaults[type];
}
