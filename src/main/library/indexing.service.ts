import type { Emit } from '../../shared/contract';
import type { IndexProgress, IndexResult } from '../../shared/domain';
import { pulse } from '../base/time';
import type { ChangeAnnouncer } from './change-announcer';
import type { LibraryService } from './library.service';

export interface IndexingServiceDeps {
  library: LibraryService;
  changes: ChangeAnnouncer;
  emit: Emit;
  now: () => Date;
  /** Settles what a crash left half done (an unrecorded write-back), or the indexer would take its file for someone else's edit. */
  beforeIndexing: () => Promise<void>;
}

/** An index run asked for by the user: `index:progress` events as it goes, the library announced changed at the end. */
export class IndexingService {
  constructor(private readonly deps: IndexingServiceDeps) {}

  async index(paths: readonly string[]): Promise<IndexResult> {
    const { library, emit } = this.deps;
    await this.deps.beforeIndexing();
    const due = pulse(this.deps.now);
    let phase: IndexProgress['phase'] | undefined;
    const result = await library.index(paths, (progress) => {
      // Every change of phase goes out: the first file indexed, as well as each folder listed.
      if (due(progress.phase !== phase || progress.phase !== 'indexing')) emit('index:progress', progress);
      phase = progress.phase;
    });
    this.deps.changes.everyFolder();
    return result;
  }
}
