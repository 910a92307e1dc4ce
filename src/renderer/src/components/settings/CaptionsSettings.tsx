import { useEffect, useId, useState } from 'react';
import { errorText } from '../../errors';
import {
  captionDefaultsForm,
  captionDefaultsFrom,
  type CaptionDefaultsField,
  type CaptionDefaultsForm,
} from './caption-defaults-form';
import { promptPlaceholders, unknownPlaceholders } from './provider-form';
import { SaveFooter, type Feedback } from './SaveFooter';

export function CaptionsSettings() {
  const ids = useId();
  const [form, setForm] = useState<CaptionDefaultsForm | null>(null);
  const [errors, setErrors] = useState<Partial<Record<CaptionDefaultsField, string>>>({});
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let current = true;
    window.api.invoke('settings:get', {}).then(
      (settings) => {
        if (current) setForm(captionDefaultsForm(settings.captionDefaults));
      },
      (reason: unknown) => {
        if (current) setFeedback({ kind: 'error', text: errorText(reason) });
      },
    );
    return () => {
      current = false;
    };
  }, []);

  if (!form) {
    return <p role={feedback ? 'alert' : 'status'}>{feedback?.text ?? 'Loading…'}</p>;
  }

  const set = <K extends CaptionDefaultsField>(field: K, value: CaptionDefaultsForm[K]) => {
    setForm({ ...form, [field]: value });
    setFeedback(null);
    if (errors[field]) setErrors(({ [field]: _fixed, ...rest }) => rest);
  };

  const save = async () => {
    const result = captionDefaultsFrom(form);
    if ('errors' in result) {
      setErrors(result.errors);
      setFeedback({ kind: 'error', text: 'Not saved: fix the fields marked above.' });
      return;
    }
    setSaving(true);
    try {
      const settings = await window.api.invoke('settings:save', { captionDefaults: result.defaults });
      setForm(captionDefaultsForm(settings.captionDefaults));
      setFeedback({ kind: 'ok', text: 'Caption defaults saved. They apply to the next captions.' });
    } catch (reason) {
      setFeedback({ kind: 'error', text: `Not saved: ${errorText(reason)}` });
    } finally {
      setSaving(false);
    }
  };

  const unknown = unknownPlaceholders(form.promptTemplate);
  const note = (field: CaptionDefaultsField, hint?: string) => (
    <p id={`${ids}-${field}-note`} className={errors[field] ? 'settings-field-error' : 'settings-hint'}>
      {errors[field] ?? hint}
    </p>
  );
  const described = (field: CaptionDefaultsField) => ({
    id: `${ids}-${field}`,
    'aria-describedby': `${ids}-${field}-note`,
    'aria-invalid': errors[field] ? true : undefined,
  });

  return (
    <form
      className="settings-form"
      aria-label="Caption defaults"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <p className="settings-hint">What every caption starts from; a folder’s own options and a run’s override these.</p>
      <div className="settings-field">
        <label htmlFor={`${ids}-language`}>Language</label>
        <input type="text" {...described('language')} value={form.language} placeholder="English" onChange={(event) => set('language', event.target.value)} />
        {note('language', 'A name or a tag such as German or pt-BR.')}
      </div>
      <div className="settings-field">
        <label htmlFor={`${ids}-detail`}>Detail</label>
        <select {...described('detail')} value={form.detail} onChange={(event) => set('detail', event.target.value as CaptionDefaultsForm['detail'])}>
          <option value="">Default (medium)</option>
          <option value="low">Low: a short sentence</option>
          <option value="medium">Medium</option>
          <option value="high">High: every detail that matters</option>
        </select>
        {note('detail')}
      </div>
      <div className="settings-field">
        <label htmlFor={`${ids}-focus`}>Focus</label>
        <input type="text" {...described('focus')} value={form.focus} placeholder="e.g. the architecture" onChange={(event) => set('focus', event.target.value)} />
        {note('focus', 'What captions should pay attention to.')}
      </div>
      <div className="settings-check">
        <input id={`${ids}-folder`} type="checkbox" checked={form.includeFolderName} onChange={(event) => set('includeFolderName', event.target.checked)} />
        <label htmlFor={`${ids}-folder`}>Include the folder name</label>
      </div>
      <div className="settings-check">
        <input id={`${ids}-place`} type="checkbox" checked={form.includePlace} onChange={(event) => set('includePlace', event.target.checked)} />
        <label htmlFor={`${ids}-place`}>Include the place (the file’s own, else named from its GPS)</label>
      </div>
      <div className="settings-field">
        <label htmlFor={`${ids}-promptTemplate`}>Prompt template</label>
        <textarea
          rows={6}
          {...described('promptTemplate')}
          aria-describedby={`${ids}-promptTemplate-note ${ids}-placeholders`}
          value={form.promptTemplate}
          placeholder="Empty: Captionist’s own request"
          onChange={(event) => set('promptTemplate', event.target.value)}
        />
        {note(
          'promptTemplate',
          unknown.length > 0 ? `Not a placeholder Captionist fills in: ${unknown.join(' ')}` : 'Replaces the built-in request.',
        )}
        <dl id={`${ids}-placeholders`} className="settings-placeholders" aria-label="Placeholders">
          {promptPlaceholders.map((placeholder) => (
            <div key={placeholder.name}>
              <dt>
                <code>{placeholder.name}</code>
              </dt>
              <dd>{placeholder.means}</dd>
            </div>
          ))}
        </dl>
      </div>
      <SaveFooter saving={saving} label="Save caption defaults" feedback={feedback} />
    </form>
  );
}
