import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';

interface ModalProps {
  title: string;
  onClose(): void;
  children: ReactNode;
  /** Text under the title, also the dialog's accessible description. */
  description?: ReactNode;
  className?: string;
}

/**
 * A real modal dialog: `<dialog>` opened with showModal, so the rest of the page is inert, focus
 * stays inside, and Escape closes it. Render it only while it is open; focus goes back to where
 * it was when it closes.
 */
export function Modal({ title, onClose, children, description, className }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  }, [onClose]);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const cancel = (event: Event) => {
      event.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener('cancel', cancel);
    return () => {
      dialog.removeEventListener('cancel', cancel);
      if (dialog.open) dialog.close();
      if (returnFocus?.isConnected) returnFocus.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={className ? `modal ${className}` : 'modal'}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
    >
      <h2 id={titleId} className="modal-title">
        {title}
      </h2>
      {description && (
        <div id={descriptionId} className="modal-description">
          {description}
        </div>
      )}
      {children}
    </dialog>
  );
}

interface ConfirmDialogProps {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

export function ConfirmDialog({ title, message, confirmLabel, danger, onConfirm, onCancel }: ConfirmDialogProps) {
  return (
    <Modal title={title} description={message} onClose={onCancel}>
      <div className="dialog-actions">
        <button type="button" onClick={onCancel} autoFocus>
          Cancel
        </button>
        <button type="button" className={danger ? 'danger' : 'primary'} onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </Modal>
  );
}

interface ChoiceDialogProps {
  title: string;
  message: ReactNode;
  /** In reading order; the primary one last, as in every dialog here. */
  choices: { label: string; primary?: boolean; onChoose(): void }[];
  /** After any choice (to close the dialog). */
  onChosen(): void;
  onCancel(): void;
}

/** A question with more than one way forward, and Cancel. */
export function ChoiceDialog({ title, message, choices, onChosen, onCancel }: ChoiceDialogProps) {
  return (
    <Modal title={title} description={message} onClose={onCancel}>
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        {choices.map((choice) => (
          <button
            key={choice.label}
            type="button"
            className={choice.primary ? 'primary' : undefined}
            autoFocus={choice.primary}
            onClick={() => {
              choice.onChoose();
              onChosen();
            }}
          >
            {choice.label}
          </button>
        ))}
      </div>
    </Modal>
  );
}

interface TextPromptDialogProps {
  title: string;
  label: string;
  submitLabel: string;
  initialValue?: string;
  placeholder?: string;
  description?: ReactNode;
  /** Returns an error to show, or nothing when done (the caller closes the dialog). */
  onSubmit(value: string): Promise<string | void> | string | void;
  onCancel(): void;
}

/** A dialog asking for one line of text: a folder path, an album name. */
export function TextPromptDialog({
  title,
  label,
  submitLabel,
  initialValue = '',
  placeholder,
  description,
  onSubmit,
  onCancel,
}: TextPromptDialogProps) {
  const inputId = useId();
  const errorId = useId();
  const [value, setValue] = useState(initialValue);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = value.trim();
    if (trimmed === '') {
      setError(`${label} is empty.`);
      return;
    }
    setBusy(true);
    const problem = await onSubmit(trimmed);
    setBusy(false);
    setError(problem ?? '');
  };

  return (
    <Modal title={title} description={description} onClose={onCancel}>
      <form onSubmit={(event) => void submit(event)} className="dialog-form">
        <label htmlFor={inputId}>{label}</label>
        <input
          id={inputId}
          type="text"
          value={value}
          onChange={(event) => setValue(event.target.value)}
          placeholder={placeholder}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          spellCheck={false}
          autoFocus
        />
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
        <div className="dialog-actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {submitLabel}
          </button>
        </div>
      </form>
    </Modal>
  );
}
