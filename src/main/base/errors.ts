/** A problem with what the user asked for (a path that does not exist, say), not with Captionist. */
export class UserError extends Error {
  override name = 'UserError';
}
