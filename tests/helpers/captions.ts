import Sqlite from 'better-sqlite3';
import { join } from 'node:path';
import { CaptionsRepository } from '../../src/main/db/captions.repo';
import type { CaptionFields } from '../../src/shared/captioning';
import type { CaptionStatus } from '../../src/shared/domain';
import type { TestCore } from './core';

export interface TestCaption extends Partial<CaptionFields> {
  status?: CaptionStatus;
  provider?: string;
  model?: string | null;
}

/** Stores a caption version for each photo path, as a caption run would, through the captions repository. */
export function addCaptions(core: TestCore, captions: Record<string, TestCaption>): Map<string, number> {
  const db = new Sqlite(join(core.dataDir, 'library.db'));
  const ids = new Map<string, number>();
  try {
    const repo = new CaptionsRepository(db);
    for (const [path, caption] of Object.entries(captions)) {
      const photoId = db.prepare('SELECT id FROM photos WHERE path = ?').pluck().get(path) as number | undefined;
      if (photoId === undefined) throw new Error(`not indexed: ${path}`);
      const captionId = repo.insertGenerated({
        photoId,
        runId: null,
        fields: {
          title: caption.title ?? null,
          caption: caption.caption ?? 'A caption',
          altText: caption.altText ?? 'Alt text',
          longDescription: caption.longDescription ?? null,
          keywords: caption.keywords ?? [],
        },
        provider: caption.provider ?? 'local',
        model: caption.model === undefined ? 'vision-test-1' : caption.model,
        prompt: 'p',
        promptVersion: '1',
        options: { detail: 'medium', includeFolderName: true, includePlace: true },
        inputTokens: null,
        outputTokens: null,
        costUsd: null,
        createdAt: '2026-11-21T09:30:00.000Z',
      });
      if (caption.status) db.prepare('UPDATE captions SET status = ? WHERE id = ?').run(caption.status, captionId);
      ids.set(path, photoId);
    }
  } finally {
    db.close();
  }
  return ids;
}

/** Reads one column of the library database (a second connection; WAL lets both in). */
export function queryLibrary<T>(core: TestCore, sql: string, ...params: unknown[]): T[] {
  const db = new Sqlite(join(core.dataDir, 'library.db'), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
