import { UserError } from '../base/errors';
import { environmentSecrets } from '../base/secrets';
import type { SecretStore } from '../base/secrets';
import type { KeychainSnapshot, WorkerMessage } from './messages';

/**
 * API keys kept by the shell, where the worker cannot reach them (the desktop app's keys are
 * encrypted with Electron's safeStorage, which only the main process may call).
 */
export interface Keychain {
  /** Every stored key, decrypted, and whether new keys can be stored. */
  snapshot(): KeychainSnapshot;
  save(providerName: string, apiKey: string): void;
  remove(providerName: string): void;
}

const storedDescription = 'stored in the system keychain';

/**
 * The worker's secret store: the keys the shell decrypted at start, else the provider's
 * environment variable. A key saved or removed here is told to the shell, which stores it; the
 * core has it at once. Keys travel only in these messages, never to a log or the database.
 */
export function mirroredSecrets(
  snapshot: KeychainSnapshot,
  env: Record<string, string | undefined>,
  tell: (message: WorkerMessage) => void,
): SecretStore {
  const keys = new Map(Object.entries(snapshot.keys));
  const fromEnvironment = environmentSecrets(env);
  const stored = (name: string) => keys.get(name.toLowerCase()) ?? null;
  return {
    apiKey: (config) => stored(config.name) ?? fromEnvironment.apiKey(config),
    describe: (config) => (stored(config.name) ? storedDescription : fromEnvironment.describe(config)),
    save(providerName, apiKey) {
      if (snapshot.cannotStore) throw new UserError(snapshot.cannotStore);
      keys.set(providerName.toLowerCase(), apiKey);
      tell({ type: 'saveKey', provider: providerName, apiKey });
    },
    remove(providerName) {
      if (!keys.delete(providerName.toLowerCase())) return;
      tell({ type: 'removeKey', provider: providerName });
    },
  };
}
