import { useCallback, useEffect, useId, useState } from 'react';
import type { UnmatchedKeywordPolicy } from '../../../../shared/keyword-vocabulary';
import { countOf, describeVocabularyCounts, type VocabularyImportResult, type VocabularyListing } from '../../../../shared/vocabulary';
import { errorText } from '../../errors';
import type { Feedback } from './SaveFooter';
import { VocabularyTree } from './VocabularyTree';

const unmatchedChoices: { value: UnmatchedKeywordPolicy; label: string; explains: string }[] = [
  {
    value: 'suggest',
    label: 'Suggest',
    explains: 'Shown in the inspector under “Suggested keywords”, each one click from being added; never written until added.',
  },
  { value: 'keep', label: 'Keep', explains: 'Written as the model suggested them, next to your keywords.' },
  { value: 'drop', label: 'Drop', explains: 'Forgotten: only keywords of your vocabulary are kept.' },
];

/** The keyword vocabulary: import a keyword file, see its tree, clear it, and what happens to keywords outside it. */
export function VocabularySettings() {
  const ids = useId();
  const [listing, setListing] = useState<VocabularyListing | null>(null);
  const [unmatched, setUnmatched] = useState<UnmatchedKeywordPolicy | null>(null);
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [imported, setImported] = useState<VocabularyImportResult | null>(null);

  const reload = useCallback(async () => {
    const [nextListing, settings] = await Promise.all([window.api.invoke('keywords:list', {}), window.api.invoke('settings:get', {})]);
    setListing(nextListing);
    setUnmatched(settings.unmatchedKeywords);
  }, []);

  useEffect(() => {
    reload().catch((reason: unknown) => setFeedback({ kind: 'error', text: errorText(reason) }));
  }, [reload]);

  if (!listing || !unmatched) return <p role={feedback ? 'alert' : 'status'}>{feedback?.text ?? 'Loading…'}</p>;

  const run = async (work: () => Promise<string>) => {
    setBusy(true);
    setImported(null);
    try {
      setFeedback({ kind: 'ok', text: await work() });
    } catch (reason) {
      setFeedback({ kind: 'error', text: errorText(reason) });
    } finally {
      setBusy(false);
    }
  };

  const importFile = () =>
    run(async () => {
      const result = await window.api.invoke('keywords:import', { path });
      await reload();
      setImported(result);
      setPath('');
      return `Imported ${describeVocabularyCounts(result.counts)} from ${result.path}.`;
    });

  const clear = () =>
    run(async () => {
      const { removedTerms } = await window.api.invoke('keywords:clear', {});
      await reload();
      return `Cleared the vocabulary (${countOf(removedTerms, 'keyword')}).`;
    });

  // Shown chosen at once; put back if the save fails.
  const chooseUnmatched = (value: UnmatchedKeywordPolicy) => {
    const before = unmatched;
    setUnmatched(value);
    return run(async () => {
      const settings = await window.api.invoke('settings:save', { unmatchedKeywords: value }).catch((reason: unknown) => {
        setUnmatched(before);
        throw reason;
      });
      setUnmatched(settings.unmatchedKeywords);
      return `Keywords outside the vocabulary: ${unmatchedChoices.find((choice) => choice.value === value)!.label.toLowerCase()}.`;
    });
  };

  return (
    <div className="settings-form vocabulary-settings">
      <form
        aria-label="Import a keyword vocabulary"
        onSubmit={(event) => {
          event.preventDefault();
          void importFile();
        }}
      >
        <div className="settings-field">
          <label htmlFor={`${ids}-path`}>Keyword file</label>
          <input
            id={`${ids}-path`}
            value={path}
            placeholder="/Users/me/Documents/Lightroom keywords.txt"
            aria-describedby={`${ids}-path-note`}
            onChange={(event) => setPath(event.target.value)}
          />
          <p id={`${ids}-path-note`} className="settings-hint">
            Lightroom Classic’s Metadata › Export Keywords, or a list with one keyword a line. An import replaces the vocabulary.
          </p>
        </div>
        <div className="settings-actions">
          <button type="submit" disabled={busy || !path.trim()}>
            Import
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {feedback && (
          <p role={feedback.kind === 'error' ? 'alert' : undefined} className={`settings-${feedback.kind}`}>
            {feedback.text}
          </p>
        )}
        {imported && imported.issues.length > 0 && (
          <div className="vocabulary-issues">
            <p>{countOf(imported.issues.length, 'line')} read as best they could be; check them in the file:</p>
            <ul>
              {imported.issues.map((issue) => (
                <li key={issue.line}>
                  Line {issue.line}: {issue.message}
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>

      <UnmatchedKeywordsChoice value={unmatched} disabled={busy} onChange={(value) => void chooseUnmatched(value)} />

      <section aria-labelledby={`${ids}-tree`}>
        <h3 id={`${ids}-tree`}>Your vocabulary</h3>
        {listing.source ? (
          <>
            <p className="settings-hint">
              {describeVocabularyCounts(listing.counts)}, from {listing.source.path} ({listing.source.importedAt.slice(0, 10)}).
            </p>
            <VocabularyTree tree={listing.tree} />
            <div className="settings-actions">
              <button type="button" className="danger" disabled={busy} onClick={() => void clear()}>
                Clear vocabulary
              </button>
            </div>
          </>
        ) : (
          <p className="settings-hint">No vocabulary yet: keywords are kept as the model suggests them.</p>
        )}
      </section>
    </div>
  );
}

interface UnmatchedKeywordsChoiceProps {
  value: UnmatchedKeywordPolicy;
  disabled: boolean;
  onChange(value: UnmatchedKeywordPolicy): void;
}

/** The setting for suggested keywords that match nothing in the vocabulary. */
function UnmatchedKeywordsChoice({ value, disabled, onChange }: UnmatchedKeywordsChoiceProps) {
  const ids = useId();
  return (
    <fieldset>
      <legend>Suggested keywords outside the vocabulary</legend>
      {unmatchedChoices.map((choice) => (
        <label className="settings-check" key={choice.value}>
          <input
            type="radio"
            name={`${ids}-unmatched`}
            value={choice.value}
            checked={value === choice.value}
            disabled={disabled}
            onChange={() => onChange(choice.value)}
          />
          <span>
            <strong>{choice.label}</strong>: {choice.explains}
          </span>
        </label>
      ))}
    </fieldset>
  );
}
