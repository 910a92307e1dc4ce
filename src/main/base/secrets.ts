import type { ProviderConfig } from '../../shared/captioning';

/**
 * Where API keys come from. The CLI reads environment variables named in each provider's
 * config; the desktop app keeps keys encrypted with the OS keychain (electron/secret-store.ts).
 * Keys never reach the database, the log or any message.
 */
export interface SecretStore {
  apiKey(config: ProviderConfig): string | null;
  /** Where the key comes from, for display; never the key itself. */
  describe(config: ProviderConfig): string | null;
  /** Stores a key for a provider; absent where keys come only from the environment. */
  save?(providerName: string, apiKey: string): void;
  remove?(providerName: string): void;
}

export function environmentSecrets(env: Record<string, string | undefined>): SecretStore {
  const read = (config: ProviderConfig) => (config.apiKeyEnv ? env[config.apiKeyEnv]?.trim() || null : null);
  return {
    apiKey: read,
    describe: (config) =>
      config.apiKeyEnv ? `environment variable ${config.apiKeyEnv}${read(config) ? '' : ' (not set)'}` : null,
  };
}
