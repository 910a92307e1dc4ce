import {
  CaptionOptionOverridesSchema,
  type CaptionOptionOverrides,
  type DetailLevel,
} from '../../../../shared/captioning';

/** The library's caption defaults as typed; empty text and '' detail mean "the built-in default". */
export interface CaptionDefaultsForm {
  language: string;
  detail: DetailLevel | '';
  focus: string;
  includeFolderName: boolean;
  includePlace: boolean;
  promptTemplate: string;
}

export type CaptionDefaultsField = keyof CaptionDefaultsForm;

export function captionDefaultsForm(defaults: CaptionOptionOverrides): CaptionDefaultsForm {
  return {
    language: defaults.language ?? '',
    detail: defaults.detail ?? '',
    focus: defaults.focus ?? '',
    // Both are on unless turned off (CaptionOptionsSchema's defaults).
    includeFolderName: defaults.includeFolderName ?? true,
    includePlace: defaults.includePlace ?? true,
    promptTemplate: defaults.promptTemplate ?? '',
  };
}

/** The overrides to save, leaving out what is empty, or what is wrong field by field. */
export function captionDefaultsFrom(
  form: CaptionDefaultsForm,
): { defaults: CaptionOptionOverrides } | { errors: Partial<Record<CaptionDefaultsField, string>> } {
  const candidate: CaptionOptionOverrides = {
    includeFolderName: form.includeFolderName,
    includePlace: form.includePlace,
  };
  if (form.detail) candidate.detail = form.detail;
  if (form.language.trim()) candidate.language = form.language.trim();
  if (form.focus.trim()) candidate.focus = form.focus.trim();
  if (form.promptTemplate.trim()) candidate.promptTemplate = form.promptTemplate.trim();
  const parsed = CaptionOptionOverridesSchema.safeParse(candidate);
  if (parsed.success) return { defaults: parsed.data };
  const errors: Partial<Record<CaptionDefaultsField, string>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as CaptionDefaultsField;
    const limit = issue.code === 'too_big' && 'maximum' in issue ? Number(issue.maximum) : null;
    errors[field] ??= limit !== null ? `At most ${limit} characters.` : issue.message;
  }
  return { errors };
}
