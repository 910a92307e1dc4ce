import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { safeStorage } from 'electron';
import type { Keychain } from '../host/keychain';

const noKeychain = 'No system keychain is available to store the key securely. Set it in an environment variable instead.';

/**
 * API keys encrypted with the OS keychain (Keychain, DPAPI, kwallet/libsecret) through Electron's
 * safeStorage, in `secrets.json` beside the library. Only this process may call safeStorage: the
 * core, in its worker, gets the keys decrypted at start and sends new ones back here to be stored
 * (see host/keychain.ts). A provider with no stored key falls back to its environment variable there.
 */
export function safeStorageKeychain(dataDir: string): Keychain {
  const file = join(dataDir, 'secrets.json');
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
  const decrypted = (encrypted: string): string | null => {
    try {
      return safeStorage.decryptString(Buffer.from(encrypted, 'base64'));
    } catch {
      // Encrypted under another OS account or keychain: as good as absent.
      return null;
    }
  };
  // Linux without a keyring would fall back to a hard-coded password: that is not secret storage.
  const cannotStore = () =>
    !safeStorage.isEncryptionAvailable() || safeStorage.getSelectedStorageBackend?.() === 'basic_text' ? noKeychain : null;
  return {
    snapshot() {
      const keys: Record<string, string> = {};
      if (safeStorage.isEncryptionAvailable()) {
        for (const [name, encrypted] of Object.entries(read())) {
          const key = decrypted(encrypted);
          if (key) keys[name] = key;
        }
      }
      return { keys, cannotStore: cannotStore() };
    },
    save(providerName, apiKey) {
      const reason = cannotStore();
      if (reason) throw new Error(reason);
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
