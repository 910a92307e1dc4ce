import {
  ProviderSettingsSchema,
  type ProviderSettings,
  type ProviderSummary,
  type ProviderType,
} from '../../../../shared/captioning';

/**
 * The OpenAI-compatible presets the core knows (src/main/providers/presets.ts, which the renderer
 * may not import): the name the core takes, a label, and for local servers the address they listen
 * on, so a form can show it. tests/unit/provider-form.test.ts keeps this list in step with the core's.
 */
export const presetChoices = [
  { preset: 'inference-net', label: 'Inference.net', local: false, baseUrl: 'https://api.inference.net/v1' },
  { preset: 'openai', label: 'OpenAI', local: false, baseUrl: 'https://api.openai.com/v1' },
  { preset: 'gemini', label: 'Gemini', local: false, baseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai' },
  { preset: 'openrouter', label: 'OpenRouter', local: false, baseUrl: 'https://openrouter.ai/api/v1' },
  { preset: 'ollama', label: 'Ollama', local: true, baseUrl: 'http://localhost:11434/v1' },
  { preset: 'lmstudio', label: 'LM Studio', local: true, baseUrl: 'http://localhost:1234/v1' },
  { preset: 'llamacpp', label: 'llama.cpp server', local: true, baseUrl: 'http://localhost:8080/v1' },
  { preset: 'vllm', label: 'vLLM', local: true, baseUrl: 'http://localhost:8000/v1' },
] as const;

export type PresetChoice = (typeof presetChoices)[number];

export function presetChoice(preset: string | undefined): PresetChoice | undefined {
  return presetChoices.find((choice) => choice.preset === preset);
}

export const providerTypeLabels: Record<ProviderType, string> = {
  'openai-compatible': 'OpenAI-compatible',
  wavespeed: 'WaveSpeed',
  apiverve: 'APIVerve',
  modelslab: 'ModelsLab',
  anthropic: 'Anthropic',
};

/** The provider form as typed; empty text means "the preset's or the type's default". */
export interface ProviderForm {
  name: string;
  type: ProviderType;
  /** '' for none. */
  preset: string;
  baseUrl: string;
  model: string;
  concurrency: string;
  budgetUsd: string;
  perImageUsd: string;
  perMillionInputTokensUsd: string;
  perMillionOutputTokensUsd: string;
}

export type ProviderFormField = keyof ProviderForm;
export type ProviderFormErrors = Partial<Record<ProviderFormField, string>>;

export function emptyProviderForm(): ProviderForm {
  return {
    name: '',
    type: 'openai-compatible',
    preset: 'inference-net',
    baseUrl: '',
    model: '',
    concurrency: '',
    budgetUsd: '',
    perImageUsd: '',
    perMillionInputTokensUsd: '',
    perMillionOutputTokensUsd: '',
  };
}

const text = (value: number | undefined) => (value === undefined ? '' : String(value));

export function formFromProvider(provider: ProviderSummary): ProviderForm {
  return {
    name: provider.name,
    type: provider.type,
    preset: provider.preset ?? '',
    baseUrl: provider.baseUrl,
    model: provider.model ?? '',
    concurrency: String(provider.concurrency),
    budgetUsd: text(provider.budgetUsd),
    perImageUsd: text(provider.pricing.perImageUsd),
    perMillionInputTokensUsd: text(provider.pricing.perMillionInputTokensUsd),
    perMillionOutputTokensUsd: text(provider.pricing.perMillionOutputTokensUsd),
  };
}

type NumberField = 'concurrency' | 'budgetUsd' | 'perImageUsd' | 'perMillionInputTokensUsd' | 'perMillionOutputTokensUsd';

/** A number typed in a field, or undefined when left empty; NaN when it is not a number. */
function numberFrom(value: string): number | undefined {
  const trimmed = value.trim().replace(/^\$/, '');
  if (trimmed === '') return undefined;
  return /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** What the form asks the core to save, or what is wrong, field by field. */
export function settingsFromForm(form: ProviderForm): { settings: ProviderSettings } | { errors: ProviderFormErrors } {
  const errors: ProviderFormErrors = {};
  const numbers: Partial<Record<NumberField, number>> = {};
  for (const field of ['concurrency', 'budgetUsd', 'perImageUsd', 'perMillionInputTokensUsd', 'perMillionOutputTokensUsd'] as const) {
    const value = numberFrom(form[field]);
    if (Number.isNaN(value)) errors[field] = 'Enter a number such as 4 or 0.25, or leave it empty.';
    else numbers[field] = value;
  }
  const pricing = {
    perImageUsd: numbers.perImageUsd,
    perMillionInputTokensUsd: numbers.perMillionInputTokensUsd,
    perMillionOutputTokensUsd: numbers.perMillionOutputTokensUsd,
  };
  const candidate = {
    name: form.name.trim(),
    type: form.type,
    preset: form.type === 'openai-compatible' && form.preset ? form.preset : undefined,
    baseUrl: form.baseUrl.trim() || undefined,
    model: form.model.trim() || undefined,
    concurrency: numbers.concurrency,
    budgetUsd: numbers.budgetUsd,
    pricing: Object.values(pricing).some((price) => price !== undefined) ? pricing : undefined,
  };
  const parsed = ProviderSettingsSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const top = issue.path[0];
      const field = (top === 'pricing' ? issue.path[1] : top) as ProviderFormField;
      errors[field] ??= fieldIssueText(field, issue.code, issue.message);
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { errors };
  return { settings: stripUndefined(parsed.data) };
}

function fieldIssueText(field: ProviderFormField, code: string, message: string): string {
  if (field === 'concurrency' && (code === 'too_small' || code === 'too_big' || code === 'invalid_type')) {
    return 'Concurrency is a whole number from 1 to 64.';
  }
  if (field === 'budgetUsd' && code === 'too_small') return 'A budget must be more than $0; leave it empty for none.';
  if (field === 'name' && message) return capitalise(message) + '.';
  return capitalise(message);
}

function capitalise(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

/** A provider's price in words for the list. */
export function pricingText(pricing: ProviderSummary['pricing']): string {
  const parts: string[] = [];
  if (pricing.perImageUsd !== undefined) parts.push(`$${pricing.perImageUsd} per image`);
  if (pricing.perMillionInputTokensUsd !== undefined) parts.push(`$${pricing.perMillionInputTokensUsd}/M input tokens`);
  if (pricing.perMillionOutputTokensUsd !== undefined) parts.push(`$${pricing.perMillionOutputTokensUsd}/M output tokens`);
  return parts.length > 0 ? parts.join(', ') : 'no price set';
}

/** The placeholders a prompt template may use, with what each becomes. */
export const promptPlaceholders = [
  { name: '{detail}', means: 'the detail level: low, medium or high' },
  { name: '{focus}', means: 'what to pay attention to' },
  { name: '{language}', means: 'the output language' },
  { name: '{context}', means: 'facts the pixels cannot show (a folder’s context)' },
  { name: '{folder}', means: 'the folder’s name' },
  { name: '{place}', means: 'the place recorded in the file' },
  { name: '{date}', means: 'when the photo was taken' },
  { name: '{file}', means: 'the file name' },
] as const;

/** Placeholders in braces that the prompt builder does not know, likely typos. */
export function unknownPlaceholders(template: string): string[] {
  const known = new Set<string>(promptPlaceholders.map((placeholder) => placeholder.name));
  const found = template.match(/\{[a-z]+\}/gi) ?? [];
  return [...new Set(found.filter((name) => !known.has(name)))];
}
