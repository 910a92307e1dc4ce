import { resolve } from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { codeLayering } from '../../eslint-code-layering.js';

const mainDir = resolve('src/main');

/** The layering errors ESLint reports for `code` as if it were the file at `path` under src/main. */
function layeringErrors(path: string, code: string): string[] {
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser as Linter.Parser },
        plugins: { captionist: { rules: { 'code-layering': codeLayering } } },
        rules: { 'captionist/code-layering': ['error', { mainDir }] },
      },
    ],
    { filename: resolve(mainDir, path) },
  );
  return messages.map((message) => message.message);
}

describe('the layering lint rule', () => {
  it('refuses an import from a higher layer, a type import included', () => {
    expect(layeringErrors('db/photos.repo.ts', "import { QueueService } from '../queue/queue.service';")).toEqual([
      expect.stringMatching(/^src\/main\/db may not import src\/main\/queue: queue is a higher layer/),
    ]);
    expect(layeringErrors('base/time.ts', "import type { Emit } from '../handlers/handler-table';")).toHaveLength(1);
    expect(layeringErrors('images/derivatives.ts', "export { Indexer } from '../library/indexer';")).toHaveLength(1);
    expect(layeringErrors('metadata/export.ts', "const load = () => import('../captions/cost');")).toHaveLength(1);
  });

  it('refuses an import between two folders of one layer, and from a file directly in src/main that is not core.ts', () => {
    expect(layeringErrors('metadata/export.ts', "import type { HttpClient } from '../providers/http';")).toEqual([
      expect.stringMatching(/must not know each other/),
    ]);
    expect(layeringErrors('captions/cost.ts', "import { SearchService } from '../search/search.service';")).toHaveLength(1);
    expect(layeringErrors('helper.ts', "import { Indexer } from './library/indexer';")).toHaveLength(1);
  });

  it('lets a folder import its own files, lower layers and the shared contract', () => {
    expect(layeringErrors('captions/cost.ts', "import { x } from './prompt';\nimport { y } from '../db/jobs.repo';\nimport { z } from '../base/time';")).toEqual([]);
    expect(layeringErrors('cli/main.ts', "import { createCore } from '../core';\nimport { calls } from '../../shared/contract';")).toEqual([]);
    expect(layeringErrors('core.ts', "import { appHandlers } from './handlers/app.handlers';")).toEqual([]);
  });

  it('asks for a layer for a folder it does not know', () => {
    expect(layeringErrors('newfolder/thing.ts', "import { x } from '../db/jobs.repo';")).toEqual([
      expect.stringMatching(/^src\/main\/newfolder has no layer/),
    ]);
  });
});
