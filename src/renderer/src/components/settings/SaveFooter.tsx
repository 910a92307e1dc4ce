/** What the last save said: shown under the form, announced to screen readers. */
export type Feedback = { kind: 'ok' | 'error'; text: string } | null;

interface SaveFooterProps {
  saving: boolean;
  label: string;
  feedback: Feedback;
}

/** A settings form's save button and the answer to the last save. */
export function SaveFooter({ saving, label, feedback }: SaveFooterProps) {
  return (
    <>
      <div className="settings-actions">
        <button type="submit" disabled={saving}>
          {saving ? 'Saving…' : label}
        </button>
      </div>
      <div aria-live="polite">
        {feedback && (
          <p role={feedback.kind === 'error' ? 'alert' : undefined} className={`settings-${feedback.kind}`}>
            {feedback.text}
          </p>
        )}
      </div>
    </>
  );
}
