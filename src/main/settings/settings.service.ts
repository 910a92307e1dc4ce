import type { Database } from 'better-sqlite3';
import { AppSettingsPatchSchema, AppSettingsSchema } from '../../shared/settings';
import type { AppSettings, AppSettingsPatch } from '../../shared/settings';
import type { CaptionOptionOverrides } from '../../shared/captioning';
import type { SettingsRepository } from '../db/settings.repo';

export interface SettingsServiceDeps {
  db: Database;
  settings: SettingsRepository;
  /** The canonical name of a configured provider; throws a UserError for an unknown one. */
  providerName: (name: string) => string;
  /** Clears every photo's stored place (place names turned off). */
  forgetPlaces: () => void;
}

type SettingKey = keyof AppSettings;
const settingKeys = Object.keys(AppSettingsSchema.shape) as SettingKey[];

/** The app's settings, one key per setting so a change to one never rewrites the others. */
export class SettingsService {
  constructor(private readonly deps: SettingsServiceDeps) {}

  get(): AppSettings {
    return Object.fromEntries(settingKeys.map((key) => [key, this.read(key)])) as AppSettings;
  }

  /** Library-wide caption options: a folder's and a run's own override them. */
  captionDefaults(): CaptionOptionOverrides {
    return this.read('captionDefaults');
  }

  /** What captioning does with keywords outside the photographer's vocabulary. */
  unmatchedKeywords(): AppSettings['unmatchedKeywords'] {
    return this.read('unmatchedKeywords');
  }

  /** Stores what the patch sets (a default provider must exist) and returns every setting. */
  save(patch: AppSettingsPatch): AppSettings {
    const changes: Partial<AppSettings> = AppSettingsPatchSchema.parse(patch);
    if (typeof changes.defaultProvider === 'string') changes.defaultProvider = this.deps.providerName(changes.defaultProvider);
    this.deps.db.transaction(() => {
      for (const key of settingKeys) {
        if (changes[key] !== undefined) this.deps.settings.set(key, AppSettingsSchema.shape[key].parse(changes[key]));
      }
      if (changes.placeNames === false) this.deps.forgetPlaces();
    })();
    return this.get();
  }

  /** A stored value that no longer validates (an older version's, a hand edit) falls back to the default. */
  private read<K extends SettingKey>(key: K): AppSettings[K] {
    const schema = AppSettingsSchema.shape[key];
    const stored = schema.safeParse(this.deps.settings.get(key));
    return (stored.success ? stored.data : schema.parse(undefined)) as AppSettings[K];
  }
}
