import type { ProviderConfig, ProviderType } from '../../shared/captioning';
import { AnthropicProvider } from './anthropic.provider';
import { ApiVerveProvider } from './apiverve.provider';
import { ModelsLabProvider } from './modelslab.provider';
import { OpenAiCompatibleProvider } from './openai-compatible.provider';
import type { CaptionProvider, ProviderDeps } from './provider';
import { WaveSpeedProvider } from './wavespeed.provider';

type Factory = (config: ProviderConfig, apiKey: string | null, deps: ProviderDeps) => CaptionProvider;

/** One implementation per provider type; the type system fails the build if one is missing. */
const factories: Record<ProviderType, Factory> = {
  'openai-compatible': (config, apiKey, deps) => new OpenAiCompatibleProvider(config, apiKey, deps),
  wavespeed: (config, apiKey, deps) => new WaveSpeedProvider(config, apiKey, deps, { syncMode: config.syncMode }),
  apiverve: (config, apiKey, deps) => new ApiVerveProvider(config, apiKey, deps),
  modelslab: (config, apiKey, deps) => new ModelsLabProvider(config, apiKey, deps),
  anthropic: (config, apiKey, deps) => new AnthropicProvider(config, apiKey, deps),
};

export function createProvider(config: ProviderConfig, apiKey: string | null, deps: ProviderDeps): CaptionProvider {
  return factories[config.type](config, apiKey, deps);
}
