import { useCallback, useEffect, useState } from 'react';
import type { ProviderSummary, ProviderTestResult } from '../../../../shared/captioning';
import { describeCancelled } from '../../../../shared/queue';
import { errorText } from '../../errors';
import type { Feedback } from './SaveFooter';

export interface ProvidersState {
  /** Null until the first answer. */
  providers: ProviderSummary[] | null;
  defaultProvider: string | null;
  feedback: Feedback;
  /** The provider whose connection test is running, if any. */
  testing: string | null;
  tests: Record<string, ProviderTestResult>;
  test(name: string): Promise<void>;
  remove(name: string): Promise<void>;
  makeDefault(name: string): Promise<void>;
  saved(name: string, keyNote: string | null): Promise<void>;
}

/** The configured providers and what the settings do with them: test, remove, make default. */
export function useProviders(): ProvidersState {
  const [providers, setProviders] = useState<ProviderSummary[] | null>(null);
  const [defaultProvider, setDefaultProvider] = useState<string | null>(null);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [testing, setTesting] = useState<string | null>(null);
  const [tests, setTests] = useState<Record<string, ProviderTestResult>>({});
  const showError = (reason: unknown) => setFeedback({ kind: 'error', text: errorText(reason) });

  const load = useCallback(async () => {
    try {
      const [list, settings] = await Promise.all([
        window.api.invoke('providers:list', {}),
        window.api.invoke('settings:get', {}),
      ]);
      setProviders(list);
      setDefaultProvider(settings.defaultProvider);
    } catch (reason) {
      setFeedback({ kind: 'error', text: errorText(reason) });
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const test = async (name: string) => {
    setTesting(name);
    setFeedback(null);
    try {
      const result = await window.api.invoke('providers:test', { name });
      setTests((all) => ({ ...all, [name]: result }));
      void load(); // the test caption counts toward the provider's spending
    } catch (reason) {
      showError(reason);
    } finally {
      setTesting(null);
    }
  };

  const remove = async (name: string) => {
    try {
      const jobs = await window.api.invoke('providers:remove', { name });
      setFeedback({ kind: 'ok', text: jobs.queued + jobs.running ? `Removed ${name}. ${describeCancelled(jobs)}` : `Removed ${name}.` });
      await load();
    } catch (reason) {
      showError(reason);
    }
  };

  const makeDefault = async (name: string) => {
    try {
      const settings = await window.api.invoke('settings:save', { defaultProvider: name });
      setDefaultProvider(settings.defaultProvider);
      setFeedback({ kind: 'ok', text: `${name} is now the default provider.` });
    } catch (reason) {
      showError(reason);
    }
  };

  const saved = async (name: string, keyNote: string | null) => {
    setFeedback({ kind: keyNote ? 'error' : 'ok', text: keyNote ? `Saved ${name}, but the API key was not: ${keyNote}` : `Saved ${name}.` });
    await load();
  };

  return { providers, defaultProvider, feedback, testing, tests, test, remove, makeDefault, saved };
}
