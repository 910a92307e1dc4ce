import { useId } from 'react';
import { captionLimits } from '../../../../shared/captioning';
import { readKeywords } from '../../../../shared/keywords';
import { openKeywordSuggestions } from '../../../../shared/keyword-suggestions';
import type { CaptionVersion } from '../../../../shared/review';
import { altTextHint, altTextLimit, keywordProblem, type CaptionForm, type CaptionFormField } from './caption-form';
import { KeywordSuggestions } from './KeywordSuggestions';
import type { CaptionEditsState } from './use-caption-edits';

interface CaptionEditorProps {
  form: CaptionForm;
  edits: CaptionEditsState;
  /** The photo's caption history, newest first. */
  versions: readonly CaptionVersion[];
}

/** The caption, title, alt text, long description and keywords, with save, undo and approve. */
export function CaptionEditor({ form, edits, versions }: CaptionEditorProps) {
  const ids = useId();
  const newest = versions[0];
  const { errors, dirty, busy, feedback } = edits;
  // What will be saved, as the core saves it.
  const keywordReading = readKeywords(form.keywords);
  const keywordsNote = keywordProblem(keywordReading) ?? `${keywordReading.kept.length} of ${captionLimits.keywords}, separated by commas.`;
  const altTextLength = form.altText.trim().length;
  const fieldProps = (field: CaptionFormField) => ({
    id: `${ids}-${field}`,
    value: form[field],
    'aria-invalid': errors[field] ? true : undefined,
    'aria-describedby': `${ids}-${field}-note`,
    onChange: (event: { target: { value: string } }) => edits.change(field, event.target.value),
  });
  const fieldNote = (field: CaptionFormField, note?: string) => (
    <p id={`${ids}-${field}-note`} className={errors[field] ? 'inspector-field-error' : 'inspector-hint'}>
      {errors[field] ?? note}
    </p>
  );

  return (
    <form
      className="inspector-section inspector-form"
      aria-labelledby={`${ids}-edit`}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void edits.save();
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
        <span className={altTextLength > altTextLimit ? 'inspector-over' : undefined}>
          {altTextLength} / {altTextLimit}
        </span>{' '}
        {errors.altText ?? altTextHint(altTextLength)}
      </p>
      <label htmlFor={`${ids}-longDescription`}>Long description</label>
      <textarea rows={4} {...fieldProps('longDescription')} />
      {fieldNote('longDescription')}
      <label htmlFor={`${ids}-keywords`}>Keywords</label>
      <textarea rows={2} {...fieldProps('keywords')} />
      {fieldNote('keywords', keywordsNote)}
      <KeywordSuggestions
        suggestions={openKeywordSuggestions(versions, keywordReading.kept)}
        disabled={busy}
        onAdd={(suggestion) => void edits.addSuggestion(suggestion)}
      />
      <div className="inspector-actions">
        <button type="submit" disabled={!dirty || busy} aria-keyshortcuts="Control+S Meta+S">
          Save
        </button>
        {dirty && (
          <button type="button" onClick={edits.undo} disabled={busy}>
            Undo edits
          </button>
        )}
        <button type="button" onClick={() => void edits.approve()} disabled={busy || !newest || newest.status !== 'draft'}>
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
  );
}
