import { searchPlaceholder } from '../lib/search-criteria';

interface SearchBoxProps {
  value: string;
  onChange(value: string): void;
}

/** type="search" gives the searchbox role and the platform's clear button and Escape-to-clear. */
export function SearchBox({ value, onChange }: SearchBoxProps) {
  return (
    <input
      type="search"
      className="search"
      aria-label="Search photos"
      placeholder={searchPlaceholder}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      spellCheck={false}
      autoFocus
    />
  );
}
