import { useId } from 'react';
import { providerTypes, type ProviderType } from '../../../../shared/captioning';
import { presetChoice, presetChoices, providerTypeLabels, type ProviderForm, type ProviderFormErrors, type ProviderFormField } from './provider-form';
import { useProviderEditor } from './use-provider-editor';
import { ApiKeyField } from './ApiKeyField';

interface ProviderEditorProps {
  /** The provider's name when editing one, null when adding. */
  original: string | null;
  initial: ProviderForm;
  onCancel(): void;
  /** `keyNote` says why the API key could not be stored, when it could not. */
  onSaved(name: string, keyNote: string | null): void;
}

export function ProviderEditor({ original, initial, onCancel, onSaved }: ProviderEditorProps) {
  const ids = useId();
  const editor = useProviderEditor(initial, onSaved);
  const { form, errors, set } = editor;
  const preset = form.type === 'openai-compatible' ? presetChoice(form.preset) : undefined;
  const fieldProps = { ids, form, errors, set };

  return (
    <form
      className="provider-editor"
      aria-label={original ? `Edit ${original}` : 'Add provider'}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void editor.submit();
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
      <ProviderField {...fieldProps} name="name" label="Name" placeholder={preset?.preset ?? 'my-provider'} hint={original ? 'Renaming saves a new provider.' : 'Letters, digits, dots, dashes or underscores.'} />
      <ProviderField {...fieldProps} name="baseUrl" label="Base URL" placeholder={preset?.baseUrl ?? 'from the preset or type'} hint="Leave empty for the preset’s address." />
      <ProviderField {...fieldProps} name="model" label="Model" placeholder="the preset’s or service’s default" />
      <ProviderField {...fieldProps} name="concurrency" label="Concurrency" inputMode="numeric" placeholder="default" hint="Photos sent at once, 1 to 64." />
      <ProviderField {...fieldProps} name="budgetUsd" label="Budget (USD)" inputMode="decimal" placeholder="none" hint="The queue stops before spending more with this provider." />
      <fieldset className="settings-prices">
        <legend>Prices (USD, as the service charges them)</legend>
        <ProviderField {...fieldProps} name="perImageUsd" label="Per image" inputMode="decimal" />
        <ProviderField {...fieldProps} name="perMillionInputTokensUsd" label="Per million input tokens" inputMode="decimal" />
        <ProviderField {...fieldProps} name="perMillionOutputTokensUsd" label="Per million output tokens" inputMode="decimal" />
      </fieldset>
      {!preset?.local && (
        <ApiKeyField
          id={`${ids}-apiKey`}
          value={editor.apiKey}
          onChange={editor.setApiKey}
          hint="Stored securely, never shown again. Leave empty to keep the current key."
        />
      )}
      <div className="settings-actions">
        <button type="submit" disabled={editor.saving}>
          {editor.saving ? 'Saving…' : 'Save provider'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <div aria-live="polite">
        {(editor.serverError || Object.keys(errors).length > 0) && (
          <p role="alert" className="settings-error">
            {editor.serverError ? `Not saved: ${editor.serverError}` : 'Not saved: fix the fields marked above.'}
          </p>
        )}
      </div>
    </form>
  );
}

interface ProviderFieldProps {
  ids: string;
  form: ProviderForm;
  errors: ProviderFormErrors;
  set(field: ProviderFormField, value: string): void;
  name: ProviderFormField;
  label: string;
  placeholder?: string;
  inputMode?: 'decimal' | 'numeric';
  hint?: string;
}

/** One text field of the provider form, with its hint or the error that replaces it. */
function ProviderField({ ids, form, errors, set, name, label, placeholder, inputMode, hint }: ProviderFieldProps) {
  return (
    <div className="settings-field">
      <label htmlFor={`${ids}-${name}`}>{label}</label>
      <input
        id={`${ids}-${name}`}
        type="text"
        value={form[name]}
        placeholder={placeholder}
        inputMode={inputMode}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={`${ids}-${name}-note`}
        onChange={(event) => set(name, event.target.value)}
      />
      <p id={`${ids}-${name}-note`} className={errors[name] ? 'settings-field-error' : 'settings-hint'}>
        {errors[name] ?? hint}
      </p>
    </div>
  );
}
