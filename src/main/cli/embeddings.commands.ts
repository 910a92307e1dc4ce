import type { EmbeddingsStatus } from '../../shared/embeddings';
import { answersAtOnce, UsageError } from './args';
import type { CommandContext } from './main';
import { progressBar } from './progress';

/** `captionist embeddings use NAME [--model M] | run [PATH...] | status`. */
export async function embeddingsCommand({ args, flags, json, openCore, io }: CommandContext): Promise<void> {
  const [subcommand, ...rest] = args;
  const print = (status: EmbeddingsStatus, lead: string) => io.stdout.write(json ? `${JSON.stringify(status)}\n` : `${lead}${describeStatus(status)}\n`);
  if (subcommand === 'use' && rest.length === 1) {
    const status = await openCore(answersAtOnce).invoke('embeddings:use', { provider: rest[0]!, model: flags.model });
    print(status, `Searching by meaning with ${status.provider}'s model ${status.model}. `);
  } else if (subcommand === 'status' && rest.length === 0) {
    print(await openCore(answersAtOnce).invoke('embeddings:status', {}), '');
  } else if (subcommand === 'run') {
    const core = openCore();
    const bar = progressBar(io.stderr);
    const unsubscribe = core.on('embeddings:progress', (progress) => bar.update(progress));
    try {
      print(await core.invoke('embeddings:run', { paths: rest }), '');
    } finally {
      unsubscribe();
      bar.finish();
    }
  } else {
    throw new UsageError('embeddings takes "use NAME [--model M]", "run [PATH...]" or "status"');
  }
}

function describeStatus(status: EmbeddingsStatus): string {
  if (!status.provider) return 'Search by meaning is not set up: choose a provider with "captionist embeddings use NAME [--model M]".';
  const dimensions = status.dimensions ? `, ${status.dimensions} dimensions` : '';
  const pending = status.pending ? ` ${status.pending} waiting: run "captionist embeddings run".` : '';
  return `${status.provider} / ${status.model}${dimensions}: ${status.embedded} photos embedded.${pending}`;
}
