import { useEffect, useRef, useState } from 'react';
import { keywordsWithSuggestion } from '../../../../shared/keyword-suggestions';
import type { CaptionVersion } from '../../../../shared/review';
import { errorText } from '../../errors';
import { draftEdits, draftKeptFeedback, forgetDraft, useKeptDrafts, type Edits, type Feedback, type HeldEdits } from './caption-drafts';
import { editFromForm, formFromDetail, formFromText, formsEqual, type CaptionForm, type CaptionFormErrors, type CaptionFormField } from './caption-form';
import type { PhotoDetailState } from './use-photo-detail';

export interface CaptionEditsState {
  /** The form shown: the edits, or the photo's caption as saved; null while loading. */
  form: CaptionForm | null;
  dirty: boolean;
  errors: CaptionFormErrors;
  feedback: Feedback;
  setFeedback(feedback: Feedback): void;
  busy: boolean;
  change(field: CaptionFormField, value: string): void;
  undo(): void;
  save(): Promise<void>;
  /** Adds a suggested keyword to the form and saves it, as the person's edit. */
  addSuggestion(suggestion: string): Promise<void>;
  approve(): Promise<void>;
  takeUpVersion(version: CaptionVersion): void;
}

/** The inspector's caption form: edits kept across photos, saving, approving. */
export function useCaptionEdits(photoId: number, photo: PhotoDetailState): CaptionEditsState {
  const { detail, shown } = photo;
  const [edits, setEdits] = useState<Edits | null>(() => draftEdits(photoId));
  const [errors, setErrors] = useState<CaptionFormErrors>({});
  const [feedback, setFeedback] = useState<Feedback>(() => (draftEdits(photoId) ? draftKeptFeedback : null));
  const [busy, setBusy] = useState(false);

  const baseline = shown ? formFromDetail(shown) : null;
  const form = edits && edits.photoId === photoId ? edits.form : baseline;
  const dirty = Boolean(form && baseline && edits?.photoId === photoId && !formsEqual(form, baseline));
  // Whether the edits held (perhaps still those of the photo just left) change their photo's caption.
  const editsUnsaved = Boolean(
    edits && (detail?.id === edits.photoId ? !formsEqual(edits.form, formFromDetail(detail)) : true),
  );

  // The latest values for listeners registered once.
  const held = useRef<HeldEdits>({ photoId, edits, editsUnsaved });
  useEffect(() => {
    held.current = { photoId, edits, editsUnsaved };
  });
  useKeptDrafts(photoId, held, { setEdits, setErrors, setFeedback });

  const change = (field: CaptionFormField, value: string) => {
    if (!form) return;
    setEdits({ photoId, form: { ...form, [field]: value } });
    if (errors[field]) setErrors(({ [field]: _fixed, ...rest }) => rest);
  };

  const undo = () => {
    forgetDraft(photoId);
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
      forgetDraft(savedId);
      if (held.current.photoId !== savedId) return;
      photo.setDetail(updated);
      setEdits(null);
      setErrors({});
      setFeedback({ kind: 'ok', text: `Saved as version ${updated.versions[0]?.version ?? ''}, approved.` });
    } catch (reason) {
      setFeedback({ kind: 'error', text: `Not saved: ${errorText(reason)}` });
    } finally {
      setBusy(false);
    }
  };

  // The keyword goes in as the core will store it; saved at once, with the form's other edits.
  const addSuggestion = (suggestion: string) => {
    if (!form) return Promise.resolve();
    const next = { ...form, keywords: keywordsWithSuggestion(form.keywords, suggestion).join(', ') };
    setEdits({ photoId, form: next });
    return save(next);
  };

  const approve = async () => {
    const approvedId = photoId;
    setBusy(true);
    try {
      const { count } = await window.api.invoke('captions:approve', { photoIds: [approvedId], approved: true });
      if (held.current.photoId !== approvedId) return;
      setFeedback(count > 0 ? { kind: 'ok', text: 'Caption approved.' } : { kind: 'error', text: 'There is no caption to approve.' });
      photo.reload();
    } catch (reason) {
      setFeedback({ kind: 'error', text: errorText(reason) });
    } finally {
      setBusy(false);
    }
  };

  const takeUpVersion = (version: CaptionVersion) => {
    setEdits({ photoId, form: formFromText(version) });
    setErrors({});
    setFeedback({ kind: 'ok', text: `Version ${version.version} is in the form: Save to keep it as your edit.` });
  };

  return { form, dirty, errors, feedback, setFeedback, busy, change, undo, save: () => save(), addSuggestion, approve, takeUpVersion };
}
