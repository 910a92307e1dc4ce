import { useId } from 'react';

export interface KeywordSuggestionsProps {
  /** Suggested keywords outside the vocabulary that the caption does not hold yet. */
  suggestions: readonly string[];
  disabled: boolean;
  onAdd(suggestion: string): void;
}

/** The keywords a model suggested outside the photographer's vocabulary: never written, each one click from being added. */
export function KeywordSuggestions({ suggestions, disabled, onAdd }: KeywordSuggestionsProps) {
  const ids = useId();
  if (suggestions.length === 0) return null;
  return (
    <div className="inspector-suggestions" role="group" aria-labelledby={`${ids}-heading`}>
      <p id={`${ids}-heading`} className="inspector-suggestions-heading">
        Suggested keywords <span className="inspector-hint">(not in your vocabulary; not written unless added)</span>
      </p>
      <ul>
        {suggestions.map((suggestion) => (
          <li key={suggestion}>
            <span>{suggestion}</span>
            <button type="button" aria-label={`Add keyword ${suggestion}`} disabled={disabled} onClick={() => onAdd(suggestion)}>
              Add
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
