export interface InspectorProps {
  photoId: number;
  onClose(): void;
}

// Placeholder until the inspector lands (branch ui-panels).
export function Inspector(props: InspectorProps) {
  void props;
  return null;
}
