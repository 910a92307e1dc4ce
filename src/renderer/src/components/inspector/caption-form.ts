import { captionLimits } from '../../../../shared/captioning';
import { normaliseKeywords, readKeywords, type KeywordReading } from '../../../../shared/keywords';
import { embeddedTextShown } from '../../../../shared/placeholders';
import { CaptionEditSchema, type CaptionEdit, type CaptionVersion, type PhotoDetail } from '../../../../shared/review';

/** The edit form as typed: keywords are one comma-separated text until saved. */
export interface CaptionForm {
  title: string;
  caption: string;
  altText: string;
  longDescription: string;
  keywords: string;
}

export type CaptionFormField = keyof CaptionForm;
export type CaptionFormErrors = Partial<Record<CaptionFormField, string>>;

/** Alt text reads best short: screen readers speak it whole, and IPTC caps it. */
export const altTextLimit = captionLimits.altText;

type CaptionText = Pick<CaptionVersion, 'title' | 'caption' | 'altText' | 'longDescription' | 'keywords'>;

export function formFromText(text: CaptionText): CaptionForm {
  return {
    title: text.title ?? '',
    caption: text.caption,
    altText: text.altText ?? '',
    longDescription: text.longDescription ?? '',
    keywords: text.keywords.join(', '),
  };
}

/** The form starts from the newest caption version, else from what the file already held. */
export function formFromDetail(detail: PhotoDetail): CaptionForm {
  const newest = detail.versions[0];
  if (newest) return formFromText(newest);
  const embedded = embeddedTextShown(detail.embedded, detail.fileName);
  return formFromText({
    title: embedded.title,
    caption: embedded.caption ?? '',
    altText: embedded.altText,
    longDescription: detail.longDescription,
    keywords: embedded.keywords.length > 0 ? embedded.keywords : detail.keywords,
  });
}

/** What the typed keywords would lose on saving, which the form refuses rather than lose it. */
export function keywordProblem(reading: KeywordReading): string | null {
  if (reading.dropped > 0) {
    return `At most ${captionLimits.keywords} keywords; there are ${reading.kept.length + reading.dropped}.`;
  }
  const tooLong = reading.cut[0];
  if (tooLong) return `“${tooLong.slice(0, 24)}…” is longer than ${captionLimits.keyword} characters.`;
  return null;
}

/** True when saving the form would change nothing: the same text, field by field. */
export function formsEqual(a: CaptionForm, b: CaptionForm): boolean {
  return (
    a.title.trim() === b.title.trim() &&
    a.caption.trim() === b.caption.trim() &&
    a.altText.trim() === b.altText.trim() &&
    a.longDescription.trim() === b.longDescription.trim() &&
    normaliseKeywords(a.keywords).join('\n') === normaliseKeywords(b.keywords).join('\n')
  );
}

/** The edit to send, or what is wrong with each field in words for the user. */
export function editFromForm(form: CaptionForm): { edit: CaptionEdit } | { errors: CaptionFormErrors } {
  const reading = readKeywords(form.keywords);
  const keywords = reading.kept;
  const errors: CaptionFormErrors = {};
  const keywordError = keywordProblem(reading);
  if (keywordError) errors.keywords = keywordError;
  const parsed = CaptionEditSchema.safeParse({
    title: form.title.trim() || null,
    caption: form.caption,
    altText: form.altText,
    longDescription: form.longDescription.trim() || null,
    keywords,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as CaptionFormField;
      errors[field] ??= issueText(field, issue.code, issue.message);
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { errors };
  return { edit: parsed.data };
}

const fieldNames: Record<CaptionFormField, string> = {
  title: 'The title',
  caption: 'The caption',
  altText: 'The alt text',
  longDescription: 'The long description',
  keywords: 'A keyword',
};

const fieldLimits: Record<CaptionFormField, number> = {
  title: captionLimits.title,
  caption: captionLimits.caption,
  altText: captionLimits.altText,
  longDescription: captionLimits.longDescription,
  keywords: captionLimits.keyword,
};

function issueText(field: CaptionFormField, code: string, message: string): string {
  if (code === 'too_big') return `${fieldNames[field]} may have at most ${fieldLimits[field]} characters.`;
  if (code === 'too_small') return `${fieldNames[field]} cannot be empty.`;
  return message;
}

/** What the alt-text counter says beside the field. */
export function altTextHint(length: number): string {
  if (length === 0) return 'Describe what matters in the photo for someone who cannot see it.';
  if (length > altTextLimit) return `${length - altTextLimit} characters too long: shorten it to ${altTextLimit}.`;
  if (length > altTextLimit - 20) return 'Close to the limit.';
  return 'Short and concrete reads best.';
}
