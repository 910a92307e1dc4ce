import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectRemoteFileSystem, remoteFileSystemName } from '../../src/main/library/file-system-type';
import { isPhotoFileName, isTemporaryName } from '../../src/main/base/file-types';
import { isSkippedPath } from '../../src/main/library/walker';

const fileStats = statSync(import.meta.filename);
const dirStats = statSync(import.meta.dirname);
const root = join('/', 'photos', '.library root');

describe('what the scanner and the watcher pass over', () => {
  it('takes photos and leaves temporary copies of them', () => {
    for (const name of ['IMG_0001.jpg', 'IMG_0001.JPG', 'scan.tiff', 'DSC_1.NEF', 'Café ☕.heic', 'part two.jpg']) {
      expect(isPhotoFileName(name), name).toBe(true);
    }
    for (const name of [
      'IMG_0001.jpg.tmp',
      'IMG_0001.jpg.TEMP',
      'IMG_0001.jpg_exiftool_tmp',
      'IMG_0001.jpg.part',
      'IMG_0001.jpg.partial',
      'IMG_0001.jpg.crdownload',
      'IMG_0001.jpg.download',
      'IMG_0001.jpg~',
      '~$IMG_0001.jpg',
      'Photoshop Temp1234.jpg',
      'IMG_0001.xmp',
      'IMG_0001.JPG.XMP',
      'notes.txt',
    ]) {
      expect(isPhotoFileName(name), name).toBe(false);
    }
    expect(isTemporaryName('~$IMG_0001.jpg')).toBe(true);
    expect(isTemporaryName('tmp.jpg')).toBe(false);
  });

  it('skips hidden and system entries anywhere below the root, never the root or above', () => {
    expect(isSkippedPath(root, root, dirStats)).toBe(false);
    expect(isSkippedPath(root, join(root, 'a.jpg'), fileStats)).toBe(false);
    expect(isSkippedPath(root, join(root, '2024', 'Trip'), dirStats)).toBe(false);
    for (const path of [
      join(root, '.hidden.jpg'),
      join(root, '.thumbnails'),
      join(root, '.thumbnails', 'x.jpg'),
      join(root, '@eaDir', 'a.jpg', 'SYNOPHOTO_THUMB_XL.jpg'),
      join(root, '$RECYCLE.BIN'),
      join(root, 'Thumbs.db'),
      join(root, '.DS_Store'),
      join(root, '#recycle', 'a.jpg'),
    ]) {
      expect(isSkippedPath(root, path), path).toBe(true);
    }
  });

  it('decides on files by name once it knows they are files, and lets folders through', () => {
    // Asked without stats, a name that may be a folder passes; asked with them, a non-photo file does not.
    expect(isSkippedPath(root, join(root, 'notes.txt'))).toBe(false);
    expect(isSkippedPath(root, join(root, 'notes.txt'), fileStats)).toBe(true);
    expect(isSkippedPath(root, join(root, 'a.jpg.tmp'), fileStats)).toBe(true);
    expect(isSkippedPath(root, join(root, 'a.xmp'), fileStats)).toBe(true);
    expect(isSkippedPath(root, join(root, 'Holiday.tmp'), dirStats)).toBe(false);
  });
});

describe('network and FUSE file systems', () => {
  it('names the file systems whose changes the kernel does not report', () => {
    expect(remoteFileSystemName(0x6969)).toBe('nfs');
    expect(remoteFileSystemName(0x517b)).toBe('smb');
    expect(remoteFileSystemName(0xff534d42)).toBe('cifs');
    expect(remoteFileSystemName(0xfe534d42)).toBe('smb2');
    expect(remoteFileSystemName(0x65735546)).toBe('fuse');
    expect(remoteFileSystemName(0x01021997)).toBe('9p');
    expect(remoteFileSystemName(0x5346414f)).toBe('afs');
    expect(remoteFileSystemName(0x73757245)).toBe('coda');
    expect(remoteFileSystemName(0x564c)).toBe('ncp');
  });

  it('reads a magic number that came back as a signed 32-bit value', () => {
    expect(remoteFileSystemName(0xff534d42 | 0)).toBe('cifs');
  });

  it('takes local disks for local', () => {
    expect(remoteFileSystemName(0xef53)).toBeUndefined(); // ext4
    expect(remoteFileSystemName(0x01021994)).toBeUndefined(); // tmpfs
    expect(remoteFileSystemName(0x9123683e)).toBeUndefined(); // btrfs
    expect(remoteFileSystemName(0)).toBeUndefined();
  });

  it('asks only Linux, and treats a path it cannot read as local', async () => {
    expect(await detectRemoteFileSystem(import.meta.dirname, 'darwin')).toBeUndefined();
    expect(await detectRemoteFileSystem(import.meta.dirname, 'win32')).toBeUndefined();
    expect(await detectRemoteFileSystem(join(import.meta.dirname, 'no such folder'), 'linux')).toBeUndefined();
  });
});
