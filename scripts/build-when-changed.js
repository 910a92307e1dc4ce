// What the captionist command and the web UI are built with: a build runs only when one of its
// inputs changed since the last one (npm install, npm test, npm start and `captionist serve` all
// ask), and swaps in its output only once it is complete.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** The checkout: every input and output path below is relative to it. */
export const root = join(import.meta.dirname, '..');

/**
 * A fingerprint of every file under `inputs` (files or folders, relative to `base`) from its
 * path, size and modification time: an edited, added, removed or restored file changes it, and
 * no file is read, so checking a few hundred files takes milliseconds.
 * @param {string} base
 * @param {readonly string[]} inputs
 * @returns {string}
 */
export function inputsFingerprint(base, inputs) {
  const hash = createHash('sha256');
  for (const input of inputs) {
    for (const file of filesUnder(join(base, input))) {
      const info = statSync(file);
      hash.update(`${relative(base, file)}\0${info.size}\0${info.mtimeMs}\n`);
    }
  }
  return hash.digest('hex');
}

/**
 * @param {string} path
 * @returns {string[]} the files at or below `path`, in a stable order; none when it does not exist
 */
function filesUnder(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .map((entry) => entry.name)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

/**
 * @typedef {object} Build
 * @property {string} name what is built, for messages ("the captionist command")
 * @property {readonly string[]} inputs files and folders the output is made from
 * @property {string} output the folder the build makes
 * @property {string} entry a file of the output that must exist (a half-deleted output is rebuilt)
 * @property {(folder: string) => Promise<void>} build writes the whole output into the empty `folder`
 * @property {string} [base] the folder paths are relative to; the checkout by default
 */

/**
 * Runs `build` unless the output exists and was built from inputs with the same fingerprint. The
 * build writes into a folder of its own that replaces the output once complete, so a failed build
 * leaves the last good one in place. Says so when it builds; returns whether it did.
 * @param {Build} options
 * @returns {Promise<boolean>}
 */
export async function buildWhenChanged({ name, inputs, output, entry, build, base = root }) {
  const outputDir = join(base, output);
  const stampFile = join(base, 'out', '.stamps', output.replaceAll('/', '-'));
  const fingerprint = inputsFingerprint(base, inputs);
  const stamp = existsSync(stampFile) ? readFileSync(stampFile, 'utf8') : null;
  if (stamp === fingerprint && existsSync(join(outputDir, entry))) return false;

  console.log(`Building ${name} into ${output} ...`);
  const started = Date.now();
  const partial = `${outputDir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    await build(partial);
    rmSync(outputDir, { recursive: true, force: true });
    renameSync(partial, outputDir);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  // Stamped with what the inputs were before building: an edit made meanwhile builds again next time.
  mkdirSync(dirname(stampFile), { recursive: true });
  writeFileSync(stampFile, fingerprint);
  console.log(`Built ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return true;
}
