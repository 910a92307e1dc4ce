// A plain Node process that starts the core host, indexes a folder through it and closes it; it
// must then end by itself, with nothing (a worker, ExifTool, a timer) holding it open.
import { startCoreHost } from '../../src/main/host/core-host';

const [dataDir, folder] = process.argv.slice(2) as [string, string];
const host = await startCoreHost({ core: { dataDir, concurrency: 2 } });
await host.invoke('library:addFolder', { path: folder });
const result = await host.invoke('library:index', { paths: [folder] });
process.stdout.write(`indexed ${result.added}\n`);
await host.close();
