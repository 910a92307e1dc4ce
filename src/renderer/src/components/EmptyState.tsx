import { Icon } from './Icon';

interface EmptyStateProps {
  libraryEmpty: boolean;
  filtered: boolean;
  onAddFolder(): void;
  onClear(): void;
}

/** What the grid's place shows when nothing matches, or there is nothing yet. */
export function EmptyState({ libraryEmpty, filtered, onAddFolder, onClear }: EmptyStateProps) {
  if (libraryEmpty) {
    return (
      <div className="empty-state">
        <Icon name="folder" className="empty-icon" />
        <h2>Your library is empty</h2>
        <p>Add a folder of photos. Captionist indexes them where they are and never moves a file.</p>
        <button type="button" className="primary" onClick={onAddFolder}>
          Add your first folder
        </button>
      </div>
    );
  }
  return (
    <div className="empty-state">
      <h2>{filtered ? 'No photos match' : 'No photos here yet'}</h2>
      <p>{filtered ? 'Try other words, fewer filters, or the whole library.' : 'Photos appear here as the folder is indexed.'}</p>
      {filtered && (
        <button type="button" onClick={onClear}>
          Clear search and filters
        </button>
      )}
    </div>
  );
}
