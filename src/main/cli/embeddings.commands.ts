import type { EmbeddingsStatus } from '../../shared/embeddings';
import { answersAtOnce, price, UsageError, wholeNumber } from './args';
import { stopWork } from './caption.commands';
import type { CliCore, CommandContext, Io } from './main';
import { progressBar, usd } from './progress';
import { stopOnSignals } from './signals';

/** `captionist embeddings use NAME [--model M] | run [PATH...] | status`. */
export async function embeddingsCommand({ args, flags, json, openCore, io }: CommandContext): Promise<number | void> {
  const [subcommand, ...rest] = args;
  const print = (status: EmbeddingsStatus, lead: string) => io.stdout.write(json ? `${JSON.stringify(status)}\n` : `${lead}${describeStatus(status)}\n`);
  if (subcommand === 'use' && rest.length === 1) {
    const status = await openCore(answersAtOnce).invoke('embeddings:use', {
      provider: rest[0]!,
      model: flags.model,
      dimensions: wholeNumber('--dimensions', flags.dimensions, undefined, 1, 16_384),
      usdPerMillionTokens: price('--price-per-mtok-in', flags['price-per-mtok-in']),
    });
    print(status, `Searching by meaning with ${status.provider}'s model ${status.model}. `);
  } else if (subcommand === 'status' && rest.length === 0) {
    print(await openCore(answersAtOnce).invoke('embeddings:status', {}), '');
  } else if (subcommand === 'run') {
    return runCommand(rest, json, openCore(), io);
  } else {
    throw new UsageError('embeddings takes "use NAME [--model M] [--dimensions N] [--price-per-mtok-in USD]", "run [PATH...]" or "status"');
  }
}

/** `embeddings run`: a progress bar until done; Ctrl-C stops it once the request under way is stored. */
async function runCommand(paths: string[], json: boolean, core: CliCore, io: Io): Promise<number> {
  const bar = progressBar(io.stderr);
  let embedded = 0;
  const unsubscribe = core.on('embeddings:progress', (progress) => {
    embedded = progress.done;
    bar.update(progress);
  });
  const stop = stopOnSignals();
  stop.signal.addEventListener('abort', () => stopWork(core, io), { once: true });
  let status: EmbeddingsStatus;
  try {
    status = await core.invoke('embeddings:run', { paths });
  } finally {
    stop.dispose();
    unsubscribe();
    bar.finish();
  }
  const stopped = stop.signal.aborted;
  const words = stopped
    ? `Stopped: ${embedded} photo${embedded === 1 ? '' : 's'} embedded, ${status.pending} still waiting; run "captionist embeddings run" again to go on.`
    : describeStatus(status);
  io.stdout.write(`${json ? JSON.stringify(status) : words}\n`);
  return stopped ? 1 : 0;
}

function describeStatus(status: EmbeddingsStatus): string {
  if (!status.provider) return 'Search by meaning is not set up: choose a provider with "captionist embeddings use NAME [--model M]".';
  const dimensions = status.dimensions ? `, ${status.dimensions} dimensions` : '';
  const pending = status.pending ? ` ${status.pending} waiting: run "captionist embeddings run".` : '';
  const spent = ` Tokens: ${status.inputTokens.toLocaleString('en-US')}. Cost: ${usd(status.costUsd)}.`;
  return `${status.provider} / ${status.model}${dimensions}: ${status.embedded} photos embedded.${pending}${spent}`;
}
