import type { SettingsService } from '../settings/settings.service';
import type { DomainHandlers } from './handler-table';

export function settingsHandlers({ settings }: { settings: SettingsService }): DomainHandlers<'settings'> {
  return {
    'settings:get': async () => settings.get(),
    'settings:save': async (patch) => settings.save(patch),
  };
}
