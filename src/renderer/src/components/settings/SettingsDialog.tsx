import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { AboutSettings } from './AboutSettings';
import { CaptionsSettings } from './CaptionsSettings';
import { PlacesSettings } from './PlacesSettings';
import { ProvidersSettings } from './ProvidersSettings';
import { VocabularySettings } from './VocabularySettings';
import { WriteSettings } from './WriteSettings';
import './settings.css';

export interface SettingsDialogProps {
  open: boolean;
  onClose(): void;
  /** The tab shown first each time the dialog opens. */
  initialTab?: SettingsTab;
}

const tabs = [
  { id: 'providers', label: 'Providers' },
  { id: 'captions', label: 'Captions' },
  { id: 'write', label: 'Write-back' },
  { id: 'places', label: 'Places' },
  { id: 'about', label: 'About' },
  { id: 'keywords', label: 'Keywords' },
] as const;

export type SettingsTab = (typeof tabs)[number]['id'];

export function SettingsDialog({ open, onClose, initialTab = 'providers' }: SettingsDialogProps) {
  const ids = useId();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const returnFocusTo = useRef<HTMLElement | null>(null);
  const tabRefs = useRef(new Map<SettingsTab, HTMLButtonElement>());
  const [tab, setTab] = useState<SettingsTab>(initialTab);
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      returnFocusTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      setTab(initialTab);
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open, initialTab]);

  // Escape (the dialog's cancel) and the close button both end in the 'close' event.
  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    const onDialogClose = () => {
      returnFocusTo.current?.focus();
      returnFocusTo.current = null;
      onCloseRef.current();
    };
    dialog.addEventListener('close', onDialogClose);
    return () => dialog.removeEventListener('close', onDialogClose);
  }, []);

  const focusTab = (next: SettingsTab) => {
    setTab(next);
    tabRefs.current.get(next)?.focus();
  };

  const onTabKeyDown = (event: KeyboardEvent) => {
    const index = tabs.findIndex((entry) => entry.id === tab);
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    focusTab(tabs[(target + tabs.length) % tabs.length]!.id);
  };

  return (
    <dialog ref={dialogRef} aria-label="Settings" className="settings-dialog">
      {open && (
        <>
          <header className="settings-header">
            <h2>Settings</h2>
            <button type="button" className="settings-close" aria-label="Close settings" onClick={() => dialogRef.current?.close()}>
              <span aria-hidden="true">×</span>
            </button>
          </header>
          <div role="tablist" aria-label="Settings sections" className="settings-tabs" onKeyDown={onTabKeyDown}>
            {tabs.map((entry) => (
              <button
                key={entry.id}
                ref={(element) => {
                  if (element) tabRefs.current.set(entry.id, element);
                  else tabRefs.current.delete(entry.id);
                }}
                type="button"
                role="tab"
                id={`${ids}-tab-${entry.id}`}
                aria-selected={tab === entry.id}
                aria-controls={`${ids}-panel-${entry.id}`}
                tabIndex={tab === entry.id ? 0 : -1}
                onClick={() => setTab(entry.id)}
              >
                {entry.label}
              </button>
            ))}
          </div>
          <div
            role="tabpanel"
            id={`${ids}-panel-${tab}`}
            aria-labelledby={`${ids}-tab-${tab}`}
            className="settings-panel"
            tabIndex={0}
          >
            {tab === 'providers' && <ProvidersSettings />}
            {tab === 'captions' && <CaptionsSettings />}
            {tab === 'write' && <WriteSettings />}
            {tab === 'places' && <PlacesSettings />}
            {tab === 'about' && <AboutSettings />}
            {tab === 'keywords' && <VocabularySettings />}
          </div>
        </>
      )}
    </dialog>
  );
}
