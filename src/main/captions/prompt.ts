import { createHash } from 'node:crypto';
import type { CaptionOptions, DetailLevel } from '../../shared/captioning';
import { captionLimits } from '../../shared/captioning';
import type { CaptionPrompt } from '../providers/provider';

/** Bump when the built-in wording changes: each caption records the version that made it. */
export const builtInPromptVersion = 'captionist-2026-11';

/** Facts about the photo that may go into the prompt (never its pixels' metadata). */
export interface PromptFacts {
  fileName: string;
  folderName: string | null;
  place: string | null;
  capturedAt: string | null;
  /** The part of the photographer's keyword vocabulary that fits the photo (`vocabularyExcerpt`), if they have one. */
  vocabulary?: string | null;
}

const captionLength: Record<DetailLevel, string> = {
  low: 'one short sentence',
  medium: 'two or three sentences',
  high: 'a detailed paragraph of four to six sentences',
};

export const captionSchema = {
  type: 'object',
  properties: {
    title: { type: 'string', description: 'A short headline of at most eight words.' },
    caption: { type: 'string', description: 'The caption.' },
    altText: { type: 'string', description: `Alt text of at most ${captionLimits.altText} characters.` },
    longDescription: { type: 'string', description: 'A full description for screen readers, or an empty string.' },
    keywords: { type: 'array', items: { type: 'string' }, description: 'Five to fifteen keywords.' },
  },
  required: ['title', 'caption', 'altText', 'longDescription', 'keywords'],
  additionalProperties: false,
} as const;

const system = `You write catalogue metadata for a photographer's photos.
Answer with one JSON object and nothing else, with exactly these fields:
"title" (a short headline, at most eight words), "caption" (as long as asked below),
"altText" (at most ${captionLimits.altText} characters: what is visible, objective, for a screen reader;
never "image of" or "photo of"; never guess a person's gender, emotion, age, ethnicity or identity),
"longDescription" (a thorough description for screen readers when high detail is asked, else ""),
"keywords" (five to fifteen distinct keywords, most important first, no hashtags).
Describe only what is visible; use the photographer's context for names and facts the pixels cannot show.`;

/** Builds the instructions for one photo from the run's options and what the library knows of it. */
export function buildPrompt(options: CaptionOptions, facts: PromptFacts): CaptionPrompt {
  const variables: Record<string, string> = {
    detail: options.detail,
    focus: options.focus ?? '',
    language: options.language ?? 'English',
    context: options.context ?? '',
    folder: options.includeFolderName ? (facts.folderName ?? '') : '',
    place: options.includePlace ? (facts.place ?? '') : '',
    date: facts.capturedAt?.slice(0, 10) ?? '',
    file: facts.fileName,
  };
  const user = options.promptTemplate
    ? options.promptTemplate.replace(/\{(\w+)\}/g, (whole, name: string) =>
        Object.hasOwn(variables, name) ? variables[name]! : whole,
      )
    : builtInRequest(variables);
  const vocabularyRule = facts.vocabulary ? `\n${vocabularyRequest}\n${facts.vocabulary}` : '';
  const version = options.promptTemplate
    ? `custom-${createHash('sha256').update(options.promptTemplate).digest('hex').slice(0, 12)}`
    : builtInPromptVersion;
  const languageRule = options.language ? `\nWrite every field in ${options.language}.` : '';
  return { system: system + languageRule, user: user + vocabularyRule, version, schema: captionSchema };
}

const vocabularyRequest =
  'Where they fit, use keywords from the photographer\'s own vocabulary (the last part of "A > B > C" is the keyword):';

function builtInRequest(variables: Record<string, string>): string {
  const lines = [`Caption this photo in ${captionLength[variables.detail as DetailLevel]}.`];
  if (variables.focus) lines.push(`Focus on ${variables.focus}.`);
  if (variables.context) lines.push(`Context from the photographer: ${variables.context}`);
  if (variables.folder) lines.push(`The photo is filed in a folder named "${variables.folder}".`);
  if (variables.place) lines.push(`It was taken at ${variables.place}.`);
  if (variables.date) lines.push(`It was taken on ${variables.date}.`);
  if (variables.language !== 'English') lines.push(`Write in ${variables.language}.`);
  return lines.join('\n');
}
