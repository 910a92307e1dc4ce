import { useCallback, useEffect, useId, useState } from 'react';
import { providerTypes, type ProviderSummary, type ProviderTestResult, type ProviderType } from '../../../../shared/captioning';
import { describeCancelled } from '../../../../shared/queue';
import { errorText } from '../../errors';
import { formatUsd } from '../queue/queue-format';
import {
  emptyProviderForm,
  formFromProvider,
  presetChoice,
  presetChoices,
  pricingText,
  providerTypeLabels,
  settingsFromForm,
  type ProviderForm,
  type ProviderFormErrors,
  type ProviderFormField,
} from './provider-form';
import { TestResultView } from './TestResultView';
import type { Feedback } from './SaveFooter';

export function ProvidersSettings() {
  const [providers, setProviders] = useState<ProviderSummary[] | null>(null);
  const [defaultProvider, setDefaultProvider] = useState<string | null>(null);
  const [feedback, setFeedback] = useState<Feedback>(null);
  /** The form open for adding (name '') or editing a provider, or null. */
  const [editing, setEditing] = useState<{ original: string | null; form: ProviderForm } | null>(null);
  const [testing, setTesting] = useState<string | null>(null);
  const [tests, setTests] = useState<Record<string, ProviderTestResult>>({});
  const [removing, setRemoving] = useState<string | null>(null);

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
      setFeedback({ kind: 'error', text: errorText(reason) });
    } finally {
      setTesting(null);
    }
  };

  const remove = async (name: string) => {
    setRemoving(null);
    try {
      const jobs = await window.api.invoke('providers:remove', { name });
      setFeedback({ kind: 'ok', text: jobs.queued + jobs.running ? `Removed ${name}. ${describeCancelled(jobs)}` : `Removed ${name}.` });
      await load();
    } catch (reason) {
      setFeedback({ kind: 'error', text: errorText(reason) });
    }
  };

  const makeDefault = async (name: string) => {
    try {
      const settings = await window.api.invoke('settings:save', { defaultProvider: name });
      setDefaultProvider(settings.defaultProvider);
      setFeedback({ kind: 'ok', text: `${name} is now the default provider.` });
    } catch (reason) {
      setFeedback({ kind: 'error', text: errorText(reason) });
    }
  };

  const onSaved = async (name: string, note: string | null) => {
    setEditing(null);
    setFeedback({ kind: note ? 'error' : 'ok', text: note ? `Saved ${name}, but the API key was not: ${note}` : `Saved ${name}.` });
    await load();
  };

  return (
    <div className="settings-providers">
      {providers === null ? (
        <p role="status">Loading providers…</p>
      ) : providers.length === 0 ? (
        <p>No providers yet. Add one to caption photos.</p>
      ) : (
        <ul className="provider-list" aria-label="Providers">
          {providers.map((provider) => (
            <li key={provider.name} className="provider-item">
              <h3>
                {provider.name}
                {provider.name === defaultProvider && <span className="provider-default"> (default)</span>}
              </h3>
              <dl className="provider-facts">
                <dt>Type</dt>
                <dd>
                  {providerTypeLabels[provider.type]}
                  {provider.preset && `, ${presetChoice(provider.preset)?.label ?? provider.preset}`}
                </dd>
                <dt>Model</dt>
                <dd>{provider.model ?? 'the service’s default'}</dd>
                <dt>Base URL</dt>
                <dd>{provider.baseUrl}</dd>
                <dt>API key</dt>
                <dd>{provider.apiKeySource ?? (provider.requiresApiKey ? 'none set' : 'not needed')}</dd>
                <dt>Captions</dt>
                <dd>{provider.captions.toLocaleString()}</dd>
                <dt>Spent</dt>
                <dd>{formatUsd(provider.costUsd)}</dd>
                <dt>Budget</dt>
                <dd>{provider.budgetUsd === undefined ? 'none' : formatUsd(provider.budgetUsd)}</dd>
                <dt>Price</dt>
                <dd>{pricingText(provider.pricing)}</dd>
              </dl>
              <div className="settings-actions">
                <button type="button" aria-label={`Edit ${provider.name}`} onClick={() => setEditing({ original: provider.name, form: formFromProvider(provider) })}>
                  Edit
                </button>
                <button
                  type="button"
                  aria-label={`Test connection to ${provider.name}`}
                  onClick={() => void test(provider.name)}
                  disabled={testing !== null}
                >
                  {testing === provider.name ? 'Testing…' : 'Test connection'}
                </button>
                {provider.name !== defaultProvider && (
                  <button type="button" aria-label={`Make ${provider.name} the default`} onClick={() => void makeDefault(provider.name)}>
                    Make default
                  </button>
                )}
                {removing === provider.name ? (
                  <span role="group" aria-label={`Confirm removing ${provider.name}`} className="settings-confirm">
                    Remove {provider.name}? Its captions stay; its unfinished jobs are cancelled.
                    <button type="button" className="danger" onClick={() => void remove(provider.name)}>
                      Remove
                    </button>
                    <button type="button" onClick={() => setRemoving(null)} autoFocus>
                      Keep
                    </button>
                  </span>
                ) : (
                  <button type="button" aria-label={`Remove ${provider.name}`} onClick={() => setRemoving(provider.name)}>
                    Remove
                  </button>
                )}
              </div>
              <div aria-live="polite">{tests[provider.name] && <TestResultView result={tests[provider.name]!} />}</div>
            </li>
          ))}
        </ul>
      )}

      <div aria-live="polite" className="settings-feedback">
        {feedback && (
          <p role={feedback.kind === 'error' ? 'alert' : undefined} className={`settings-${feedback.kind}`}>
            {feedback.text}
          </p>
        )}
      </div>

      {editing ? (
        <ProviderEditor
          key={editing.original ?? ''}
          original={editing.original}
          initial={editing.form}
          onCancel={() => setEditing(null)}
          onSaved={(name, note) => void onSaved(name, note)}
        />
      ) : (
        <button type="button" onClick={() => setEditing({ original: null, form: emptyProviderForm() })}>
          Add provider
        </button>
      )}
    </div>
  );
}

interface ProviderEditorProps {
  /** The provider's name when editing one, null when adding. */
  original: string | null;
  initial: ProviderForm;
  onCancel(): void;
  /** `keyNote` says why the API key could not be stored, when it could not. */
  onSaved(name: string, keyNote: string | null): void;
}

/** Saves the provider, then the key: the key is stored only once the provider exists. */
export async function saveProvider(
  form: ProviderForm,
  apiKey: string,
): Promise<{ errors: ProviderFormErrors } | { name: string; keyNote: string | null }> {
  const result = settingsFromForm(form);
  if ('errors' in result) return result;
  const saved = await window.api.invoke('providers:save', result.settings);
  if (!apiKey.trim()) return { name: saved.name, keyNote: null };
  try {
    await window.api.invoke('providers:setApiKey', { name: saved.name, apiKey: apiKey.trim() });
    return { name: saved.name, keyNote: null };
  } catch (reason) {
    return { name: saved.name, keyNote: errorText(reason) };
  }
}

function ProviderEditor({ original, initial, onCancel, onSaved }: ProviderEditorProps) {
  const ids = useId();
  const [form, setForm] = useState(initial);
  const [apiKey, setApiKey] = useState('');
  const [errors, setErrors] = useState<ProviderFormErrors>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const preset = form.type === 'openai-compatible' ? presetChoice(form.preset) : undefined;

  const set = (field: ProviderFormField, value: string) => {
    setForm((current) => ({ ...current, [field]: value }));
    if (errors[field]) setErrors(({ [field]: _fixed, ...rest }) => rest);
  };

  const submit = async () => {
    setSaving(true);
    setServerError(null);
    try {
      const result = await saveProvider(form, apiKey);
      if ('errors' in result) setErrors(result.errors);
      else onSaved(result.name, result.keyNote);
    } catch (reason) {
      setServerError(errorText(reason));
    } finally {
      setSaving(false);
    }
  };

  const field = (name: ProviderFormField, label: string, options: { placeholder?: string; inputMode?: 'decimal' | 'numeric'; hint?: string } = {}) => (
    <div className="settings-field">
      <label htmlFor={`${ids}-${name}`}>{label}</label>
      <input
        id={`${ids}-${name}`}
        type="text"
        value={form[name]}
        placeholder={options.placeholder}
        inputMode={options.inputMode}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={`${ids}-${name}-note`}
        onChange={(event) => set(name, event.target.value)}
      />
      <p id={`${ids}-${name}-note`} className={errors[name] ? 'settings-field-error' : 'settings-hint'}>
        {errors[name] ?? options.hint}
      </p>
    </div>
  );

  return (
    <form
      className="provider-editor"
      aria-label={original ? `Edit ${original}` : 'Add provider'}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h3>{original ? `Edit ${original}` : 'Add provider'}</h3>
      <div className="settings-field">
        <label htmlFor={`${ids}-type`}>Type</label>
        <select id={`${ids}-type`} value={form.type} onChange={(event) => set('type', event.target.value as ProviderType)}>
          {providerTypes.map((type) => (
            <option key={type} value={type}>
              {providerTypeLabels[type]}
            </option>
          ))}
        </select>
      </div>
      {form.type === 'openai-compatible' && (
        <div className="settings-field">
          <label htmlFor={`${ids}-preset`}>Preset</label>
          <select id={`${ids}-preset`} value={form.preset} onChange={(event) => set('preset', event.target.value)}>
            {presetChoices.map((choice) => (
              <option key={choice.preset} value={choice.preset}>
                {choice.label}
                {choice.local ? ' (local server)' : ''}
              </option>
            ))}
            <option value="">Other server (no preset)</option>
          </select>
          <p className="settings-hint">A preset fills in the address, model, concurrency and image size; fields below override it.</p>
        </div>
      )}
      {field('name', 'Name', { placeholder: preset?.preset ?? 'my-provider', hint: original ? 'Renaming saves a new provider.' : 'Letters, digits, dots, dashes or underscores.' })}
      {field('baseUrl', 'Base URL', { placeholder: preset?.baseUrl ?? 'from the preset or type', hint: 'Leave empty for the preset’s address.' })}
      {field('model', 'Model', { placeholder: 'the preset’s or service’s default' })}
      {field('concurrency', 'Concurrency', { inputMode: 'numeric', placeholder: 'default', hint: 'Photos sent at once, 1 to 64.' })}
      {field('budgetUsd', 'Budget (USD)', { inputMode: 'decimal', placeholder: 'none', hint: 'The queue stops before spending more with this provider.' })}
      <fieldset className="settings-prices">
        <legend>Prices (USD, as the service charges them)</legend>
        {field('perImageUsd', 'Per image', { inputMode: 'decimal' })}
        {field('perMillionInputTokensUsd', 'Per million input tokens', { inputMode: 'decimal' })}
        {field('perMillionOutputTokensUsd', 'Per million output tokens', { inputMode: 'decimal' })}
      </fieldset>
      {!preset?.local && (
        <div className="settings-field">
          <label htmlFor={`${ids}-apiKey`}>API key</label>
          <input
            id={`${ids}-apiKey`}
            type="password"
            autoComplete="off"
            value={apiKey}
            aria-describedby={`${ids}-apiKey-note`}
            onChange={(event) => setApiKey(event.target.value)}
          />
          <p id={`${ids}-apiKey-note`} className="settings-hint">
            Stored securely, never shown again. Leave empty to keep the current key.
          </p>
        </div>
      )}
      <div className="settings-actions">
        <button type="submit" disabled={saving}>
          {saving ? 'Saving…' : 'Save provider'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <div aria-live="polite">
        {(serverError || Object.keys(errors).length > 0) && (
          <p role="alert" className="settings-error">
            {serverError ? `Not saved: ${serverError}` : 'Not saved: fix the fields marked above.'}
          </p>
        )}
      </div>
    </form>
  );
}
