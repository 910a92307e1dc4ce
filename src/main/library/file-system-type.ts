import { statfs } from 'node:fs/promises';

/**
 * Linux `statfs` magic numbers of file systems whose changes the kernel's inotify does not see
 * (or sees only when made from this machine): network shares and user-space (FUSE) mounts such
 * as sshfs, rclone and most cloud drives. From linux/magic.h and the file systems' sources.
 */
const remoteFileSystems = new Map<number, string>([
  [0x6969, 'nfs'],
  [0x517b, 'smb'],
  [0xff534d42, 'cifs'],
  [0xfe534d42, 'smb2'],
  [0x65735546, 'fuse'],
  [0x01021997, '9p'],
  [0x5346414f, 'afs'],
  [0x73757245, 'coda'],
  [0x564c, 'ncp'],
]);

/**
 * The name of the network or FUSE file system a Linux `statfs` type number stands for, or
 * undefined for a local disk. The number is read as unsigned 32 bits: where the C type is a
 * signed long, CIFS's 0xFF534D42 can come back negative.
 */
export function remoteFileSystemName(type: number): string | undefined {
  return remoteFileSystems.get(type >>> 0);
}

/**
 * Whether `path` lies on a network or FUSE file system, and which. Only Linux is asked: macOS
 * numbers its file system types as they register rather than with fixed magic numbers (the name,
 * f_fstypename, is not exposed by Node), and Windows reports no type; there the watcher relies on
 * falling back to polling when watching fails.
 */
export async function detectRemoteFileSystem(
  path: string,
  platform: NodeJS.Platform = process.platform,
): Promise<string | undefined> {
  if (platform !== 'linux') return undefined;
  try {
    return remoteFileSystemName((await statfs(path)).type);
  } catch {
    return undefined;
  }
}
