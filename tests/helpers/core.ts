import { onTestFinished } from 'vitest';
import { createCore } from '../../src/main/core';
import type { Core, CoreOptions } from '../../src/main/core';
import { tempDir } from './files';

/** A core on a fresh data folder, closed when the current test finishes. */
export function testCore(options: Partial<CoreOptions> = {}): Core {
  const core = createCore({ dataDir: tempDir('captionist-home-'), concurrency: 2, ...options });
  onTestFinished(() => core.close());
  return core;
}
