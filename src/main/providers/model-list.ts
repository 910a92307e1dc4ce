import type { ProviderModel } from '../../shared/captioning';
import { listedModelId, listedModelName } from './answer-values';
import { httpError, ProviderError, providerDetail } from './errors';
import { asRecord, isSuccess } from './http';
import type { HttpClient } from './http';

export interface ModelList {
  models: ProviderModel[];
  /** True when the server offers more than `maxListedModels`. */
  truncated: boolean;
}

/** Where a provider's models are asked for, with the headers its other calls carry. */
export interface ModelSource {
  /** The service's name, for messages. */
  label: string;
  http: HttpClient;
  headers: Record<string, string>;
  /** Removed from any text that reaches a message. */
  secrets: readonly (string | null)[];
  /** The provider's timeout; a listing waits at most `maxListWaitMs` of it. */
  timeoutMs: number;
}

/** Listing is quick on every server, however long a caption may take (a local model loading). */
const maxListWaitMs = 30_000;
/** OpenRouter alone offers hundreds; nobody reads a longer list. */
const maxListedModels = 1000;
/** Models asked for per page of Anthropic's list (it takes 1 to 1000). */
const anthropicPageSize = 100;
/** Ollama models whose capabilities are asked for one by one, when its list does not carry them. */
const maxOllamaModelsShown = 50;
/** Models named in an error about an unknown model. */
const suggestedModels = 5;

/** The models of an OpenAI-compatible server: `GET {base}/models`, OpenAI's list shape. */
export async function openAiCompatibleModels(source: ModelSource, baseUrl: string, signal?: AbortSignal): Promise<ModelList> {
  const body = await requestJson(source, `${withoutTrailingSlash(baseUrl)}/models`, signal);
  if (!Array.isArray(body.data)) throw notAModelList(source);
  return firstModels(
    body.data.flatMap((entry) => {
      const model = asRecord(entry);
      const id = listedModelId(model?.id);
      if (!model || !id) return [];
      // OpenRouter says what each model takes in; plain OpenAI-compatible servers do not.
      const inputs = asRecord(model.architecture)?.input_modalities;
      return [{ id, name: listedModelName(model.name), vision: Array.isArray(inputs) ? inputs.includes('image') : null }];
    }),
  );
}

/**
 * The list marked with what Ollama says of each model: `/api/tags` carries its capabilities in
 * newer versions, `/api/show` in all. Left as it was where Ollama's own API does not answer.
 */
export async function withOllamaCapabilities(
  source: ModelSource,
  baseUrl: string,
  list: ModelList,
  signal?: AbortSignal,
): Promise<ModelList> {
  const origin = withoutTrailingSlash(baseUrl).replace(/\/v1$/, '');
  const capabilities = new Map<string, unknown[]>();
  try {
    const tags = await requestJson(source, `${origin}/api/tags`, signal);
    for (const entry of Array.isArray(tags.models) ? tags.models : []) {
      const model = asRecord(entry);
      if (typeof model?.name === 'string' && Array.isArray(model.capabilities)) capabilities.set(model.name, model.capabilities);
    }
  } catch {
    return list;
  }
  const unknown = list.models.filter((model) => !capabilities.has(model.id)).slice(0, maxOllamaModelsShown);
  for (const model of unknown) {
    const shown = await requestJson(source, `${origin}/api/show`, signal, { model: model.id }).catch(() => null);
    if (Array.isArray(shown?.capabilities)) capabilities.set(model.id, shown.capabilities);
  }
  return {
    ...list,
    models: list.models.map((model) => {
      const said = capabilities.get(model.id);
      return said ? { ...model, vision: said.includes('vision') } : model;
    }),
  };
}

/** Anthropic's `GET /v1/models`, page by page (newest models first). */
export async function anthropicModels(source: ModelSource, baseUrl: string, signal?: AbortSignal): Promise<ModelList> {
  const models: ProviderModel[] = [];
  let afterId: string | null = null;
  while (models.length < maxListedModels) {
    const url = new URL(`${withoutTrailingSlash(baseUrl)}/v1/models`);
    url.searchParams.set('limit', String(anthropicPageSize));
    if (afterId) url.searchParams.set('after_id', afterId);
    const page = await requestJson(source, url.toString(), signal);
    if (!Array.isArray(page.data)) throw notAModelList(source);
    for (const entry of page.data) {
      const model = asRecord(entry);
      const id = listedModelId(model?.id);
      if (!model || !id) continue;
      const imageInput = asRecord(asRecord(model.capabilities)?.image_input)?.supported;
      models.push({ id, name: listedModelName(model.display_name), vision: typeof imageInput === 'boolean' ? imageInput : null });
    }
    if (page.has_more !== true || typeof page.last_id !== 'string' || page.last_id === afterId) return firstModels(models);
    afterId = page.last_id;
  }
  return { models: models.slice(0, maxListedModels), truncated: true };
}

/**
 * Whether a failed caption call means the server does not have the model asked for: a 404, or a
 * 400 saying so (OpenAI's model_not_found, OpenRouter's "... is not a valid model ID").
 */
function isUnknownModel(error: unknown): error is ProviderError {
  if (!(error instanceof ProviderError)) return false;
  if (error.kind === 'not-found') return true;
  return (
    (error.kind === 'bad-request' || error.kind === 'unprocessable') &&
    /model_not_found|unknown model|not a valid model|\bmodel\b.{0,120}\b(not found|does not exist)/i.test(error.detail ?? '')
  );
}

/**
 * Names a few models the server offers in an error about an unknown model (those it says take
 * images first, none it says do not). The list is asked for once, within a deadline; any other
 * error, or one whose list cannot be had, stays as it was: the list only ever adds to an error.
 */
export class AvailableModels {
  private list: Promise<ModelList> | null = null;

  constructor(
    private readonly listModels: (signal: AbortSignal) => Promise<ModelList>,
    private readonly providerName: string,
  ) {}

  async explain(error: unknown): Promise<unknown> {
    if (!isUnknownModel(error)) return error;
    let list: ModelList;
    try {
      list = await (this.list ??= this.listModels(AbortSignal.timeout(maxListWaitMs)));
    } catch {
      return error;
    }
    if (list.models.length === 0) return error;
    const listAll = `"captionist provider models ${this.providerName}" lists them`;
    const candidates = list.models.filter((model) => model.vision !== false);
    if (candidates.length === 0) return error.withNote(`None of the models it offers takes images (${listAll})`);
    const named = [...candidates].sort((a, b) => visionRank(a) - visionRank(b)).slice(0, suggestedModels);
    const more = candidates.length - named.length;
    const andMore = more > 0 ? ` and ${more}${list.truncated ? '+' : ''} more` : '';
    return error.withNote(`Models it offers: ${named.map((model) => model.id).join(', ')}${andMore} (${listAll})`);
  }
}

function visionRank(model: ProviderModel): number {
  return model.vision === true ? 0 : 1;
}

/** Far above any server's list of models, far below what could hurt the process. */
const maxModelListBytes = 16 * 1024 * 1024;

async function requestJson(
  source: ModelSource,
  url: string,
  signal: AbortSignal | undefined,
  body?: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const response = await source.http.request(source.label, url, {
    method: body ? 'POST' : 'GET',
    headers: { ...source.headers, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    timeoutMs: Math.min(source.timeoutMs, maxListWaitMs),
    // OpenRouter's list of every model with its description runs to megabytes.
    maxBytes: maxModelListBytes,
    signal,
    secrets: source.secrets,
  });
  const json = asRecord(response.json);
  if (!isSuccess(response.status)) {
    const problem = asRecord(json?.error)?.message ?? json?.error ?? json?.message ?? response.text;
    throw httpError(source.label, response.status, { detail: providerDetail(problem, source.secrets) });
  }
  if (!json) throw notAModelList(source);
  return json;
}

function notAModelList(source: ModelSource): ProviderError {
  return new ProviderError('invalid-response', source.label, `${source.label} answered with something that is not a list of models`);
}

function firstModels(models: ProviderModel[]): ModelList {
  return { models: models.slice(0, maxListedModels), truncated: models.length > maxListedModels };
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
