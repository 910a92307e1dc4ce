import { captionLimits } from './captioning';
import { cleanText, inspectedLength } from './text';

/** Entries looked at, so a runaway list costs little: ten times the keywords kept. */
const keywordCandidates = captionLimits.keywords * 10;

/** What reading keywords kept, and what it had to leave out or shorten. */
export interface KeywordReading {
  kept: string[];
  /** Distinct keywords past the 30th, left out. */
  dropped: number;
  /** Kept keywords that were cut at a word to fit 64 characters, as they were before. */
  cut: string[];
}

/**
 * The keywords stored from a list or a typed text (split at commas, semicolons and new lines):
 * each trimmed, without leading hashtags, control characters or wrapping quotes, cut at a word
 * within 64 characters, once in any case, at most 30. A hierarchy ("Places | Iceland") keeps its
 * levels, each trimmed and each within 64 characters ("Places|Iceland"). The inspector shows this before saving and the core
 * stores this, so the preview is what is saved.
 */
export function normaliseKeywords(value: unknown): string[] {
  return readKeywords(value).kept;
}

export function readKeywords(value: unknown): KeywordReading {
  const list = Array.isArray(value)
    ? value.slice(0, keywordCandidates)
    : typeof value === 'string'
      ? value.slice(0, keywordCandidates * inspectedLength(captionLimits.keyword)).split(/[,;\n]/, keywordCandidates)
      : [];
  const seen = new Map<string, string>();
  const cut: string[] = [];
  let dropped = 0;
  for (const item of list) {
    if (typeof item !== 'string') continue;
    const text = item.trim().replace(/^#+/, '');
    const keyword = levelsWithin(text, captionLimits.keyword);
    if (!keyword || seen.has(keyword.toLocaleLowerCase())) continue;
    if (seen.size === captionLimits.keywords) {
      dropped++;
      continue;
    }
    seen.set(keyword.toLocaleLowerCase(), keyword);
    const whole = levelsWithin(text, inspectedLength(captionLimits.keyword));
    if (whole !== keyword) cut.push(whole ?? keyword);
  }
  return { kept: [...seen.values()], dropped, cut };
}

/**
 * A keyword cleaned level by level, "Places | Iceland |" as "Places|Iceland", each level cut within
 * `limit`: only a path's last level is a keyword of its own (the one IIM's 64 bytes hold), and
 * cutting a whole path would make it name another keyword.
 */
function levelsWithin(keyword: string, limit: number): string | null {
  const levels = keyword
    .split('|')
    .map((level) => cleanText(level, limit))
    .filter((level): level is string => level !== null);
  return levels.length ? levels.join('|') : null;
}
