import { useState } from 'react';
import { emptyProviderForm, formFromProvider, type ProviderForm } from './provider-form';
import { ProviderEditor } from './ProviderEditor';
import { ProviderItem } from './ProviderItem';
import { useProviders } from './use-providers';

export function ProvidersSettings() {
  const providers = useProviders();
  /** The form open for adding (name '') or editing a provider, or null. */
  const [editing, setEditing] = useState<{ original: string | null; form: ProviderForm } | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const { feedback, defaultProvider } = providers;

  return (
    <div className="settings-providers">
      {providers.providers === null ? (
        <p role="status">Loading providers…</p>
      ) : providers.providers.length === 0 ? (
        <p>No providers yet. Add one to caption photos.</p>
      ) : (
        <ul className="provider-list" aria-label="Providers">
          {providers.providers.map((provider) => (
            <ProviderItem
              key={provider.name}
              provider={provider}
              isDefault={provider.name === defaultProvider}
              testing={providers.testing}
              testResult={providers.tests[provider.name]}
              onEdit={() => setEditing({ original: provider.name, form: formFromProvider(provider) })}
              onTest={() => void providers.test(provider.name)}
              onMakeDefault={() => void providers.makeDefault(provider.name)}
              confirmingRemove={removing === provider.name}
              onConfirmRemove={(confirming) => setRemoving(confirming ? provider.name : null)}
              onRemove={() => {
                setRemoving(null);
                void providers.remove(provider.name);
              }}
            />
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
          onSaved={(name, note) => {
            setEditing(null);
            void providers.saved(name, note);
          }}
        />
      ) : (
        <button type="button" onClick={() => setEditing({ original: null, form: emptyProviderForm() })}>
          Add provider
        </button>
      )}
    </div>
  );
}
