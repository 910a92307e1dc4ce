import { useState } from 'react';
import { errorText } from '../../errors';

export interface FirstRunAction {
  busy: boolean;
  error: string | null;
  setError(error: string | null): void;
  /** Runs one step's action: busy meanwhile, its failure shown as the flow's error. */
  run(action: () => Promise<void>): Promise<void>;
}

export function useFirstRunAction(): FirstRunAction {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (reason) {
      setError(errorText(reason));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
