import { useEffect, useId, useState } from 'react';
import type { FieldPolicy, SidecarMode, SidecarNaming, TextField } from '../../../../shared/metadata';
import type { AppSettings } from '../../../../shared/settings';
import { errorText } from '../../errors';
import { SaveFooter, type Feedback } from './SaveFooter';

type WriteDefaults = AppSettings['write'];
const fields: { field: TextField; label: string }[] = [
  { field: 'caption', label: 'Caption' },
  { field: 'title', label: 'Title' },
  { field: 'altText', label: 'Alt text' },
  { field: 'longDescription', label: 'Long description' },
];

export const policyChoices: { value: FieldPolicy; label: string; explains: string }[] = [
  { value: 'skip', label: 'Keep the file’s text', explains: 'Text already in the file stays; Captionist writes only where the field is empty.' },
  { value: 'append', label: 'Append', explains: 'Captionist’s text is added after the text already there.' },
  { value: 'replace', label: 'Replace', explains: 'Captionist’s text replaces what the file held (a backup lets you revert).' },
];

export const sidecarChoices: { value: SidecarMode; label: string; explains: string }[] = [
  { value: 'auto', label: 'Automatic', explains: 'Inside JPEG, TIFF, DNG, PNG, WebP and HEIC files; an XMP sidecar beside proprietary RAW files.' },
  { value: 'always', label: 'Always a sidecar', explains: 'Only XMP sidecars: the photos themselves are never changed.' },
  { value: 'never', label: 'Never a sidecar', explains: 'Only inside the files; RAW files are left alone.' },
];

export const namingChoices: { value: SidecarNaming; label: string; explains: string }[] = [
  { value: 'auto', label: 'Automatic', explains: 'Whatever the photo or its folder already uses, else photo.xmp.' },
  { value: 'basename', label: 'photo.xmp', explains: 'Adobe’s naming (Lightroom, Bridge, Capture One).' },
  { value: 'basename-ext', label: 'photo.nef.xmp', explains: 'darktable’s and digiKam’s naming.' },
];

export function WriteSettings() {
  const ids = useId();
  const [write, setWrite] = useState<WriteDefaults | null>(null);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let current = true;
    window.api.invoke('settings:get', {}).then(
      (settings) => {
        if (current) setWrite(settings.write);
      },
      (reason: unknown) => {
        if (current) setFeedback({ kind: 'error', text: errorText(reason) });
      },
    );
    return () => {
      current = false;
    };
  }, []);

  if (!write) return <p role={feedback ? 'alert' : 'status'}>{feedback?.text ?? 'Loading…'}</p>;

  const save = async () => {
    setSaving(true);
    try {
      const settings = await window.api.invoke('settings:save', { write });
      setWrite(settings.write);
      setFeedback({ kind: 'ok', text: 'Write-back settings saved.' });
    } catch (reason) {
      setFeedback({ kind: 'error', text: `Not saved: ${errorText(reason)}` });
    } finally {
      setSaving(false);
    }
  };

  const change = (next: WriteDefaults) => {
    setWrite(next);
    setFeedback(null);
  };

  return (
    <form
      className="settings-form"
      aria-label="Write-back settings"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <fieldset>
        <legend>When a file already holds text</legend>
        <ul className="settings-explain">
          {policyChoices.map((choice) => (
            <li key={choice.value}>
              <strong>{choice.label}:</strong> {choice.explains}
            </li>
          ))}
        </ul>
        {fields.map(({ field, label }) => (
          <div className="settings-field settings-inline" key={field}>
            <label htmlFor={`${ids}-${field}`}>{label}</label>
            <select
              id={`${ids}-${field}`}
              value={write.policies[field]}
              onChange={(event) => change({ ...write, policies: { ...write.policies, [field]: event.target.value as FieldPolicy } })}
            >
              {policyChoices.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label}
                </option>
              ))}
            </select>
          </div>
        ))}
        <p className="settings-hint">Keywords are always merged with the file’s own.</p>
      </fieldset>
      <div className="settings-field">
        <label htmlFor={`${ids}-sidecar`}>Sidecar files</label>
        <select
          id={`${ids}-sidecar`}
          value={write.sidecar}
          aria-describedby={`${ids}-sidecar-note`}
          onChange={(event) => change({ ...write, sidecar: event.target.value as SidecarMode })}
        >
          {sidecarChoices.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
        <p id={`${ids}-sidecar-note`} className="settings-hint">
          {sidecarChoices.find((choice) => choice.value === write.sidecar)?.explains}
        </p>
      </div>
      <div className="settings-field">
        <label htmlFor={`${ids}-naming`}>Sidecar naming</label>
        <select
          id={`${ids}-naming`}
          value={write.sidecarNaming}
          aria-describedby={`${ids}-naming-note`}
          onChange={(event) => change({ ...write, sidecarNaming: event.target.value as SidecarNaming })}
        >
          {namingChoices.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
        <p id={`${ids}-naming-note`} className="settings-hint">
          {namingChoices.find((choice) => choice.value === write.sidecarNaming)?.explains}
        </p>
      </div>
      <SaveFooter saving={saving} label="Save write-back settings" feedback={feedback} />
    </form>
  );
}
