import type { ReactNode } from 'react';

interface ApiKeyFieldProps {
  /** The id the input takes; its hint takes `${id}-note`. */
  id: string;
  value: string;
  onChange(value: string): void;
  hint: ReactNode;
}

/** A provider's API key: a password field that browsers do not fill, with what happens to the key. */
export function ApiKeyField({ id, value, onChange, hint }: ApiKeyFieldProps) {
  return (
    <div className="settings-field">
      <label htmlFor={id}>API key</label>
      <input id={id} type="password" autoComplete="off" value={value} aria-describedby={`${id}-note`} onChange={(event) => onChange(event.target.value)} />
      <p id={`${id}-note`} className="settings-hint">
        {hint}
      </p>
    </div>
  );
}
