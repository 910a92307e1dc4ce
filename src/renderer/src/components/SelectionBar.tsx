import type { KeyboardEvent } from 'react';
import { selectionText, type Selection } from '../lib/selection';
import { Icon } from './Icon';

interface SelectionBarProps {
  selection: Selection;
  busy: boolean;
  onCaption(): void;
  onApprove(): void;
  onWrite(): void;
  onExport(): void;
  onClear(): void;
}

/** Actions on the selected photos. Arrow keys move between its buttons, as in any toolbar. */
export function SelectionBar({ selection, busy, onCaption, onApprove, onWrite, onExport, onClear }: SelectionBarProps) {
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('button:not(:disabled)')];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    event.preventDefault();
    const next = (at + (event.key === 'ArrowRight' ? 1 : -1) + buttons.length) % buttons.length;
    buttons[next]?.focus();
  };
  return (
    <div className="selection-bar" role="toolbar" aria-label="Selection" onKeyDown={onKeyDown}>
      <span className="selection-count">{selectionText(selection)}</span>
      <button type="button" className="primary" disabled={busy} onClick={onCaption}>
        Caption…
      </button>
      <button type="button" disabled={busy} onClick={onApprove}>
        Approve
      </button>
      <button type="button" disabled={busy} onClick={onWrite}>
        Write metadata
      </button>
      <button type="button" disabled={busy} onClick={onExport}>
        Export…
      </button>
      <button type="button" className="icon-only subtle push-left" aria-label="Clear selection" title="Clear selection (Esc)" onClick={onClear}>
        <Icon name="close" />
      </button>
    </div>
  );
}
