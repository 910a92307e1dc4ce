// Placeholder until the queue panel lands (branch ui-panels).
export function QueuePanel() {
  return null;
}
