import { useCallback, useEffect, useState } from 'react';
import type { ProviderSummary } from '../../../shared/captioning';
import type { AppSettings } from '../../../shared/settings';
import { useFirstScreenShown } from '../lib/first-screen';

export interface SettingsState {
  /** Null until the first answer. */
  settings: AppSettings | null;
  providers: ProviderSummary[];
  /** Asks again, after the settings or first-run dialogs may have changed them. */
  reload(): void;
}

export function useSettings(showError: (reason: unknown) => void): SettingsState {
  const [settings, setSettings] = useState<AppSettings | null>(null);
  const [providers, setProviders] = useState<ProviderSummary[]>([]);
  const reload = useCallback(() => {
    window.api.invoke('settings:get', {}).then(setSettings, showError);
    window.api.invoke('providers:list', {}).then(setProviders, showError);
  }, [showError]);
  const ready = useFirstScreenShown();
  useEffect(() => {
    if (ready) reload();
  }, [ready, reload]);
  return { settings, providers, reload };
}
