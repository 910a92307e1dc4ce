import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { libraryFile, preparePrivateDataDir } from '../base/data-dir';
import { backupFileName, backupsDirOf, takeBackupNow, writeBackupNow } from '../db/backups';
import { openDatabase } from '../db/database';
import { restoreLibrary, summarise } from '../db/restore';
import type { LibrarySummary } from '../db/restore';
import { formatBytes } from '../../shared/bytes';
import { UserError } from '../base/errors';
import { UsageError } from './args';

interface BackupCommandContext {
  args: string[];
  flags: { out?: string };
  json: boolean;
  dataDir: string;
  io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream };
}

export const backupCommands: Record<string, (context: BackupCommandContext) => Promise<number | void>> = {
  async backup({ args, flags, json, dataDir, io }) {
    if (args.length) throw new UsageError('backup takes no arguments; name the file with --out FILE');
    const file = libraryFile(dataDir);
    if (!existsSync(file)) throw new UserError(`There is no library in ${dataDir} to back up.`);
    preparePrivateDataDir(dataDir);
    const db = openDatabase(file);
    try {
      const takenAt = new Date();
      let path: string;
      if (flags.out) {
        path = outFile(flags.out, takenAt);
        writeBackupNow(db, path);
      } else {
        path = takeBackupNow(db, backupsDirOf(file), 'manual', takenAt).path;
      }
      const summary = summarise(db);
      const bytes = statSync(path).size;
      io.stdout.write(
        json
          ? `${JSON.stringify({ path, bytes, ...summary })}\n`
          : `Backed up the library (${describeContents(summary)}) to ${path} (${formatBytes(bytes)}).\n`,
      );
    } finally {
      db.close();
    }
  },

  async restore({ args, json, dataDir, io }) {
    if (args.length !== 1) throw new UsageError('restore takes exactly one backup FILE');
    preparePrivateDataDir(dataDir);
    const result = restoreLibrary(libraryFile(dataDir), args[0]!);
    io.stdout.write(
      json
        ? `${JSON.stringify(result)}\n`
        : `Restored the library ${result.library} from ${result.from} (${describeContents(result)}, database version ${result.version}).\n` +
            (result.keptAs ? `The library as it was is kept as ${result.keptAs}.\n` : ''),
    );
  },
};

/** `--out`: a new file, or a new file in a folder; an existing file is never overwritten. */
function outFile(out: string, takenAt: Date): string {
  const path = resolve(out);
  if (existsSync(path) && statSync(path).isDirectory()) return join(path, backupFileName(takenAt, 'manual'));
  if (existsSync(path)) throw new UserError(`${path} exists already; choose a new file name for the backup.`);
  if (!existsSync(dirname(path))) throw new UserError(`There is no folder ${dirname(path)} to write the backup into.`);
  return path;
}

function describeContents(summary: LibrarySummary): string {
  const plural = (count: number, word: string) => `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;
  return `${plural(summary.photos, 'photo')}, ${plural(summary.captions, 'caption')}`;
}
