import { useEffect, useId, useState } from 'react';
import type { FieldPolicy } from '../../../../shared/metadata';
import type { AppSettings } from '../../../../shared/settings';
import { errorText } from '../../errors';
import { SaveFooter, type Feedback } from './SaveFooter';

type PlaceSettings = Pick<AppSettings, 'placeNames' | 'placePolicy'>;

const placePolicyChoices: { value: FieldPolicy; label: string; explains: string }[] = [
  { value: 'skip', label: 'Keep the file’s location', explains: 'A file that names any location of its own (city, region or country) is left as it is.' },
  { value: 'append', label: 'Fill empty fields', explains: 'The file’s own location fields stay; the empty ones get the place.' },
  { value: 'replace', label: 'Replace', explains: 'The place replaces the file’s location fields (a backup lets you revert).' },
];

/** Place names from GPS: the switch, and how write-back treats a location already in the files. */
export function PlacesSettings() {
  const ids = useId();
  const [form, setForm] = useState<PlaceSettings | null>(null);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let current = true;
    window.api.invoke('settings:get', {}).then(
      ({ placeNames, placePolicy }) => {
        if (current) setForm({ placeNames, placePolicy });
      },
      (reason: unknown) => {
        if (current) setFeedback({ kind: 'error', text: errorText(reason) });
      },
    );
    return () => {
      current = false;
    };
  }, []);

  if (!form) return <p role={feedback ? 'alert' : 'status'}>{feedback?.text ?? 'Loading…'}</p>;

  const save = async () => {
    setSaving(true);
    try {
      const { placeNames, placePolicy } = await window.api.invoke('settings:save', form);
      setForm({ placeNames, placePolicy });
      setFeedback({ kind: 'ok', text: 'Place settings saved.' });
    } catch (reason) {
      setFeedback({ kind: 'error', text: `Not saved: ${errorText(reason)}` });
    } finally {
      setSaving(false);
    }
  };

  const change = (next: Partial<PlaceSettings>) => {
    setForm({ ...form, ...next });
    setFeedback(null);
  };

  return (
    <form
      className="settings-form"
      aria-label="Place settings"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <div className="settings-check">
        <input
          id={`${ids}-names`}
          type="checkbox"
          role="switch"
          checked={form.placeNames}
          aria-describedby={`${ids}-names-note`}
          onChange={(event) => change({ placeNames: event.target.checked })}
        />
        <label htmlFor={`${ids}-names`}>Name places from GPS</label>
      </div>
      <p id={`${ids}-names-note`} className="settings-hint">
        The nearest town within 50 km, its region and country, found offline: coordinates never leave this computer.
        Turning this off forgets the places already named (the GPS stays); turning it on names them again at the next index.
      </p>
      <div className="settings-field">
        <label htmlFor={`${ids}-policy`}>When a file already names a location</label>
        <select
          id={`${ids}-policy`}
          value={form.placePolicy}
          disabled={!form.placeNames}
          aria-describedby={`${ids}-policy-note`}
          onChange={(event) => change({ placePolicy: event.target.value as FieldPolicy })}
        >
          {placePolicyChoices.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
        <p id={`${ids}-policy-note`} className="settings-hint">
          {placePolicyChoices.find((choice) => choice.value === form.placePolicy)?.explains}
        </p>
      </div>
      <SaveFooter saving={saving} label="Save place settings" feedback={feedback} />
    </form>
  );
}
