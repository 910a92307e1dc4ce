import { useCallback, useState } from 'react';
import type { ActivityMessage } from '../components/StatusLine';
import { errorText } from '../errors';

export interface StatusMessage {
  message: ActivityMessage | undefined;
  info(text: string): void;
  showError(reason: unknown): void;
  dismiss(): void;
}

/** The one message the status line shows: the last thing the app has to tell the user. */
export function useStatusMessage(): StatusMessage {
  const [message, setMessage] = useState<ActivityMessage | undefined>();
  const info = useCallback((text: string) => setMessage({ text, tone: 'info' }), []);
  const showError = useCallback((reason: unknown) => setMessage({ text: errorText(reason), tone: 'error' }), []);
  const dismiss = useCallback(() => setMessage(undefined), []);
  return { message, info, showError, dismiss };
}
