import { basename, dirname } from 'node:path';
import type { Database } from 'better-sqlite3';
import { CaptionOptionOverridesSchema, CaptionOptionsSchema } from '../../shared/captioning';
import type { CaptionOptionOverrides, CaptionOptions, DetailLevel, ProviderConfig } from '../../shared/captioning';
import { placeLabel } from '../../shared/places';
import type { CaptionRunsRepository } from '../db/caption-runs.repo';
import type { CaptionsRepository } from '../db/captions.repo';
import type { FoldersRepository } from '../db/folders.repo';
import { photoOfJob } from '../db/jobs.repo';
import type { ClaimedJob, JobsRepository } from '../db/jobs.repo';
import type { CaptionTarget, PhotosRepository } from '../db/photos.repo';
import { UserError } from '../base/errors';
import type { CaptionImageSize, Derivatives } from '../images/derivatives';
import { describeFileError } from '../library/file-errors';
import { describeImageError } from '../library/image-errors';
import type { ExifToolAdapter } from '../metadata/exiftool.adapter';
import { ProviderError } from '../providers/errors';
import { imageLimitsFor, imageTokenRuleFor } from '../providers/presets';
import type { CaptionImage, CaptionPrompt, CaptionProvider, ProviderAnswer, TokenUsage } from '../providers/provider';
import type { ProviderRegistry } from '../providers/provider-registry';
import type { KeywordVocabulary } from '../keywords/keyword-vocabulary';
import type { UnmatchedKeywordPolicy } from '../../shared/keyword-vocabulary';
import { keywordsInVocabulary, promptVocabulary } from './vocabulary-keywords';
import { captionCost, expectedTokens, sentLongEdge } from './cost';
import { normaliseAnswer } from './normalise';
import { buildPrompt } from './prompt';

export interface CaptionStepsDeps {
  db: Database;
  photos: PhotosRepository;
  folders: FoldersRepository;
  captions: CaptionsRepository;
  runs: CaptionRunsRepository;
  jobs: JobsRepository;
  providers: ProviderRegistry;
  derivatives: Derivatives;
  metadata: ExifToolAdapter;
  /** The library's caption defaults (from the app's settings), under every folder's own. */
  libraryCaptionDefaults: () => CaptionOptionOverrides;
  /** The photographer's keyword vocabulary, and what happens to keywords outside it (the settings). */
  vocabulary: KeywordVocabulary;
  unmatchedKeywords: () => UnmatchedKeywordPolicy;
  now: () => Date;
}

/**
 * What was asked for one photo, kept (as JSON, for the Batch API) until the answer is stored:
 * the caption version records the prompt and options it was made with, and the image size
 * prices an answer that reports no tokens.
 */
export interface SentCaption {
  photoId: number;
  options: CaptionOptions;
  prompt: { user: string; version: string };
  image: { width: number; height: number };
}

/** A caption job ready to send: the provider's client and the request it takes. */
export interface PreparedCaption {
  config: ProviderConfig;
  client: CaptionProvider;
  image: CaptionImage;
  prompt: CaptionPrompt;
  options: CaptionOptions;
  sent: SentCaption;
}

/**
 * The two halves of captioning one photo, shared by the direct path (one request per photo) and
 * the Batch API path (thousands of requests in one file, answered hours later): preparing the
 * request from the job, and storing the provider's answer as a caption version.
 */
export class CaptionSteps {
  constructor(private readonly deps: CaptionStepsDeps) {}

  /**
   * The caption-ready JPEG and the prompt for a job's photo, with the options of its folder and
   * run. A missing key or provider is an 'auth' ProviderError: it concerns every photo alike.
   */
  async prepare(job: ClaimedJob): Promise<PreparedCaption> {
    const { deps } = this;
    const provider = job.provider ?? '';
    const target = deps.photos.captionTarget(photoOfJob(job));
    if (!target || target.status === 'missing') {
      throw new UserError('The file is missing; index its folder again once it is back.');
    }
    let opened;
    try {
      opened = deps.providers.open(provider);
    } catch (error) {
      if (error instanceof UserError) throw new ProviderError('auth', provider, error.message);
      throw error;
    }
    const { config, provider: client } = opened;
    const overrides = CaptionOptionOverridesSchema.catch({}).parse((JSON.parse(job.payload) as { options?: unknown }).options);
    const options = this.optionsFor(target, overrides);
    const image = await deps.derivatives.loadCaptionImage(target.path, target.fingerprint, captionImageSize(config, target));
    const place = options.includePlace ? await this.placeOf(target) : null;
    // The folder the photo sits in says more ("Lisbon trip") than the library folder above it.
    const folderName = basename(dirname(target.path));
    const prompt = buildPrompt(options, {
      fileName: target.fileName,
      folderName,
      place,
      capturedAt: target.capturedAt,
      vocabulary: this.vocabularyFor(target.id, [folderName, place]),
    });
    return {
      config,
      client,
      image,
      prompt,
      options,
      sent: {
        photoId: target.id,
        options,
        prompt: { user: prompt.user, version: prompt.version },
        image: { width: image.width, height: image.height },
      },
    };
  }

  /**
   * Validates the answer and stores it as a new caption version; `complete` marks the job done in
   * the same transaction (and may throw to roll the caption back), and the job's run is credited
   * with the tokens and cost.
   */
  store(
    jobId: number,
    provider: { config: ProviderConfig; label: string; model: string | null },
    sent: SentCaption,
    answer: ProviderAnswer,
    complete: () => void,
  ): void {
    const { deps } = this;
    const { config, label } = provider;
    const answered = normaliseAnswer(answer, sent.options.language);
    if (!answered) throw new ProviderError('invalid-response', label, `${label} answered without a usable caption`);
    const { keywords, suggestions } = keywordsInVocabulary(deps.vocabulary.current(), answered.keywords, deps.unmatchedKeywords());
    const fields = { ...answered, keywords };
    const costUsd = answerCost(config, answer.usage, sent.image, sent.options.detail);
    const at = deps.now().toISOString();
    deps.db.transaction(() => {
      // Its photo left the library while the provider answered (its job went with it), and a new
      // photo may have its id by now: the caption must not land on that one.
      if (!deps.jobs.exists(jobId)) throw new Error(`Job ${jobId} ended before its answer: its photo left the library.`);
      const runId = deps.jobs.runId(jobId);
      deps.captions.insertGenerated({
        photoId: sent.photoId,
        runId,
        fields,
        keywordSuggestions: suggestions,
        provider: config.name,
        model: answer.model ?? provider.model,
        prompt: sent.prompt.user,
        promptVersion: sent.prompt.version,
        options: sent.options,
        inputTokens: answer.usage.inputTokens,
        outputTokens: answer.usage.outputTokens,
        costUsd,
        createdAt: at,
      });
      complete();
      if (runId !== null) deps.runs.recordCaptioned(runId, answer.usage.inputTokens, answer.usage.outputTokens, costUsd);
    })();
  }

  /** The part of the vocabulary the prompt shows, chosen by the folder, the place and the previous caption. */
  private vocabularyFor(photoId: number, context: (string | null)[]): string | null {
    const vocabulary = this.deps.vocabulary.current();
    if (!vocabulary.terms.length) return null;
    return promptVocabulary(vocabulary, [...context, this.deps.captions.latest(photoId)?.caption ?? null]);
  }

  /**
   * The location the file names, else the place named from its GPS. Only a place's name reaches
   * the prompt: GPS coordinates are never sent to a provider.
   */
  private async placeOf(target: CaptionTarget): Promise<string | null> {
    const own = await this.deps.metadata.readPlace(target.path).catch(() => null);
    if (own !== null || target.placeName === null) return own;
    return placeLabel({ name: target.placeName, region: target.placeRegion, country: target.placeCountry ?? '' });
  }

  /** What the run asked for wins over the folder's defaults, those over the library's, those over the built-in ones. */
  optionsFor(target: CaptionTarget, overrides: CaptionOptionOverrides): CaptionOptions {
    return CaptionOptionsSchema.parse({
      ...definedOnly(this.deps.libraryCaptionDefaults()),
      ...definedOnly(this.deps.folders.captionOptions(target.folderId)),
      ...definedOnly(overrides),
    });
  }
}

function definedOnly(options: CaptionOptionOverrides): CaptionOptionOverrides {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

/** The caption-ready copy a provider is sent of a photo of this size. */
export function captionImageSize(config: ProviderConfig, photo: { width: number | null; height: number | null }): CaptionImageSize {
  return { longEdge: sentLongEdge(photo.width, photo.height, imageLimitsFor(config)), maxBytes: config.imageMaxBytes };
}

/** What a caption cost: by the tokens the provider reported, else by the tokens expected for the image sent. */
export function answerCost(
  config: ProviderConfig,
  usage: TokenUsage,
  image: { width: number; height: number },
  detail: DetailLevel,
): number | null {
  const expected = expectedTokens(imageTokenRuleFor(config.type, config.preset), image, detail);
  return captionCost(config.pricing, usage.inputTokens ?? expected.inputTokens, usage.outputTokens ?? expected.outputTokens);
}

/** A failure that is not a ProviderError (a missing or unreadable file), in the user's words. */
export function describeCaptionError(error: unknown): string {
  if (error instanceof ProviderError || error instanceof UserError) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'The file is gone since it was last indexed; index its folder again.';
  if (code && /^E[A-Z]+$/.test(code)) return describeFileError(error, 'file');
  // The library's own failure, not the picture's: "damaged image data" would send the user to the wrong file.
  if (code?.startsWith('SQLITE_')) return `Captionist could not record this photo's caption in its library (${(error as Error).message}).`;
  return describeImageError(error, 'so it could not be sent for captioning');
}
