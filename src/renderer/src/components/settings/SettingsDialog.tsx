export interface SettingsDialogProps {
  open: boolean;
  onClose(): void;
}

// Placeholder until the settings land (branch ui-panels).
export function SettingsDialog(props: SettingsDialogProps) {
  void props;
  return null;
}
