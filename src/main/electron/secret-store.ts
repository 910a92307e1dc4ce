import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { safeStorage } from 'electron';
import { UserError } from '../base/errors';
import { environmentSecrets } from '../base/secrets';
import type { SecretStore } from '../base/secrets';

/**
 * API keys encrypted with the OS keychain (Keychain, DPAPI, kwallet/libsecret) through Electron's
 * safeStorage, in `secrets.json` beside the library. A provider with no stored key falls back to
 * its environment variable, as in the CLI.
 */
export function safeStorageSecrets(dataDir: string, env: Record<string, string | undefined>): SecretStore {
  const file = join(dataDir, 'secrets.json');
  const fromEnvironment = environmentSecrets(env);
  const read = (): Record<string, string> => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  };
  const write = (entries: Record<string, string>) => {
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(entries), { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, file);
  };
  const stored = (name: string): string | null => {
    const encrypted = read()[name.toLowerCase()];
    if (!encrypted || !safeStorage.isEncryptionAvailable()) return null;
    try {
      return safeStorage.decryptString(Buffer.from(encrypted, 'base64'));
    } catch {
      // Encrypted under another OS account or keychain: as good as absent.
      return null;
    }
  };
  return {
    apiKey: (config) => stored(config.name) ?? fromEnvironment.apiKey(config),
    describe: (config) => (stored(config.name) ? 'stored in the system keychain' : fromEnvironment.describe(config)),
    save(providerName, apiKey) {
      // Linux without a keyring would fall back to a hard-coded password: that is not secret storage.
      if (!safeStorage.isEncryptionAvailable() || safeStorage.getSelectedStorageBackend?.() === 'basic_text') {
        throw new UserError(
          'No system keychain is available to store the key securely. Set it in an environment variable instead.',
        );
      }
      write({ ...read(), [providerName.toLowerCase()]: safeStorage.encryptString(apiKey).toString('base64') });
    },
    remove(providerName) {
      const entries = read();
      if (!(providerName.toLowerCase() in entries)) return;
      delete entries[providerName.toLowerCase()];
      write(entries);
    },
  };
}
