import { ProviderTypeSchema, providerTypes } from '../../shared/captioning';
import type { ProviderSummary } from '../../shared/captioning';
import { price, UsageError, wholeNumber } from './args';
import type { Command, CommandContext } from './main';
import { formatSeconds } from '../../shared/duration';
import { formatUsd } from '../../shared/money';
import { usd } from './progress';
import { providerModelsCommand } from './provider-models.command';
import { describeRemovedProvider } from './queue.commands';

/** `provider add|list|test|models|remove`. */
export async function providerCommand(context: CommandContext): Promise<number | void> {
  const [subcommand, ...args] = context.args;
  const run = subcommand ? providerCommands[subcommand] : undefined;
  if (!run) throw new UsageError('provider takes add, list, test, models or remove');
  return run({ ...context, args });
}

const providerCommands: Record<string, Command> = {
  async add({ args, flags, json, openCore, io }) {
    if (args.length !== 1) throw new UsageError('provider add takes exactly one NAME');
    if (!flags.type) throw new UsageError(`provider add needs --type (${providerTypes.join(', ')})`);
    const type = ProviderTypeSchema.safeParse(flags.type);
    if (!type.success) throw new UsageError(`--type takes one of: ${providerTypes.join(', ')}`);
    const seconds = wholeNumber('--timeout', flags.timeout, undefined, 1, 3600);
    const perImageUsd = price('--price-per-image', flags['price-per-image']);
    const perMillionInputTokensUsd = price('--price-per-mtok-in', flags['price-per-mtok-in']);
    const perMillionOutputTokensUsd = price('--price-per-mtok-out', flags['price-per-mtok-out']);
    const pricing = Object.fromEntries(
      Object.entries({ perImageUsd, perMillionInputTokensUsd, perMillionOutputTokensUsd }).filter(([, value]) => value !== undefined),
    );
    const config = await openCore().invoke('providers:save', {
      name: args[0]!,
      type: type.data,
      preset: flags.preset,
      baseUrl: flags['base-url'],
      batchBaseUrl: flags['batch-base-url'],
      model: flags.model,
      apiKeyEnv: flags['api-key-env'],
      concurrency: wholeNumber('--concurrency', flags.concurrency, undefined, 1, 64),
      imageLongEdge: wholeNumber('--image-size', flags['image-size'], undefined, 256, 4096),
      timeoutMs: seconds === undefined ? undefined : seconds * 1000,
      syncMode: flags.sync || undefined,
      pricing: Object.keys(pricing).length ? pricing : undefined,
      budgetUsd: price('--budget', flags.budget) || undefined,
    });
    io.stdout.write(
      json
        ? `${JSON.stringify(config)}\n`
        : `Saved provider "${config.name}" (${config.type}${config.preset ? `, preset ${config.preset}` : ''}) at ${config.baseUrl}` +
            `${config.model ? `, model ${config.model}` : ''}.\n` +
            (config.apiKeyEnv ? `Its API key is read from the environment variable ${config.apiKeyEnv}.\n` : '') +
            `Check it with "captionist provider test ${config.name}".\n`,
    );
  },

  async list({ args, json, openCore, io }) {
    if (args.length) throw new UsageError('provider list takes no arguments');
    const providers = await openCore().invoke('providers:list', {});
    io.stdout.write(json ? `${JSON.stringify(providers)}\n` : describeProviders(providers));
  },

  async test({ args, json, openCore, io }) {
    if (args.length !== 1) throw new UsageError('provider test takes exactly one NAME');
    const result = await openCore().invoke('providers:test', { name: args[0]! });
    if (json) io.stdout.write(`${JSON.stringify(result)}\n`);
    else if (result.ok) {
      io.stdout.write(
        `${result.provider} works (${result.model ?? 'default model'}, ${formatSeconds(result.latencyMs)}` +
          `${result.costUsd !== null ? `, ${formatUsd(result.costUsd)}` : ''}).\n` +
          `  Caption:  ${result.caption.caption}\n  Alt text: ${result.caption.altText}\n` +
          `  Keywords: ${result.caption.keywords.join(', ')}\n`,
      );
    } else {
      io.stderr.write(`captionist: ${result.message}\n${result.hint}\n`);
    }
    return result.ok ? 0 : 1;
  },

  models: providerModelsCommand,

  async remove({ args, json, openCore, io }) {
    if (args.length !== 1) throw new UsageError('provider remove takes exactly one NAME');
    const jobs = await openCore().invoke('providers:remove', { name: args[0]! });
    io.stdout.write(json ? `${JSON.stringify(jobs)}\n` : describeRemovedProvider(args[0]!, jobs));
  },
};

function describeProviders(providers: ProviderSummary[]): string {
  if (!providers.length) return 'No providers yet. Add one with "captionist provider add NAME --type ...".\n';
  return providers
    .map(
      (provider) =>
        `${provider.name}  ${provider.type}${provider.preset ? ` (${provider.preset})` : ''}  ${provider.baseUrl}` +
        `${provider.model ? `  model ${provider.model}` : ''}\n` +
        `    key: ${provider.apiKeySource ?? (provider.requiresApiKey ? 'none configured' : 'not needed')}; ` +
        `concurrency ${provider.concurrency}; ${provider.captions} captions, ` +
        `${provider.inputTokens} input and ${provider.outputTokens} output tokens, spent ${usd(provider.costUsd)}` +
        `${provider.budgetUsd ? ` of a ${formatUsd(provider.budgetUsd)} budget` : ''}`,
    )
    .join('\n')
    .concat('\n');
}
