import { CaptionFieldsSchema, captionLimits } from '../../shared/captioning';
import type { CaptionFields } from '../../shared/captioning';
import { cleanText, cutAtWord } from '../../shared/text';
import { normaliseKeywords } from '../../shared/keywords';

/** What a provider answered, before validation (see providers/provider.ts). */
export interface RawAnswer {
  fields: Partial<Record<string, unknown>> | null;
  text: string | null;
}

/**
 * Validates and normalises a provider's answer into one caption version: trimmed, within the
 * length limits, keywords deduplicated, alt text within the alt-text rules. Caption-only services
 * answer with a caption alone; alt text and keywords are then derived from it. Null when the
 * answer holds no usable caption.
 */
export function normaliseAnswer(answer: RawAnswer, language?: string): CaptionFields | null {
  const english = isEnglish(language);
  const fields = answer.fields ?? {};
  // JSON that failed to parse (an answer cut off mid-object) is not a caption.
  const plainText = answer.fields || /^\s*(\{|```)/.test(answer.text ?? '') ? null : answer.text;
  const caption = cleanText(pick(fields, 'caption', 'description', 'Caption') ?? plainText, captionLimits.caption);
  if (!caption) return null;
  const title = cleanText(pick(fields, 'title', 'headline'), captionLimits.title);
  const keywordSource = fields.keywords ?? fields.tags ?? fields.Keywords;
  const keywords = normaliseKeywords(keywordSource === undefined ? keywordsFromCaption(caption) : keywordSource);
  const longDescription = cleanText(pick(fields, 'longDescription', 'long_description'), captionLimits.longDescription);
  const altText = toAltText(pick(fields, 'altText', 'alt_text', 'alt') ?? caption, english) ?? toAltText(caption, english);
  if (!altText) return null;
  return CaptionFieldsSchema.parse({
    title,
    caption,
    altText,
    longDescription,
    keywords: keywords.length ? keywords : normaliseKeywords(keywordsFromCaption(caption)),
  });
}

function pick(fields: Partial<Record<string, unknown>>, ...names: string[]): string | null {
  for (const name of names) {
    const value = fields[name];
    if (typeof value === 'string' && value.trim()) return value;
  }
  return null;
}

const leadIns =
  /^(this|the|an?)?\s*(close-up|black and white|color|colour)?\s*(image|photo|photograph|picture|shot|snapshot)\s+(of|shows|showing|depicts|depicting|features|featuring|captures|capturing)\s+/i;

/** Words that guess a person's gender, with neutral replacements. */
const genderNeutral: Record<string, string> = {
  man: 'person',
  woman: 'person',
  men: 'people',
  women: 'people',
  boy: 'child',
  girl: 'child',
  boys: 'children',
  girls: 'children',
  gentleman: 'person',
  lady: 'person',
  gentlemen: 'people',
  ladies: 'people',
  guy: 'person',
  guys: 'people',
  male: 'person',
  female: 'person',
  he: 'they',
  she: 'they',
  him: 'them',
  his: 'their',
  her: 'their',
  hers: 'theirs',
  himself: 'themself',
  herself: 'themself',
};

/** Words that guess what someone feels. */
const emotions = new Set(
  'happy happily sad sadly angry angrily joyful joyfully cheerful cheerfully excited worried anxious scared frightened nervous lonely proud delighted upset depressed confident content contented pensive melancholic melancholy gloomy furious grumpy bored thrilled ecstatic'.split(
    ' ',
  ),
);

/** Marks where a word was removed, so only the article before it is corrected. */
const removed = '\u0000';

/**
 * Brings any text within the alt-text rules: at most 120 characters, no "image of", one
 * sentence-cased line ending in a full stop. In English, guessed gender and emotion words go too;
 * other languages rely on the prompt, since these word lists would garble them.
 */
export function toAltText(value: string | null, english = true): string | null {
  const cleaned = cleanText(value, captionLimits.caption);
  if (!cleaned) return null;
  let text = cleaned.replace(leadIns, '');
  if (english) text = neutralise(text);
  // Room is kept for the full stop added below.
  if (text.length > captionLimits.altText) text = cutAtWord(text, captionLimits.altText - 1);
  text = text.replace(/[\s,;:–-]+$/, '');
  if (!/[\p{L}\p{N}]/u.test(text)) return null;
  if (!/[.!?。！？]$/.test(text)) text += '.';
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

function neutralise(text: string): string {
  return (
    text
      .replace(/\b(he|she)['’]s\b/gi, (word) => matchCase(word, "they're"))
      .replace(/\b(they|he|she) (is|was|has)\b/gi, (_whole, pronoun: string, verb: string) =>
        `${matchCase(pronoun, 'they')} ${{ is: 'are', was: 'were', has: 'have' }[verb.toLowerCase()]}`,
      )
      // "her" as an object ("follows her.", "beside her and ...") is "them"; before a noun, "their".
      .replace(/\bher\b(?=\s*(?:[.,;:!?)]|$|\s(?:and|or|as|while|in|on|at|with|to|from|by)\b))/gi, (word) =>
        matchCase(word, 'them'),
      )
      .replace(/\b\p{L}+\b/gu, (word) => {
        const neutral = genderNeutral[word.toLowerCase()];
        if (neutral) return matchCase(word, neutral);
        return emotions.has(word.toLowerCase()) ? removed : word;
      })
      // "a sad and angry man": the conjunction between removed words, or after one, goes too.
      .replace(new RegExp(`${removed}\\s*(?:,|\\band\\b|\\bor\\b)\\s*(?=${removed})`, 'gi'), '')
      .replace(new RegExp(`\\b(an?|the)\\s*${removed}\\s*(?:,|\\band\\b|\\bor\\b)\\s+`, 'gi'), `$1 ${removed} `)
      // "an excited woman" became "an person": fix only the article before a removed word.
      .replace(new RegExp(`\\b(an?)((?:\\s*${removed})+)\\s*(\\p{L})`, 'giu'), (_whole, article: string, _gap, letter: string) =>
        `${matchCase(article, /[aeiou]/i.test(letter) ? 'an' : 'a')} ${letter}`,
      )
      .replaceAll(removed, '')
      .replace(/\s{2,}/g, ' ')
      .replace(/\s+([,.;:!?])/g, '$1')
      .trim()
  );
}

function isEnglish(language: string | undefined): boolean {
  return !language || /^(en\b|en-|english)/i.test(language.trim());
}

function matchCase(original: string, replacement: string): string {
  return original.charAt(0) === original.charAt(0).toUpperCase() && original.charAt(0) !== original.charAt(0).toLowerCase()
    ? replacement.charAt(0).toUpperCase() + replacement.slice(1)
    : replacement;
}

/** How many candidates are looked at: plenty for 30 keywords after duplicates and empties, however long the list. */
const stopWords = new Set(
  `a about above across after against along among an and another any are around as at away back be been before behind
   being below beneath beside besides between beyond both but by can could during each either few for from front has have
   having her here his how in inside into is it its itself just like many more most much near next nearby of off on onto
   one or other out outside over own part partially possibly several side since so some such than that the their them then
   there these they this those through to toward towards two under up upon very was were what when where which while who
   whose with within without appears appear seems seen shows showing visible image photo photograph picture scene view
   background foreground left right top bottom center centre large small various`.split(/\s+/),
);

/** Keywords drawn from a caption: its distinct content words, in order, without stop words or guesses about people. */
export function keywordsFromCaption(caption: string): string[] {
  const words = caption.toLocaleLowerCase().match(/\p{L}[\p{L}\p{M}'’-]*\p{L}|\p{L}/gu) ?? [];
  const keywords: string[] = [];
  for (const match of words) {
    const word = match.replace(/['’]s$/, '');
    if (word.length < 3 || stopWords.has(word) || emotions.has(word) || genderNeutral[word]) continue;
    if (!keywords.includes(word)) keywords.push(word);
    if (keywords.length === 12) break;
  }
  return keywords;
}
