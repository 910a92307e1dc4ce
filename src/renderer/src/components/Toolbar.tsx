import type { SearchState } from '../lib/search-criteria';
import { Icon } from './Icon';
import { SearchBox } from './SearchBox';

interface ToolbarProps {
  search: SearchState;
  filterCount: number;
  filtersOpen: boolean;
  onToggleFilters(): void;
  onChange(change: Partial<SearchState>): void;
  onOpenSettings(): void;
}

/** Search box, the filters' toggle, sort order and settings, above the grid. */
export function Toolbar({ search, filterCount, filtersOpen, onToggleFilters, onChange, onOpenSettings }: ToolbarProps) {
  return (
    <header className="toolbar">
      <SearchBox value={search.text} onChange={(text) => onChange({ text })} />
      <button
        type="button"
        className={`toolbar-button${filterCount > 0 ? ' active' : ''}`}
        aria-expanded={filtersOpen}
        aria-controls="filter-panel"
        onClick={onToggleFilters}
      >
        <Icon name="filter" />
        Filters
        {filterCount > 0 && (
          <span className="pill">
            {filterCount}
            <span className="visually-hidden"> active</span>
          </span>
        )}
      </button>
      <label className="sort">
        <span>Sort by</span>
        <select value={search.sort} onChange={(event) => onChange({ sort: event.target.value as SearchState['sort'] })}>
          <option value="relevance">Relevance</option>
          <option value="date">Date taken</option>
        </select>
      </label>
      <button type="button" className="toolbar-button push-left" onClick={onOpenSettings}>
        <Icon name="gear" />
        Settings
      </button>
    </header>
  );
}
