import { useId, useState, type FormEvent } from 'react';
import type { CaptionOptionOverrides, DetailLevel, ProviderSummary } from '../../../shared/captioning';
import type { Folder } from '../../../shared/domain';
import { errorText } from '../errors';
import { Modal } from './Modal';

interface FolderSettingsDialogProps {
  folder: Folder;
  providers: readonly ProviderSummary[];
  onSaved(folder: Folder): void;
  onRemove(): void;
  onClose(): void;
}

/** Per-folder choices: caption new photos automatically, and what every run here is told. */
export function FolderSettingsDialog({ folder, providers, onSaved, onRemove, onClose }: FolderSettingsDialogProps) {
  const ids = { auto: useId(), detail: useId(), focus: useId(), context: useId(), language: useId(), error: useId() };
  const [autoCaption, setAutoCaption] = useState(folder.autoCaptionProvider ?? '');
  const [detail, setDetail] = useState<'' | DetailLevel>(folder.captionOptions.detail ?? '');
  const [focus, setFocus] = useState(folder.captionOptions.focus ?? '');
  const [context, setContext] = useState(folder.captionOptions.context ?? '');
  const [language, setLanguage] = useState(folder.captionOptions.language ?? '');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      // Options this dialog does not show (prompt, folder name, place) are kept as they are.
      const options: CaptionOptionOverrides = { ...folder.captionOptions };
      const set = <K extends 'focus' | 'context' | 'language'>(key: K, value: string) => {
        if (value.trim()) options[key] = value.trim();
        else delete options[key];
      };
      set('focus', focus);
      set('context', context);
      set('language', language);
      if (detail) options.detail = detail;
      else delete options.detail;
      let saved = await window.api.invoke('library:setFolderCaptionOptions', { folderId: folder.id, options });
      if ((folder.autoCaptionProvider ?? '') !== autoCaption) {
        saved = await window.api.invoke('library:setFolderAutoCaption', { folderId: folder.id, provider: autoCaption || null });
      }
      onSaved(saved);
    } catch (reason) {
      setError(errorText(reason));
      setBusy(false);
    }
  };

  const knownProvider = autoCaption === '' || providers.some((provider) => provider.name === autoCaption);
  return (
    <Modal title={`Folder settings: ${folder.name}`} description={<span className="path-text">{folder.path}</span>} onClose={onClose} className="wide">
      <form className="dialog-form" onSubmit={(event) => void save(event)}>
        <label htmlFor={ids.auto}>Auto-caption new photos</label>
        <select id={ids.auto} value={autoCaption} onChange={(event) => setAutoCaption(event.target.value)}>
          <option value="">Off</option>
          {providers.map((provider) => (
            <option key={provider.name} value={provider.name}>
              With {provider.name}
            </option>
          ))}
          {!knownProvider && <option value={autoCaption}>With {autoCaption} (not configured)</option>}
        </select>
        {providers.length === 0 && <p className="field-hint">Add a provider in Settings to caption automatically.</p>}

        <label htmlFor={ids.context}>Context</label>
        <textarea
          id={ids.context}
          rows={3}
          maxLength={500}
          value={context}
          placeholder="Client, event or product: facts the pixels cannot show"
          onChange={(event) => setContext(event.target.value)}
        />

        <div className="field-pair">
          <div>
            <label htmlFor={ids.detail}>Detail</label>
            <select id={ids.detail} value={detail} onChange={(event) => setDetail(event.target.value as '' | DetailLevel)}>
              <option value="">Library default</option>
              <option value="low">Low</option>
              <option value="medium">Medium</option>
              <option value="high">High</option>
            </select>
          </div>
          <div>
            <label htmlFor={ids.language}>Language</label>
            <input id={ids.language} type="text" maxLength={40} value={language} placeholder="Library default" onChange={(event) => setLanguage(event.target.value)} />
          </div>
        </div>

        <label htmlFor={ids.focus}>Focus</label>
        <input id={ids.focus} type="text" maxLength={200} value={focus} placeholder="e.g. the architecture" onChange={(event) => setFocus(event.target.value)} />

        <p id={ids.error} className="field-error" role="alert">
          {error}
        </p>
        <div className="dialog-actions">
          <button type="button" className="danger-text push-left" onClick={onRemove}>
            Remove folder…
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}
