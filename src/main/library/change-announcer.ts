import type { Emit } from '../../shared/contract';
import { throttle } from '../base/time';

/**
 * The one place that emits `library:changed`: the UI refreshes the folders named. Changes made by
 * queue jobs (a caption made, metadata written) are gathered and announced together at most twice
 * a second, whoever queued them.
 */
export class ChangeAnnouncer {
  private readonly pending = new Set<number>();
  private readonly announcePending = throttle(() => {
    if (this.pending.size === 0) return;
    const folderIds = [...this.pending];
    this.pending.clear();
    this.emit('library:changed', { folderIds });
  }, 500);

  constructor(
    private readonly emit: Emit,
    private readonly allFolderIds: () => number[],
  ) {}

  folders(folderIds: number[]): void {
    this.emit('library:changed', { folderIds });
  }

  /** After work whose reach is the whole library (an index, a write-back, a caption run). */
  everyFolder(): void {
    this.folders(this.allFolderIds());
  }

  /** A photo of this folder changed; announced with the others of the next half second. */
  soon(folderId: number): void {
    this.pending.add(folderId);
    this.announcePending();
  }

  close(): void {
    this.announcePending.cancel();
  }
}
