export interface FirstRunProps {
  /** Asks for a folder: the native picker in the desktop app, a path field in a browser. */
  onPickFolder(): Promise<string | null>;
  onDone(): void;
}

// Placeholder until the first-run flow lands (branch ui-panels).
export function FirstRun(props: FirstRunProps) {
  void props;
  return null;
}
