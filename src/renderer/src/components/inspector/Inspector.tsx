import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { captionLimits } from '../../../../shared/captioning';
import { readKeywords } from '../../../../shared/keywords';
import { keywordsWithSuggestion, openKeywordSuggestions } from '../../../../shared/keyword-suggestions';
import { embeddedTextShown } from '../../../../shared/placeholders';
import type { PhotoDetail } from '../../../../shared/review';
import { errorText } from '../../errors';
import {
  altTextHint,
  altTextLimit,
  editFromForm,
  formFromDetail,
  formFromText,
  formsEqual,
  keywordProblem,
  type CaptionForm,
  type CaptionFormErrors,
  type CaptionFormField,
} from './caption-form';
import { CaptionHistory } from './CaptionHistory';
import { KeywordSuggestions } from './KeywordSuggestions';
import { photoFacts } from './photo-facts';
import { RegenerateCaption } from './RegenerateCaption';
import './inspector.css';

export interface InspectorProps {
  photoId: number;
  onClose(): void;
}

interface Edits {
  photoId: number;
  form: CaptionForm;
}

type Feedback = { kind: 'ok' | 'error'; text: string } | null;

/**
 * Unsaved edits of photos the user moved away from, kept for the session: selecting the photo
 * again (or reopening the inspector) brings them back instead of losing them.
 */
const unsavedDrafts = new Map<number, CaptionForm>();

export function Inspector({ photoId, onClose }: InspectorProps) {
  const ids = useId();
  const asideRef = useRef<HTMLElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [detail, setDetail] = useState<PhotoDetail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const [edits, setEdits] = useState<Edits | null>(() => draftEdits(photoId));
  const [errors, setErrors] = useState<CaptionFormErrors>({});
  const [feedback, setFeedback] = useState<Feedback>(() =>
    unsavedDrafts.has(photoId) ? { kind: 'ok', text: 'Your unsaved edits were kept as a draft.' } : null,
  );
  const [busy, setBusy] = useState(false);
  const [brokenPreview, setBrokenPreview] = useState<{ fingerprint: string; thumbnailToo: boolean } | null>(null);

  const shown = detail && detail.id === photoId ? detail : null;
  const baseline = shown ? formFromDetail(shown) : null;
  const form = edits && edits.photoId === photoId ? edits.form : baseline;
  const dirty = Boolean(form && baseline && edits?.photoId === photoId && !formsEqual(form, baseline));

  // Whether the edits held (perhaps still those of the photo just left) change their photo's caption.
  const editsUnsaved = Boolean(
    edits && (detail?.id === edits.photoId ? !formsEqual(edits.form, formFromDetail(detail)) : true),
  );

  // The latest values for listeners registered once.
  const latest = useRef({ photoId, edits, editsUnsaved, dirty, onClose });
  useEffect(() => {
    latest.current = { photoId, edits, editsUnsaved, dirty, onClose };
  });

  const reload = useCallback(() => setReloads((count) => count + 1), []);

  useEffect(() => {
    let current = true;
    window.api.invoke('photos:get', { id: photoId }).then(
      (loaded) => {
        if (!current) return;
        setDetail(loaded);
        setLoadError(null);
      },
      (reason: unknown) => {
        if (current) setLoadError(errorText(reason));
      },
    );
    return () => {
      current = false;
    };
  }, [photoId, reloads]);

  const folderId = shown?.folderId ?? null;
  useEffect(
    () =>
      window.api.on('library:changed', ({ folderIds }) => {
        if (folderId === null || folderIds.length === 0 || folderIds.includes(folderId)) reload();
      }),
    [folderId, reload],
  );

  // Moving to another photo keeps unsaved edits as a draft, and brings back the new photo's own.
  const previousId = useRef(photoId);
  useEffect(() => {
    const left = previousId.current;
    if (left === photoId) return;
    previousId.current = photoId;
    const { edits: leftEdits, editsUnsaved: leftUnsaved } = latest.current;
    const leftDirty = leftEdits?.photoId === left && leftUnsaved;
    if (leftEdits?.photoId === left) keepDraft(leftEdits, leftUnsaved);
    const restored = draftEdits(photoId);
    setEdits(restored);
    setErrors({});
    setFeedback(
      restored
        ? { kind: 'ok', text: 'Your unsaved edits were kept as a draft.' }
        : leftDirty
          ? { kind: 'ok', text: 'Your edits to the previous photo are kept as a draft until you go back to it.' }
          : null,
    );
  }, [photoId]);

  // Closing the inspector with unsaved edits keeps them too.
  useEffect(
    () => () => {
      const { edits: openEdits, editsUnsaved: openUnsaved } = latest.current;
      keepDraft(openEdits, openUnsaved);
    },
    [],
  );

  // Opening a photo (Enter in the grid) takes the keyboard to it: a screen reader announces the
  // heading and Tab goes on into the fields. Closing gives focus back to the grid (the App does that).
  useEffect(() => {
    headingRef.current?.focus();
  }, [photoId]);

  // Escape closes, unless there are unsaved edits, or another part of the window (a dialog) has the key.
  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      if (document.querySelector('dialog[open]')) return;
      const target = event.target instanceof Node ? event.target : null;
      const inside = target !== null && asideRef.current?.contains(target) === true;
      const nowhere = target === null || target === document.body || target === document.documentElement;
      if (!inside && !nowhere) return;
      if (latest.current.dirty) {
        setFeedback({ kind: 'error', text: 'Save or undo your edits first; Escape does not close the inspector while you edit.' });
        return;
      }
      latest.current.onClose();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  const change = (field: CaptionFormField, value: string) => {
    if (!form) return;
    setEdits({ photoId, form: { ...form, [field]: value } });
    if (errors[field]) setErrors(({ [field]: _fixed, ...rest }) => rest);
  };

  const undo = () => {
    unsavedDrafts.delete(photoId);
    setEdits(null);
    setErrors({});
    setFeedback(null);
  };

  const save = async (saved = form) => {
    if (!saved || !baseline || formsEqual(saved, baseline) || busy) return;
    const result = editFromForm(saved);
    if ('errors' in result) {
      setErrors(result.errors);
      setFeedback({ kind: 'error', text: 'Not saved: fix the fields marked below.' });
      return;
    }
    const savedId = photoId;
    setBusy(true);
    try {
      const updated = await window.api.invoke('captions:edit', { photoId: savedId, fields: result.edit });
      unsavedDrafts.delete(savedId);
      if (latest.current.photoId !== savedId) return;
      setDetail(updated);
      setEdits(null);
      setErrors({});
      setFeedback({ kind: 'ok', text: `Saved as version ${updated.versions[0]?.version ?? ''}, approved.` });
    } catch (reason) {
      setFeedback({ kind: 'error', text: `Not saved: ${errorText(reason)}` });
    } finally {
      setBusy(false);
    }
  };

  // Adding a suggested keyword is an edit of the person's: saved at once, with the form's other edits.
  const addSuggestion = (suggestion: string) => {
    if (!form) return;
    const next = { ...form, keywords: keywordsWithSuggestion(form.keywords, suggestion).join(', ') };
    setEdits({ photoId, form: next });
    void save(next);
  };

  const approve = async () => {
    const approvedId = photoId;
    setBusy(true);
    try {
      const { count } = await window.api.invoke('captions:approve', { photoIds: [approvedId], approved: true });
      if (latest.current.photoId !== approvedId) return;
      setFeedback(count > 0 ? { kind: 'ok', text: 'Caption approved.' } : { kind: 'error', text: 'There is no caption to approve.' });
      reload();
    } catch (reason) {
      setFeedback({ kind: 'error', text: errorText(reason) });
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      void save();
    }
  };

  const onRegenerated = useCallback(
    (regeneratedId: number) => {
      if (latest.current.photoId === regeneratedId) reload();
    },
    [reload],
  );

  if (!shown || !form) {
    return (
      <aside aria-label="Inspector" className="inspector" ref={asideRef}>
        <InspectorHeader fileName={null} onClose={onClose} headingRef={headingRef} />
        <p role={loadError ? 'alert' : 'status'} className={loadError ? 'inspector-error' : 'inspector-muted'}>
          {loadError ?? 'Loading…'}
        </p>
      </aside>
    );
  }

  const newest = shown.versions[0];
  // What will be saved, as the core saves it.
  const keywordReading = readKeywords(form.keywords);
  const keywords = keywordReading.kept;
  const keywordsNote = keywordProblem(keywordReading) ?? `${keywords.length} of ${captionLimits.keywords}, separated by commas.`;
  const previewBroken = brokenPreview?.fingerprint === shown.fingerprint ? brokenPreview : null;
  const previewSrc = previewBroken
    ? previewBroken.thumbnailToo
      ? null
      : window.api.thumbnailUrl(shown.fingerprint)
    : window.api.previewUrl(shown.fingerprint);
  const fieldProps = (field: CaptionFormField) => ({
    id: `${ids}-${field}`,
    value: form[field],
    'aria-invalid': errors[field] ? true : undefined,
    'aria-describedby': `${ids}-${field}-note`,
    onChange: (event: { target: { value: string } }) => change(field, event.target.value),
  });
  const fieldNote = (field: CaptionFormField, note?: string) => (
    <p id={`${ids}-${field}-note`} className={errors[field] ? 'inspector-field-error' : 'inspector-hint'}>
      {errors[field] ?? note}
    </p>
  );

  return (
    <aside aria-label="Inspector" className="inspector" ref={asideRef} onKeyDown={onKeyDown}>
      <InspectorHeader fileName={shown.fileName} onClose={onClose} headingRef={headingRef} />

      <figure className="inspector-preview">
        {previewSrc ? (
          <img
            src={previewSrc}
            alt={shown.caption ?? shown.fileName}
            onError={() =>
              setBrokenPreview({ fingerprint: shown.fingerprint, thumbnailToo: previewBroken !== null })
            }
          />
        ) : (
          <p className="inspector-muted">No preview for this file.</p>
        )}
      </figure>

      <section className="inspector-section" aria-labelledby={`${ids}-facts`}>
        <h3 id={`${ids}-facts`}>File</h3>
        <dl className="inspector-facts">
          {photoFacts(shown).map((fact) => (
            <div key={fact.label}>
              <dt>{fact.label}</dt>
              <dd title={fact.label === 'File' ? shown.path : undefined}>{fact.value}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section className="inspector-section" aria-labelledby={`${ids}-embedded`}>
        <h3 id={`${ids}-embedded`}>In the file</h3>
        <EmbeddedText embedded={embeddedTextShown(shown.embedded, shown.fileName)} />
      </section>

      <form
        className="inspector-section inspector-form"
        aria-labelledby={`${ids}-edit`}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <h3 id={`${ids}-edit`}>
          Caption{' '}
          <span className="inspector-status">
            {newest ? `(${newest.status === 'written' ? 'written to the file' : newest.status})` : '(not captioned yet)'}
          </span>
        </h3>
        <label htmlFor={`${ids}-title`}>Title</label>
        <input type="text" {...fieldProps('title')} />
        {fieldNote('title')}
        <label htmlFor={`${ids}-caption`}>Caption</label>
        <textarea rows={4} {...fieldProps('caption')} />
        {fieldNote('caption')}
        <label htmlFor={`${ids}-altText`}>Alt text</label>
        <textarea rows={2} {...fieldProps('altText')} />
        <p id={`${ids}-altText-note`} className={errors.altText ? 'inspector-field-error' : 'inspector-hint'}>
          <span className={form.altText.trim().length > altTextLimit ? 'inspector-over' : undefined}>
            {form.altText.trim().length} / {altTextLimit}
          </span>{' '}
          {errors.altText ?? altTextHint(form.altText.trim().length)}
        </p>
        <label htmlFor={`${ids}-longDescription`}>Long description</label>
        <textarea rows={4} {...fieldProps('longDescription')} />
        {fieldNote('longDescription')}
        <label htmlFor={`${ids}-keywords`}>Keywords</label>
        <textarea rows={2} {...fieldProps('keywords')} />
        {fieldNote('keywords', keywordsNote)}
        <KeywordSuggestions suggestions={openKeywordSuggestions(shown.versions, keywords)} disabled={busy} onAdd={addSuggestion} />
        <div className="inspector-actions">
          <button type="submit" disabled={!dirty || busy} aria-keyshortcuts="Control+S Meta+S">
            Save
          </button>
          {dirty && (
            <button type="button" onClick={undo} disabled={busy}>
              Undo edits
            </button>
          )}
          <button type="button" onClick={() => void approve()} disabled={busy || !newest || newest.status !== 'draft'}>
            Approve
          </button>
        </div>
        <div aria-live="polite" className="inspector-feedback">
          {feedback && (
            <p role={feedback.kind === 'error' ? 'alert' : undefined} className={`inspector-${feedback.kind}`}>
              {feedback.text}
            </p>
          )}
        </div>
      </form>

      <RegenerateCaption photoId={shown.id} path={shown.path} onFinished={onRegenerated} />

      <CaptionHistory
        key={shown.id}
        versions={shown.versions}
        onUse={(version) => {
          setEdits({ photoId: shown.id, form: formFromText(version) });
          setErrors({});
          setFeedback({ kind: 'ok', text: `Version ${version.version} is in the form: Save to keep it as your edit.` });
        }}
      />
    </aside>
  );
}

function draftEdits(photoId: number): Edits | null {
  const form = unsavedDrafts.get(photoId);
  return form ? { photoId, form } : null;
}

/** Keeps a photo's edits for later when they change something, else forgets any older draft. */
function keepDraft(edits: Edits | null, dirty: boolean): void {
  if (!edits) return;
  if (dirty) unsavedDrafts.set(edits.photoId, edits.form);
  else unsavedDrafts.delete(edits.photoId);
}

interface InspectorHeaderProps {
  fileName: string | null;
  onClose(): void;
  headingRef: RefObject<HTMLHeadingElement | null>;
}

function InspectorHeader({ fileName, onClose, headingRef }: InspectorHeaderProps) {
  return (
    <header className="inspector-header">
      <h2 className="inspector-title" title={fileName ?? undefined} ref={headingRef} tabIndex={-1}>
        {fileName ?? 'Photo'}
      </h2>
      <button type="button" className="inspector-close" onClick={onClose} aria-label="Close inspector">
        <span aria-hidden="true">×</span>
      </button>
    </header>
  );
}

function EmbeddedText({ embedded }: { embedded: PhotoDetail['embedded'] }) {
  const entries = [
    { label: 'Title', value: embedded.title },
    { label: 'Caption', value: embedded.caption },
    { label: 'Alt text', value: embedded.altText },
    { label: 'Keywords', value: embedded.keywords.length > 0 ? embedded.keywords.join(', ') : null },
  ].filter((entry): entry is { label: string; value: string } => Boolean(entry.value));
  if (entries.length === 0) return <p className="inspector-muted">The file holds no caption, title or keywords of its own.</p>;
  return (
    <dl className="inspector-embedded">
      {entries.map((entry) => (
        <div key={entry.label}>
          <dt>{entry.label}</dt>
          <dd>{entry.value}</dd>
        </div>
      ))}
    </dl>
  );
}
