import { useState } from 'react';
import { errorText } from '../../errors';
import { settingsFromForm, type ProviderForm, type ProviderFormErrors, type ProviderFormField } from './provider-form';

export interface ProviderEditorState {
  form: ProviderForm;
  set(field: ProviderFormField, value: string): void;
  apiKey: string;
  setApiKey(apiKey: string): void;
  errors: ProviderFormErrors;
  serverError: string | null;
  saving: boolean;
  submit(): Promise<void>;
}

/** The provider form being edited, and saving it with its key. */
export function useProviderEditor(
  initial: ProviderForm,
  onSaved: (name: string, keyNote: string | null) => void,
): ProviderEditorState {
  const [form, setForm] = useState(initial);
  const [apiKey, setApiKey] = useState('');
  const [errors, setErrors] = useState<ProviderFormErrors>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

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

  return { form, set, apiKey, setApiKey, errors, serverError, saving, submit };
}

/** Saves the provider, then the key: the key is stored only once the provider exists. */
async function saveProvider(
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
