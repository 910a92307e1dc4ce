import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { median } from './measure';

/**
 * How long the captionist command takes to answer, start to exit, on a small library: the
 * compiled bin for `--help`, `status --json` and `search WORD --json`, beside a bare `node -e ""`
 * (Node starting and doing nothing), and beside the same `status` run from the TypeScript sources
 * through tsx (how the bin started before it was compiled). The cases take turns in every round,
 * so a load that comes and goes on shared cores weighs on all of them alike.
 */
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '30' },
    photos: { type: 'string', default: '50' },
  },
});
const rounds = Number(values.rounds);
const photoCount = Number(values.photos);
const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'captionist.js');

// As npm install would have left it: compiled, and current.
execFileSync(process.execPath, [join(root, 'scripts', 'build-cli.js')], { stdio: 'inherit' });

const work = mkdtempSync(join(tmpdir(), 'captionist-bench-cli-'));
const home = join(work, 'home');
const library = join(work, 'photos');
mkdirSync(library, { recursive: true });
for (let i = 0; i < photoCount; i++) {
  const background = { r: (i * 37) % 256, g: (i * 91) % 256, b: (i * 53) % 256 };
  await sharp({ create: { width: 640, height: 480, channels: 3, background } })
    .jpeg()
    .toFile(join(library, `${i % 2 ? 'glacier' : 'puffin'} ${i}.jpg`));
}

const run = (args: string[]) => {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env: { ...process.env, CAPTIONIST_HOME: home }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  return ms;
};
run([bin, 'index', library]);

const fromSourceViaTsx = `const { main } = await import(${JSON.stringify(join(root, 'src/main/cli/main.ts'))});
process.exitCode = await main(['status', '--json'], process.env);`;
const cases: { name: string; args: string[]; goal?: number }[] = [
  { name: 'node -e "" (bare start)', args: ['-e', ''] },
  { name: 'captionist --help', args: [bin, '--help'], goal: 2 },
  { name: 'captionist status --json', args: [bin, 'status', '--json'], goal: 3 },
  { name: 'captionist search glacier --json', args: [bin, 'search', 'glacier', '--json'], goal: 3 },
  { name: 'status --json from source via tsx', args: ['--import', 'tsx', '--input-type=module', '-e', fromSourceViaTsx] },
];

const samples = new Map(cases.map((entry) => [entry.name, [] as number[]]));
for (let round = -2; round < rounds; round++) {
  for (const entry of cases) {
    const ms = run(entry.args);
    // Two rounds first to warm the file cache, not counted.
    if (round >= 0) samples.get(entry.name)!.push(ms);
  }
}
rmSync(work, { recursive: true, force: true });

const bare = median(samples.get(cases[0]!.name)!);
const percentile = (numbers: number[], p: number) => [...numbers].sort((a, b) => a - b)[Math.ceil((p / 100) * numbers.length) - 1]!;
process.stdout.write(
  `\n${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model.trim()}), ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${photoCount} photos, ${rounds} rounds, medians\n\n` +
    '| command | median | p90 | ratio to bare start | goal |\n| --- | ---: | ---: | ---: | ---: |\n',
);
for (const entry of cases) {
  const times = samples.get(entry.name)!;
  const ratio = median(times) / bare;
  const goal = entry.goal ? `${entry.goal}x ${ratio <= entry.goal ? 'met' : 'MISSED'}` : '';
  process.stdout.write(
    `| ${entry.name} | ${median(times).toFixed(1)} ms | ${percentile(times, 90).toFixed(1)} ms | ${ratio.toFixed(2)} | ${goal} |\n`,
  );
}
