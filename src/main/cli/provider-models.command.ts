import type { ProviderModelList } from '../../shared/captioning';
import { UsageError } from './args';
import type { CommandContext } from './main';

/** `provider models NAME`: what the server offers, through the same validated call the app makes. */
export async function providerModelsCommand({ args, json, openCore, io }: CommandContext): Promise<void> {
  if (args.length !== 1) throw new UsageError('provider models takes exactly one NAME');
  const list = await openCore().invoke('providers:models', { name: args[0]! });
  io.stdout.write(json ? `${JSON.stringify(list)}\n` : describeModels(list));
}

function describeModels(list: ProviderModelList): string {
  if (list.models.length === 0) return `The server of "${list.provider}" lists no models.\n`;
  const width = Math.max(...list.models.map((model) => model.id.length));
  const lines = list.models.map((model) =>
    [
      `  ${model.id.padEnd(width)}`,
      `images: ${model.vision === null ? 'unknown' : model.vision ? 'yes' : 'no'}`.padEnd('images: unknown'.length),
      model.name && model.name !== model.id ? model.name : '',
      list.model && isNamed(model.id, list.model) ? '(the provider uses this one)' : '',
    ]
      .filter(Boolean)
      .join('  ')
      .trimEnd(),
  );
  const count = list.models.length;
  const header = list.truncated
    ? `The server of "${list.provider}" offers more than ${count} models; the first ${count}:`
    : `The server of "${list.provider}" offers ${count} model${count === 1 ? '' : 's'}:`;
  const missing = list.model && !list.models.some((model) => isNamed(model.id, list.model!));
  return `${[header, ...lines, ...(missing ? [`The provider asks for "${list.model}", which is not among them.`] : [])].join('\n')}\n`;
}

/** Ollama lists a model asked for without a tag as its ":latest". */
function isNamed(id: string, model: string): boolean {
  return id === model || id === `${model}:latest`;
}
