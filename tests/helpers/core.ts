import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { createCore } from '../../src/main/core';
import type { Core, CoreOptions } from '../../src/main/core';
import { Derivatives } from '../../src/main/images/derivatives';
import { SharpAdapter } from '../../src/main/images/sharp.adapter';
import { ExifToolAdapter } from '../../src/main/metadata/exiftool.adapter';
import type { LaneStatus } from '../../src/shared/queue';
import { tempDir } from './files';

/** A core and the data folder it keeps its files in, for tests that look at those files. */
export interface TestCore extends Core {
  dataDir: string;
}

/** A core on a fresh data folder, closed when the current test finishes. */
export function testCore(options: Partial<CoreOptions> = {}): TestCore {
  const dataDir = options.dataDir ?? tempDir('captionist-home-');
  const core = createCore({ concurrency: 2, ...options, dataDir });
  onTestFinished(() => core.close());
  return { invoke: core.invoke, close: core.close, dataDir };
}

/** A provider's lane as `queue:status` reports it. */
export async function laneOf(core: Core, kind: LaneStatus['kind'], provider: string, viaBatch = false): Promise<LaneStatus | undefined> {
  const { lanes } = await core.invoke('queue:status', {});
  return lanes.find((lane) => lane.kind === kind && lane.viaBatch === viaBatch && lane.provider?.toLowerCase() === provider.toLowerCase());
}

/** The core's derivative cache, opened beside it with adapters of its own (closed when the test finishes). */
export function derivativesOf(core: TestCore): Derivatives {
  const metadata = new ExifToolAdapter({ maxProcs: 1 });
  onTestFinished(() => metadata.end());
  return new Derivatives(join(core.dataDir, 'cache'), new SharpAdapter({ limitInputPixels: 250_000_000 }), metadata);
}
