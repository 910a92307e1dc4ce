/**
 * Whether `library:removeFolder` refused because the folder's photos hold write-backs that could
 * still be reverted (the user may then remove it anyway, with `forgetWrites`). The core says so
 * only in its message, so this reads the message.
 */
export function isRevertableWritesRefusal(message: string): boolean {
  return /could no longer be reverted/i.test(message);
}
