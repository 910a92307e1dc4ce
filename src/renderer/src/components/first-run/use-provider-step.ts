import { useState } from 'react';
import type { ProviderTestResult } from '../../../../shared/captioning';
import { errorText } from '../../errors';
import { defaultBaseUrl, providerChoices, settingsForChoice, type ProviderChoice } from './first-run-flow';
import type { FirstRunAction } from './use-first-run-action';

export interface ProviderStepState {
  choice: ProviderChoice;
  pick(choice: ProviderChoice): void;
  apiKey: string;
  setApiKey(apiKey: string): void;
  baseUrl: string;
  setBaseUrl(baseUrl: string): void;
  model: string;
  setModel(model: string): void;
  /** Why the API key could not be stored, when it could not. */
  keyNote: string | null;
  /** The provider's name once saved. */
  savedProvider: string | null;
  test: ProviderTestResult | null;
  saveAndTest(): Promise<void>;
}

/** Step 1: the provider chosen, saved with its key, and the test of its connection. */
export function useProviderStep({ run, setError }: FirstRunAction): ProviderStepState {
  const [choice, setChoice] = useState<ProviderChoice>(providerChoices[0]!);
  const [apiKey, setApiKey] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [model, setModel] = useState('');
  const [keyNote, setKeyNote] = useState<string | null>(null);
  const [savedProvider, setSavedProvider] = useState<string | null>(null);
  const [test, setTest] = useState<ProviderTestResult | null>(null);

  const pick = (next: ProviderChoice) => {
    setChoice(next);
    setBaseUrl(defaultBaseUrl(next));
    setApiKey('');
    setModel('');
    setTest(null);
    setKeyNote(null);
    setError(null);
  };

  const saveAndTest = () =>
    run(async () => {
      setTest(null);
      setKeyNote(null);
      const saved = await window.api.invoke('providers:save', settingsForChoice(choice, baseUrl, model));
      setSavedProvider(saved.name);
      if (!choice.local && apiKey.trim()) {
        try {
          await window.api.invoke('providers:setApiKey', { name: saved.name, apiKey: apiKey.trim() });
          setApiKey('');
        } catch (reason) {
          // In a browser the server may take keys only from its environment: say so and test anyway.
          setKeyNote(errorText(reason));
        }
      }
      setTest(await window.api.invoke('providers:test', { name: saved.name }));
    });

  return { choice, pick, apiKey, setApiKey, baseUrl, setBaseUrl, model, setModel, keyNote, savedProvider, test, saveAndTest };
}
