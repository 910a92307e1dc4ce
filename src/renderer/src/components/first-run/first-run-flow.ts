import type { CostEstimate, ProviderSettings, ProviderType } from '../../../../shared/captioning';
import type { IndexResult } from '../../../../shared/domain';
import { formatUsd } from '../../../../shared/money';
import { presetChoice } from '../settings/provider-form';

export const firstRunSteps = ['Choose a provider', 'Choose a folder', 'Caption it', 'Done'] as const;

export interface ProviderChoice {
  /** Also the provider's name once saved. */
  id: string;
  label: string;
  local: boolean;
  type: ProviderType;
  preset?: string;
  description: string;
}

export const providerChoices: ProviderChoice[] = [
  { id: 'inference-net', label: 'Inference.net', local: false, type: 'openai-compatible', preset: 'inference-net', description: 'Cloud; low cost per photo, with a Batch API for large libraries.' },
  { id: 'openai', label: 'OpenAI', local: false, type: 'openai-compatible', preset: 'openai', description: 'Cloud; GPT-4o mini by default.' },
  { id: 'anthropic', label: 'Anthropic', local: false, type: 'anthropic', description: 'Cloud; Claude.' },
  { id: 'ollama', label: 'Ollama', local: true, type: 'openai-compatible', preset: 'ollama', description: 'On this computer; free and private, slower.' },
  { id: 'lmstudio', label: 'LM Studio', local: true, type: 'openai-compatible', preset: 'lmstudio', description: 'On this computer; free and private, slower.' },
];

/** The address a local server usually listens on, to prefill its field. */
export function defaultBaseUrl(choice: ProviderChoice): string {
  return (choice.local && presetChoice(choice.preset)?.baseUrl) || '';
}

/** What to save for the chosen provider: its preset, and the address and model only when typed. */
export function settingsForChoice(choice: ProviderChoice, baseUrl: string, model: string): ProviderSettings {
  const settings: ProviderSettings = { name: choice.id, type: choice.type };
  if (choice.preset) settings.preset = choice.preset;
  if (choice.local && baseUrl.trim()) settings.baseUrl = baseUrl.trim();
  if (model.trim()) settings.model = model.trim();
  return settings;
}

export function indexSummary(folderName: string, result: IndexResult): string {
  const found = result.added + result.updated + result.unchanged + result.moved;
  const photos = `${found.toLocaleString()} ${found === 1 ? 'photo' : 'photos'}`;
  const failed = result.errors.length;
  const unreadable = failed > 0 ? `; ${failed.toLocaleString()} ${failed === 1 ? 'file' : 'files'} could not be read` : '';
  return `Found ${photos} in ${folderName}${unreadable}.`;
}

export function estimateText(estimate: CostEstimate): string {
  if (estimate.photos === 0) return 'Every photo in this folder already has a caption.';
  const photos = `${estimate.photos.toLocaleString()} ${estimate.photos === 1 ? 'photo' : 'photos'}`;
  if (estimate.costUsd === null) return `${photos} to caption. No price is set for this provider, so the cost is not known.`;
  return `${photos} to caption, about ${formatUsd(estimate.costUsd)}.`;
}
