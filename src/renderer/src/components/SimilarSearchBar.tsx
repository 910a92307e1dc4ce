import type { SimilarTo } from '../lib/results-query';

interface SimilarSearchBarProps {
  similar: SimilarTo;
  onLeave(): void;
}

/** Above the grid while it shows look-alikes: what it shows, and the way back to the search. */
export function SimilarSearchBar({ similar, onLeave }: SimilarSearchBarProps) {
  return (
    <div className="similar-bar" role="region" aria-label="Similar photos">
      <span>Photos like {similar.fileName}, most alike first</span>
      <button type="button" className="link-button" onClick={onLeave}>
        Back to search
      </button>
    </div>
  );
}
