import type { IndexProgress } from '../../../shared/domain';

export interface ActivityMessage {
  text: string;
  tone: 'info' | 'error';
}

interface StatusLineProps {
  /** "1,234 photos", "No photos match …"; announced politely when it changes. */
  countText: string;
  /** Indexing under way, with a progress bar. */
  indexing: IndexProgress | undefined;
  indexingText: string | undefined;
  /** Captioning, queue and write-back progress, one line each. */
  activity: readonly string[];
  /** The outcome of the user's last action. */
  message: ActivityMessage | undefined;
  onDismissMessage(): void;
}

export function StatusLine({ countText, indexing, indexingText, activity, message, onDismissMessage }: StatusLineProps) {
  return (
    <footer className="status-line">
      <span role="status" className="status-count">
        {countText}
      </span>
      {indexing && (
        <span className="status-item">
          <progress
            className="index-progress"
            aria-label="Indexing progress"
            value={indexing.phase === 'indexing' ? indexing.done : undefined}
            max={Math.max(indexing.total, 1)}
          />
          <span>{indexingText}</span>
        </span>
      )}
      {/* Progress text changes often: only the outcome messages below are announced. */}
      {activity.map((line) => (
        <span key={line.split(':')[0]} className="status-item">
          {line}
        </span>
      ))}
      <span className="status-message" aria-live="polite">
        {message?.tone === 'info' && message.text}
      </span>
      <span className="status-error" role="alert">
        {message?.tone === 'error' && (
          <>
            {message.text}{' '}
            <button type="button" className="link-button" onClick={onDismissMessage}>
              Dismiss
            </button>
          </>
        )}
      </span>
    </footer>
  );
}
