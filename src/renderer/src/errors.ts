/** The message worth showing, without Electron's "Error invoking remote method …" wrapper. */
export function errorText(reason: unknown): string {
  const message = reason instanceof Error ? reason.message : String(reason);
  return message.replace(/^Error invoking remote method '[^']*': (?:\w*Error: )?/, '');
}
