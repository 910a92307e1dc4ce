// Readies this checkout to run or package the Electron app (run by npm start, dev and package):
// 1. downloads the Electron binary if npm install skipped it (ELECTRON_SKIP_BINARY_DOWNLOAD);
// 2. builds better-sqlite3 for Electron's ABI into build/native/, leaving node_modules/better-sqlite3
//    alone, since the CLI and the tests need its Node build.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const electronDir = dirname(require.resolve('electron/package.json'));
const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
const nativeDir = join(root, 'build', 'native');
const binding = join(nativeDir, 'better_sqlite3.node');
const marker = join(nativeDir, '.electron-version');

try {
  ensureElectronBinary();
  ensureSqliteBinding();
} catch (error) {
  console.error(`prepare-electron: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

function ensureElectronBinary() {
  if (existsSync(join(electronDir, 'path.txt'))) return;
  console.log('Downloading the Electron binary (npm install skipped it)…');
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const installed = run(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, env });
  if (!installed || !existsSync(join(electronDir, 'path.txt'))) {
    fail('Could not download the Electron binary. Check the network (or HTTPS_PROXY) and run this again.');
  }
}

function ensureSqliteBinding() {
  const electronVersion = packageVersion(electronDir);
  // The binding must match Electron's ABI and better-sqlite3's own JavaScript, on this platform.
  const wanted = `electron ${electronVersion}, better-sqlite3 ${packageVersion(sqliteDir)}, ${process.platform}-${process.arch}`;
  if (existsSync(binding) && existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return;

  console.log(`Getting better-sqlite3 for ${wanted}…`);
  const workDir = mkdtempSync(join(tmpdir(), 'captionist-sqlite-'));
  try {
    // A copy of the package without its build/, so the Node build in node_modules stays untouched.
    for (const entry of ['package.json', 'binding.gyp', 'lib', 'src', 'deps']) {
      cpSync(join(sqliteDir, entry), join(workDir, entry), { recursive: true });
    }
    const built = join(workDir, 'build', 'Release', 'better_sqlite3.node');
    // An npm `nodedir` setting (inherited as npm_config_nodedir) would make node-gyp build against Node's headers.
    const env = { ...process.env };
    delete env.npm_config_nodedir;
    const prebuildInstall = createRequire(join(sqliteDir, 'package.json')).resolve('prebuild-install/bin.js');
    const downloaded =
      run(
        process.execPath,
        [prebuildInstall, '--runtime', 'electron', '--target', electronVersion, '--arch', process.arch, '--platform', process.platform],
        { cwd: workDir, env },
      ) && existsSync(built);
    if (!downloaded) {
      console.log('No prebuilt better-sqlite3 for this Electron; compiling it (needs Python 3 and a C++ compiler)…');
      const compiled =
        run(
          process.execPath,
          [
            require.resolve('node-gyp/bin/node-gyp.js'),
            'rebuild',
            '--release',
            '--runtime=electron',
            `--target=${electronVersion}`,
            `--arch=${process.arch}`,
            '--dist-url=https://electronjs.org/headers',
            // Electron's headers apart from Node's, as @electron/rebuild keeps them.
            `--devdir=${join(homedir(), '.electron-gyp')}`,
          ],
          { cwd: workDir, env },
        ) && existsSync(built);
      if (!compiled) {
        fail(
          `Could not get better-sqlite3 for Electron ${electronVersion}: no prebuilt binary could be downloaded and ` +
            'compiling it failed (see the output above). Install Python 3 and a C++ toolchain ' +
            '(build-essential, Xcode Command Line Tools or Visual Studio Build Tools) and run this again.',
        );
      }
    }
    mkdirSync(nativeDir, { recursive: true });
    copyFileSync(built, binding);
    writeFileSync(marker, wanted);
    console.log(`Wrote ${binding}`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** @param {string} dir */
function packageVersion(dir) {
  /** @type {{ version: string }} */
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return pkg.version;
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {import('node:child_process').SpawnSyncOptions} options
 * @returns {boolean} whether the command ran and exited with 0
 */
function run(command, args, options) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) console.error(`${command}: ${result.error.message}`);
  return result.status === 0;
}

/**
 * Throws rather than exits, so the temporary build folder is still removed.
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  throw new Error(message);
}
