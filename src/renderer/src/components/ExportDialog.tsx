import { useId, useState, type FormEvent } from 'react';
import type { ExportFormat } from '../../../shared/metadata';
import { errorText } from '../errors';
import { plural } from '../lib/format';
import { Modal } from './Modal';

interface ExportDialogProps {
  photoIds: readonly number[];
  onExported(message: string): void;
  onClose(): void;
}

const formats: { value: ExportFormat; label: string; hint: string }[] = [
  { value: 'xmp', label: 'XMP sidecars', hint: 'One .xmp file per photo, in a folder tree like the library’s' },
  { value: 'csv', label: 'CSV', hint: 'One spreadsheet row per photo' },
  { value: 'json', label: 'JSON', hint: 'One file with every photo’s caption and keywords' },
];

/** Exports the selected photos' captions to a folder, without touching the photos. */
export function ExportDialog({ photoIds, onExported, onClose }: ExportDialogProps) {
  const ids = { folder: useId(), legend: useId() };
  const [format, setFormat] = useState<ExportFormat>('xmp');
  const [outDir, setOutDir] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const pick = async () => {
    try {
      const picked = await window.api.shell('dialog:pickFolder');
      if (picked) setOutDir(picked);
    } catch (reason) {
      setError(errorText(reason));
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!outDir.trim()) {
      setError('Choose the folder to export to.');
      return;
    }
    setBusy(true);
    setError('');
    try {
      const result = await window.api.invoke('metadata:export', { format, outDir: outDir.trim(), photoIds: [...photoIds] });
      const failed = result.errors.length > 0 ? `; ${plural(result.errors.length, 'photo')} could not be exported` : '';
      onExported(`Exported ${plural(result.exported, 'photo')} to ${result.output}${failed}.`);
    } catch (reason) {
      setError(errorText(reason));
      setBusy(false);
    }
  };

  return (
    <Modal title={`Export ${plural(photoIds.length, 'photo')}`} description="Captions and keywords are written to new files; the photos are not touched." onClose={onClose}>
      <form className="dialog-form" onSubmit={(event) => void submit(event)}>
        <fieldset className="choice-group">
          <legend id={ids.legend}>Format</legend>
          {formats.map((option) => (
            <label key={option.value} className="choice">
              <input type="radio" name="export-format" value={option.value} checked={format === option.value} onChange={() => setFormat(option.value)} />
              <span>
                {option.label}
                <span className="choice-hint">{option.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <label htmlFor={ids.folder}>Export folder</label>
        <div className="path-field">
          <input
            id={ids.folder}
            type="text"
            value={outDir}
            readOnly={window.api.hasNativeDialogs}
            placeholder={window.api.hasNativeDialogs ? 'No folder chosen' : '/path/to/folder'}
            spellCheck={false}
            onChange={(event) => setOutDir(event.target.value)}
          />
          {window.api.hasNativeDialogs && (
            <button type="button" onClick={() => void pick()}>
              Choose…
            </button>
          )}
        </div>
        <p className="field-error" role="alert">
          {error}
        </p>
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Export
          </button>
        </div>
      </form>
    </Modal>
  );
}
