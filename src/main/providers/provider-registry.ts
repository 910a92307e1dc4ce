import { ProviderConfigSchema } from '../../shared/captioning';
import type { ProviderConfig, ProviderModelList, ProviderSettings } from '../../shared/captioning';
import type { ProvidersRepository } from '../db/providers.repo';
import { UserError } from '../base/errors';
import type { SecretStore } from '../base/secrets';
import { ProviderError } from './errors';
import { createProvider } from './factories';
import { imageTokenRuleFor, providerConfigFrom, typeDefaults } from './presets';
import type { ImageTokenRule } from './presets';
import type { CaptionProvider, ProviderDeps } from './provider';
import { OpenAiEmbeddings } from './embeddings';
import type { TextEmbedder } from './embeddings';

/**
 * The providers the user configured, and one live client per provider: clients keep what they
 * learn (a server without Structured Outputs, a local model already loaded) for the whole session.
 */
export class ProviderRegistry {
  private readonly clients = new Map<string, { config: ProviderConfig; apiKey: string | null; provider: CaptionProvider }>();

  constructor(
    private readonly repository: ProvidersRepository,
    private readonly secrets: SecretStore,
    private readonly deps: ProviderDeps,
    private readonly now: () => Date,
  ) {}

  list(): ProviderConfig[] {
    return this.repository.list();
  }

  /** Adds a provider, or changes one: a preset or the type's defaults fill in what `settings` leaves out. */
  save(settings: ProviderSettings): ProviderConfig {
    let config: ProviderConfig;
    try {
      config = providerConfigFrom(settings);
    } catch (error) {
      throw new UserError((error as Error).message);
    }
    const parsed = ProviderConfigSchema.safeParse(config);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UserError(`Invalid provider settings: ${issue?.path.join('.') || 'input'}: ${issue?.message}`);
    }
    this.repository.save(parsed.data, this.now().toISOString());
    this.clients.delete(parsed.data.name.toLowerCase());
    return parsed.data;
  }

  remove(name: string): void {
    if (!this.repository.delete(name)) throw new UserError(unknownProvider(name));
    this.secrets.remove?.(name);
    this.clients.delete(name.toLowerCase());
  }

  configFor(name: string): { config: ProviderConfig; imageTokens: ImageTokenRule } {
    const config = this.repository.get(name);
    if (!config) throw new UserError(unknownProvider(name));
    return { config, imageTokens: imageTokenRuleFor(config.type, config.preset) };
  }

  /**
   * Whether the provider's server answers at all: any HTTP status counts, only a failure to
   * connect or a timeout does not. The queue asks this while it waits for the network.
   */
  async reachable(name: string, signal?: AbortSignal): Promise<boolean> {
    const { config } = this.configFor(name);
    try {
      await this.deps.http.request(typeDefaults[config.type].label, config.baseUrl, { timeoutMs: probeTimeoutMs, signal });
      return true;
    } catch (error) {
      // Any answer at all (a redirect, one too large) shows the server is there.
      return error instanceof ProviderError && error.status !== undefined;
    }
  }

  /** The models the provider's server offers; a UserError for a service that has no choice of them. */
  async listModels(name: string, signal?: AbortSignal): Promise<ProviderModelList> {
    const { config, provider } = this.open(name);
    if (!provider.listModels) {
      throw new UserError(`${provider.label} captions with a model of its own; there is no list of models to choose from.`);
    }
    const { models, truncated } = await provider.listModels(signal);
    return { provider: config.name, model: provider.model, models, truncated };
  }

  /**
   * The provider's embeddings endpoint for `model`; a UserError for a provider type that has none
   * (only OpenAI-compatible servers offer one) or a missing key.
   */
  embedder(name: string, model: string, dimensions: number | null, requestDimensions = false): TextEmbedder {
    const { config, provider } = this.open(name);
    if (config.type !== 'openai-compatible') {
      throw new UserError(`${provider.label} (provider "${config.name}") has no embeddings: choose an OpenAI-compatible provider (OpenAI, Ollama, LM Studio ...).`);
    }
    return new OpenAiEmbeddings(provider.label, model, config, this.secrets.apiKey(config), this.deps.http, dimensions, requestDimensions);
  }

  /** The provider's client, ready to call; a UserError when its key is missing. */
  open(name: string): { config: ProviderConfig; provider: CaptionProvider } {
    const { config } = this.configFor(name);
    const apiKey = this.secrets.apiKey(config);
    if (config.requiresApiKey && !apiKey) {
      const label = typeDefaults[config.type].label;
      throw new UserError(
        config.apiKeyEnv
          ? `No API key for provider "${config.name}" (${label}): set the environment variable ${config.apiKeyEnv}.`
          : `No API key for provider "${config.name}" (${label}): add one in Settings, or give the provider an --api-key-env variable.`,
      );
    }
    const key = config.name.toLowerCase();
    const cached = this.clients.get(key);
    if (cached && cached.apiKey === apiKey && JSON.stringify(cached.config) === JSON.stringify(config)) {
      return { config, provider: cached.provider };
    }
    const provider = createProvider(config, apiKey, this.deps);
    this.clients.set(key, { config, apiKey, provider });
    return { config, provider };
  }
}

/** How long the offline probe waits for any answer. */
const probeTimeoutMs = 10_000;

function unknownProvider(name: string): string {
  return `No provider named "${name}". Add one with "captionist provider add ${name} --type ...", or see "captionist provider list".`;
}
