import { open, mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Folder } from '../../src/shared/domain';
import { watchFolderTree } from '../../src/main/library/chokidar.adapter';
import type { FolderChange, FolderWatchOptions } from '../../src/main/library/chokidar.adapter';
import { fingerprintFile } from '../../src/main/base/fingerprint';
import { LibraryWatcher } from '../../src/main/library/library-watcher';
import type { LibraryWatcherDeps } from '../../src/main/library/library-watcher';
import { tempDir, writeJpeg } from '../helpers/files';
import { testLibrary, waitFor } from '../helpers/library';
import type { TestLibrary } from '../helpers/library';

/** Short enough for a test, long enough that a file written in 150 ms steps is not yet "written". */
const timings = { stabilityThresholdMs: 500, stabilityPollMs: 50, pollIntervalMs: 200 };

interface Harness {
  lib: TestLibrary;
  dir: string;
  folder: Folder;
  watcher: LibraryWatcher;
  indexed: { folderId: number; photoIds: number[] }[];
  notices: string[];
  changed: number[][];
  /** Every change chokidar reported, in order. */
  events: FolderChange[];
  /** The options of every chokidar watch started. */
  watches: FolderWatchOptions[];
}

async function watchedLibrary(
  setup: (dir: string) => Promise<void> = async () => {},
  deps: Partial<LibraryWatcherDeps> = {},
  batchDelayMs = 200,
): Promise<Harness> {
  const lib = testLibrary();
  const dir = tempDir();
  await setup(dir);
  const folder = lib.library.addFolder(dir);
  const harness = { lib, dir, folder, indexed: [], notices: [], changed: [], events: [], watches: [] } as Omit<Harness, 'watcher'>;
  const watcher = new LibraryWatcher(
    {
      listFolders: () => lib.folders.list(),
      indexer: lib.indexer,
      logger: lib.logger,
      now: () => new Date(),
      watchFolderTree: (root, options, handlers) => {
        harness.watches.push(options);
        return watchFolderTree(root, options, {
          ...handlers,
          onChange: (change) => {
            harness.events.push(change);
            handlers.onChange(change);
          },
        });
      },
      detectRemoteFileSystem: async () => undefined,
      onIndexed: (indexed) => harness.indexed.push(indexed),
      onNotice: (message) => harness.notices.push(message),
      onChanged: (folderIds) => harness.changed.push(folderIds),
      ...deps,
    },
    { batchDelayMs, maxBatchDelayMs: 5000, watch: timings },
  );
  onTestFinished(() => watcher.close());
  // With catch-up on (the default), starting indexes the folder once it is watched.
  await watcher.start();
  return { ...harness, watcher };
}

function addCaption(lib: TestLibrary, photoId: number, caption: string) {
  lib.db
    .prepare(
      `INSERT INTO captions (photo_id, version, source, caption, keywords, provider, model, status, created_at)
       VALUES (?, 1, 'generated', ?, '[]', 'test', 'test-model', 'draft', '2026-01-01T00:00:00Z')`,
    )
    .run(photoId, caption);
}

const captionOf = (lib: TestLibrary, photoId: number) =>
  lib.db.prepare('SELECT caption FROM captions WHERE photo_id = ?').pluck().get(photoId);

const photoRows = (lib: TestLibrary) =>
  lib.db.prepare('SELECT id, path, status, width, height, fingerprint FROM photos ORDER BY path').all() as {
    id: number;
    path: string;
    status: string;
    width: number;
    height: number;
    fingerprint: string;
  }[];

const presentAt = (lib: TestLibrary, path: string) => {
  const photo = lib.photos.findByPath(path);
  return photo?.status === 'present' ? photo : undefined;
};

async function jpegBytes(options: { width: number; height: number; seed: number }): Promise<Buffer> {
  const scratch = tempDir('captionist-scratch-');
  return readFile(await writeJpeg(join(scratch, 'photo.jpg'), options));
}

/** Writes `bytes` in `chunks` pieces with `pauseMs` between them, as a slow copy from a card would. */
async function writeSlowly(path: string, bytes: Buffer, chunks: number, pauseMs: number, between: () => void = () => {}) {
  const file = await open(path, 'w');
  try {
    const size = Math.ceil(bytes.length / chunks);
    for (let offset = 0; offset < bytes.length; offset += size) {
      await file.write(bytes.subarray(offset, offset + size));
      await file.sync();
      await delay(pauseMs);
      between();
    }
  } finally {
    await file.close();
  }
}

describe('watching library folders', () => {
  it('indexes a new photo once, only after it is completely written', async () => {
    const { lib, dir, folder, indexed } = await watchedLibrary();
    const path = join(dir, 'IMG_0100.jpg');
    const bytes = await jpegBytes({ width: 900, height: 600, seed: 5 });
    // Six pieces, 150 ms apart: each pause is shorter than the 500 ms stability threshold.
    await writeSlowly(path, bytes, 6, 150, () => expect(lib.photos.findByPath(path)).toBeUndefined());

    const photo = await waitFor('the new photo', () => presentAt(lib, path));
    expect(photo.fingerprint).toBe(await fingerprintFile(path));
    expect(photoRows(lib)).toEqual([expect.objectContaining({ path, width: 900, height: 600 })]);
    expect(lib.indexErrors.count()).toBe(0);
    expect(indexed).toEqual([{ folderId: folder.id, photoIds: [photo.id] }]);
  });

  it('re-indexes a photo that changes', async () => {
    let path = '';
    const { lib, folder, indexed } = await watchedLibrary(async (dir) => {
      path = await writeJpeg(join(dir, 'a.jpg'), { seed: 1, width: 320 });
    });
    const before = presentAt(lib, path)!;
    expect(before).toBeDefined();

    await writeJpeg(path, { seed: 7, width: 500, height: 300 });
    await waitFor('the new width', () => photoRows(lib)[0]?.width === 500);
    const [after] = photoRows(lib);
    expect(after).toMatchObject({ id: before.id, width: 500, height: 300, fingerprint: await fingerprintFile(path) });
    expect(indexed).toContainEqual({ folderId: folder.id, photoIds: [before.id] });
  });

  it('keeps the photo, and its caption, through a rename and a move into a subfolder', async () => {
    let original = '';
    const { lib, dir, changed, folder } = await watchedLibrary(async (dir) => {
      original = await writeJpeg(join(dir, 'IMG_0001.jpg'), { seed: 3 });
      await writeJpeg(join(dir, 'IMG_0002.jpg'), { seed: 4 });
    });
    const { id } = presentAt(lib, original)!;
    addCaption(lib, id, 'A vixen crossing the meadow');

    // The removal of the old name waits for the new name to settle, so the two meet in one batch
    // and the photo is never shown as missing in between.
    const statuses = new Set<string>();
    const status = () => lib.db.prepare('SELECT status FROM photos WHERE id = ?').pluck().get(id) as string;
    const renamed = join(dir, 'vixen.jpg');
    await rename(original, renamed);
    await waitFor('the renamed photo', () => statuses.add(status()) && presentAt(lib, renamed));
    expect(presentAt(lib, renamed)!.id).toBe(id);

    await mkdir(join(dir, 'Wildlife'));
    const moved = join(dir, 'Wildlife', 'vixen.jpg');
    await rename(renamed, moved);
    await waitFor('the moved photo', () => statuses.add(status()) && presentAt(lib, moved));
    expect([...statuses]).toEqual(['present']);

    expect(presentAt(lib, moved)!.id).toBe(id);
    expect(captionOf(lib, id)).toBe('A vixen crossing the meadow');
    expect(photoRows(lib).map((photo) => [photo.path, photo.status])).toEqual([
      [join(dir, 'IMG_0002.jpg'), 'present'],
      [moved, 'present'],
    ]);
    expect(changed).toContainEqual([folder.id]);
  });

  it('marks deleted photos missing, a deleted subfolder’s too, and finds them again when they return', async () => {
    let single = '';
    const { lib, dir } = await watchedLibrary(async (dir) => {
      single = await writeJpeg(join(dir, 'single.jpg'), { seed: 1 });
      await writeJpeg(join(dir, 'Trip', 'a.jpg'), { seed: 2 });
      await writeJpeg(join(dir, 'Trip', 'Day 2', 'b.jpg'), { seed: 3 });
    });
    const { id } = presentAt(lib, single)!;
    addCaption(lib, id, 'Lighthouse in fog');
    const kept = await readFile(single);

    await rm(single);
    await waitFor('single.jpg missing', () => lib.photos.findByPath(single)?.status === 'missing');
    await rm(join(dir, 'Trip'), { recursive: true });
    await waitFor('the trip missing', () => photoRows(lib).every((photo) => photo.status === 'missing'));
    expect(photoRows(lib)).toHaveLength(3);

    // The deleted photo comes back from a backup under another name: same record, caption intact.
    const restored = join(dir, 'restored.jpg');
    await writeFile(restored, kept);
    await waitFor('the restored photo', () => presentAt(lib, restored));
    expect(presentAt(lib, restored)!.id).toBe(id);
    expect(captionOf(lib, id)).toBe('Lighthouse in fog');
  });

  it('passes over temporary files, sidecars, hidden and system files', async () => {
    const { lib, dir, events } = await watchedLibrary();
    const jpeg = await jpegBytes({ width: 64, height: 48, seed: 9 });
    for (const name of [
      'IMG_0001.jpg.tmp',
      'IMG_0001.jpg_exiftool_tmp',
      'IMG_0001.jpg.part',
      'IMG_0001.jpg~',
      '~$IMG_0001.jpg',
      '.IMG_0001.jpg.aB3xYz',
      '.hidden.jpg',
      'Thumbs.db',
      'notes.txt',
    ]) {
      await writeFile(join(dir, name), jpeg);
    }
    await writeFile(join(dir, 'IMG_0001.xmp'), '<x:xmpmeta xmlns:x="adobe:ns:meta/"/>');
    await writeFile(join(dir, 'IMG_0001.JPG.XMP'), '<x:xmpmeta xmlns:x="adobe:ns:meta/"/>');
    await mkdir(join(dir, '@eaDir', 'IMG_0001.jpg'), { recursive: true });
    await writeFile(join(dir, '@eaDir', 'IMG_0001.jpg', 'SYNOPHOTO_THUMB_XL.jpg'), jpeg);
    await mkdir(join(dir, '.thumbnails'));
    await writeFile(join(dir, '.thumbnails', 'x.jpg'), jpeg);

    // A browser download: written under a temporary name, renamed when complete.
    const download = join(dir, 'download.jpg');
    await writeSlowly(`${download}.crdownload`, await jpegBytes({ width: 640, height: 480, seed: 2 }), 3, 100);
    await rename(`${download}.crdownload`, download);

    await waitFor('the download', () => presentAt(lib, download));
    // Give anything wrongly let through time to arrive too.
    await delay(timings.stabilityThresholdMs + 400);
    expect(photoRows(lib).map((photo) => photo.path)).toEqual([download]);
    expect(events.filter((event) => event.kind !== 'addDir').map((event) => event.path)).toEqual([download]);
    expect(lib.indexErrors.count()).toBe(0);
  });

  it('follows links as the walker does, once, without looping', async () => {
    const outside = tempDir();
    const { lib, dir, events } = await watchedLibrary(async (dir) => {
      await writeJpeg(join(dir, 'a', 'one.jpg'), { seed: 1 });
      await symlink(dir, join(dir, 'a', 'loop'));
      await symlink(join(dir, 'a'), join(dir, 'also-a'));
      await symlink(outside, join(dir, 'outside'));
    });
    const inside = await writeJpeg(join(dir, 'a', 'two.jpg'), { seed: 2 });
    await writeJpeg(join(outside, 'linked.jpg'), { seed: 3 });
    const linked = join(dir, 'outside', 'linked.jpg');
    await waitFor('both photos', () => presentAt(lib, inside) && presentAt(lib, linked));
    expect(events.filter((event) => event.kind !== 'addDir').map((event) => event.path).sort()).toEqual([inside, linked]);
  });

  it('records a bad file as an index error and keeps watching', async () => {
    const { lib, dir } = await watchedLibrary();
    const bad = join(dir, 'notes.jpg');
    await writeFile(bad, 'This is a shopping list, not a photo.\n');
    await waitFor('the index error', () => lib.indexErrors.count() === 1);
    expect(lib.indexErrors.list(10)).toEqual([
      { path: bad, message: 'This file is named like a photo but holds TXT data, so it was skipped.' },
    ]);

    // Replaced by a real photo: indexed, and its error is gone.
    await writeJpeg(bad, { seed: 4 });
    await waitFor('the repaired photo', () => presentAt(lib, bad));
    expect(lib.indexErrors.count()).toBe(0);
  });

  it('falls back to polling, with a notice, when the system runs out of watches', async () => {
    const limitReached = Object.assign(new Error('ENOSPC: System limit for number of file watchers reached, watch'), {
      code: 'ENOSPC',
    });
    let photo = '';
    const watches: FolderWatchOptions[] = [];
    const { lib, dir, folder, watcher, notices } = await watchedLibrary(
      async (dir) => {
        photo = await writeJpeg(join(dir, 'before.jpg'), { seed: 1 });
      },
      {
        // The real adapter on real files, made to fail the way inotify does at its limit.
        watchFolderTree: (root, options, handlers) => {
          watches.push(options);
          const watch = watchFolderTree(root, options, handlers);
          if (!options.usePolling) watch.simulateError(limitReached);
          return watch;
        },
      },
    );

    expect(notices).toEqual([
      `Watching ${dir} by polling every 0.2 s: the system's limit on watched folders was reached (raise fs.inotify.max_user_watches).`,
    ]);
    expect(watches.map((options) => options.usePolling)).toEqual([false, true]);
    expect(watcher.isPolling(folder.id)).toBe(true);
    // The catch-up after the switch indexed what was there already...
    expect(presentAt(lib, photo)).toBeDefined();
    // ...and polling sees what comes next.
    const later = await writeJpeg(join(dir, 'later.jpg'), { seed: 2 });
    await waitFor('the photo seen by polling', () => presentAt(lib, later));
  });

  it('polls from the start on a network drive, and says so', async () => {
    const { lib, dir, folder, watcher, notices, watches } = await watchedLibrary(async () => {}, {
      detectRemoteFileSystem: async () => 'nfs',
    });
    expect(notices).toEqual([`${dir} is on a network drive (nfs): checking for changes every 0.2 s.`]);
    expect(watches.map((options) => options.usePolling)).toEqual([true]);
    expect(watcher.isPolling(folder.id)).toBe(true);
    const path = await writeJpeg(join(dir, 'nas.jpg'));
    await waitFor('the photo seen by polling', () => presentAt(lib, path));
  });

  it('keeps the photos of a folder that goes offline, and watches it again when it is back', async () => {
    let photo = '';
    const { lib, dir, notices } = await watchedLibrary(async (dir) => {
      photo = await writeJpeg(join(dir, 'Shoot', 'a.jpg'), { seed: 1 });
    });
    // The drive is unplugged: the folder vanishes with everything in it.
    const unplugged = `${dir}-unplugged`;
    await rename(dir, unplugged);
    onTestFinished(() => rm(unplugged, { recursive: true, force: true }));
    await waitFor('the offline notice', () => notices.some((notice) => notice.includes('is not reachable')));
    expect(notices).toContain(
      `${dir} is not reachable (unplugged or unmounted?): its photos are kept, and watching resumes when it is back.`,
    );
    expect(photoRows(lib).map((row) => row.status)).toEqual(['present']);

    await rename(unplugged, dir);
    const added = join(dir, 'Shoot', 'b.jpg');
    await delay(timings.pollIntervalMs * 2);
    await writeJpeg(added, { seed: 2 });
    await waitFor('a photo added after the return', () => presentAt(lib, added));
    expect(presentAt(lib, photo)).toBeDefined();
  });

  it('close() indexes the batch already gathered and releases every watcher', async () => {
    const watchers = () =>
      process.getActiveResourcesInfo().filter((name) => name === 'FSEventWrap' || name === 'StatWatcher').length;
    const before = watchers();
    // A long batch delay: the photo's change is still waiting in the batch when close() comes.
    const { lib, dir, watcher, events } = await watchedLibrary(async () => {}, {}, 60_000);
    expect(watchers()).toBeGreaterThan(before);

    const path = await writeJpeg(join(dir, 'last.jpg'));
    await waitFor('the change to reach the batch', () => events.some((event) => event.path === path));
    expect(lib.photos.findByPath(path)).toBeUndefined();
    await watcher.close();
    expect(presentAt(lib, path)).toBeDefined();
    expect(watchers()).toBe(before);
  });
});

describe('indexing single files', () => {
  it('keeps a renamed photo whether its new name or its old name is handled first', async () => {
    const lib = testLibrary();
    const dir = tempDir();
    const first = await writeJpeg(join(dir, 'one.jpg'), { seed: 1 });
    const second = await writeJpeg(join(dir, 'two.jpg'), { seed: 2 });
    const folder = lib.library.addFolder(dir);
    const result = await lib.indexer.indexFiles(folder, [first, second]);
    expect(result).toMatchObject({ added: 2, errors: [] });
    const firstId = presentAt(lib, first)!.id;
    const secondId = presentAt(lib, second)!.id;
    expect(result.photoIds.sort()).toEqual([firstId, secondId].sort());

    // New name first, then the old one.
    const firstRenamed = join(dir, 'one renamed.jpg');
    await rename(first, firstRenamed);
    expect(await lib.indexer.indexFiles(folder, [firstRenamed])).toMatchObject({ moved: 1, photoIds: [firstId] });
    expect(lib.indexer.markMissing(folder, [first])).toBe(0);

    // Old name first, then the new one.
    const secondMoved = join(dir, 'Sub', 'two.jpg');
    await mkdir(join(dir, 'Sub'));
    await rename(second, secondMoved);
    expect(lib.indexer.markMissing(folder, [second])).toBe(1);
    expect(await lib.indexer.indexFiles(folder, [secondMoved])).toMatchObject({ moved: 1, photoIds: [secondId] });

    expect(photoRows(lib).map((row) => [row.id, row.path, row.status])).toEqual([
      [secondId, secondMoved, 'present'],
      [firstId, firstRenamed, 'present'],
    ]);
    // Unchanged files are skipped, yet named: another process watching the folder may have indexed
    // them first, and they may still wait for a caption from this one.
    const again = await lib.indexer.indexFiles(folder, [firstRenamed, secondMoved]);
    expect(again).toMatchObject({ unchanged: 2, added: 0, updated: 0, moved: 0 });
    expect(again.photoIds.sort()).toEqual([firstId, secondId].sort());
  });

  it('marks nothing missing while the library folder itself is unreachable', async () => {
    const lib = testLibrary();
    const dir = tempDir();
    const photo = await writeJpeg(join(dir, 'a.jpg'));
    const folder = lib.library.addFolder(dir);
    await lib.indexer.indexFiles(folder, [photo]);
    await rename(dir, `${dir}-away`);
    onTestFinished(() => rm(`${dir}-away`, { recursive: true, force: true }));
    expect(lib.indexer.markMissing(folder, [photo, dir])).toBe(0);
    expect(presentAt(lib, photo)).toBeDefined();
  });
});
