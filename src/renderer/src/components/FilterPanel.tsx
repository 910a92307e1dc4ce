import { useId } from 'react';
import type { ProviderSummary } from '../../../shared/captioning';
import { emptyFilters, filterErrors, type FilterForm } from '../lib/search-criteria';

interface FilterPanelProps {
  id: string;
  filters: FilterForm;
  providers: readonly ProviderSummary[];
  onChange(filters: FilterForm): void;
}

/** Everything that narrows a search besides its text; each field applies as it changes. */
export function FilterPanel({ id, filters, providers, onChange }: FilterPanelProps) {
  const prefix = useId();
  const errors = filterErrors(filters);
  const set = <K extends keyof FilterForm>(key: K, value: FilterForm[K]) => onChange({ ...filters, [key]: value });
  const fieldId = (name: string) => `${prefix}-${name}`;

  const text = (key: 'from' | 'to' | 'camera' | 'lens' | 'keyword' | 'fileType', label: string, placeholder: string) => {
    const error = key === 'from' || key === 'to' ? errors[key] : undefined;
    return (
      <div className="filter-field">
        <label htmlFor={fieldId(key)}>{label}</label>
        <input
          id={fieldId(key)}
          type="text"
          value={filters[key]}
          placeholder={placeholder}
          spellCheck={false}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? fieldId(`${key}-error`) : undefined}
          onChange={(event) => set(key, event.target.value)}
        />
        {error && (
          <span id={fieldId(`${key}-error`)} className="field-error">
            {error}
          </span>
        )}
      </div>
    );
  };

  return (
    <section id={id} className="filter-panel" aria-label="Filters">
      {text('from', 'Taken from', '2024-06')}
      {text('to', 'Taken until', '2024-08-31')}
      {text('camera', 'Camera', 'R5, Nikon …')}
      {text('lens', 'Lens', '24-70')}
      {text('keyword', 'Keyword', 'birds')}
      {text('fileType', 'File type', 'JPEG, NEF …')}
      <div className="filter-field">
        <label htmlFor={fieldId('has-caption')}>Has caption</label>
        <select id={fieldId('has-caption')} value={filters.hasCaption} onChange={(event) => set('hasCaption', event.target.value as FilterForm['hasCaption'])}>
          <option value="">Any</option>
          <option value="yes">Yes</option>
          <option value="no">No</option>
        </select>
      </div>
      <div className="filter-field">
        <label htmlFor={fieldId('status')}>Caption status</label>
        <select id={fieldId('status')} value={filters.captionStatus} onChange={(event) => set('captionStatus', event.target.value as FilterForm['captionStatus'])}>
          <option value="">Any</option>
          <option value="draft">Draft</option>
          <option value="approved">Approved</option>
          <option value="written">Written to file</option>
        </select>
      </div>
      <div className="filter-field">
        <label htmlFor={fieldId('provider')}>Provider</label>
        <select id={fieldId('provider')} value={filters.provider} onChange={(event) => set('provider', event.target.value)}>
          <option value="">Any</option>
          {providers.map((provider) => (
            <option key={provider.name} value={provider.name}>
              {provider.name}
            </option>
          ))}
          {filters.provider && !providers.some((provider) => provider.name === filters.provider) && (
            <option value={filters.provider}>{filters.provider}</option>
          )}
        </select>
      </div>
      <div className="filter-field">
        <label htmlFor={fieldId('orientation')}>Orientation</label>
        <select id={fieldId('orientation')} value={filters.orientation} onChange={(event) => set('orientation', event.target.value as FilterForm['orientation'])}>
          <option value="">Any</option>
          <option value="landscape">Landscape</option>
          <option value="portrait">Portrait</option>
          <option value="square">Square</option>
        </select>
      </div>
      <div className="filter-field">
        <label htmlFor={fieldId('missing')}>Missing files</label>
        <select id={fieldId('missing')} value={filters.missing} onChange={(event) => set('missing', event.target.value as FilterForm['missing'])}>
          <option value="exclude">Hide</option>
          <option value="include">Include</option>
          <option value="only">Only missing</option>
        </select>
      </div>
      <div className="filter-field filter-actions">
        <button type="button" onClick={() => onChange(emptyFilters)}>
          Clear filters
        </button>
      </div>
    </section>
  );
}
