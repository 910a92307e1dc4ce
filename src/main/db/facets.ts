/**
 * Filters as FTS5 expressions over the hidden `facets` column that migration 0040 fills: a
 * library folder is `zf<id>`, a folder `zd<hex of its path>`, a missing file `zmissing`, a
 * capture day `zy<yyyy> zm<yyyymm> zt<yyyymmdd>`, a caption of ours `zcaptioned zc<status>`, its
 * provider `zp<hex of the lower-case name>`. Inside the index these filters cost an
 * intersection of lists, not a lookup per matching photo.
 */

const column = (expression: string) => `facets : (${expression})`;

export function libraryFolderFacet(folderId: number): string {
  return column(`zf${Math.trunc(folderId)}`);
}

/** `dirs` are folder paths as stored in `photos.dir` (ending in a separator). */
export function dirsFacet(dirs: readonly string[]): string {
  return column(dirs.map((dir) => `zd${hex(dir)}`).join(' OR '));
}

const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex').toUpperCase();

export const missingFacet = column('zmissing');
export const captionedFacet = column('zcaptioned');

export function captionStatusFacet(status: string): string {
  return column(`zc${status}`);
}

export function providerFacet(provider: string): string {
  return column(`zp${hex(provider.toLowerCase())}`);
}

export function yearFacet(year: number): string {
  return column(`zy${pad(year, 4)}`);
}

export function monthFacet(year: number, month: number): string {
  return column(`zm${pad(year, 4)}${pad(month, 2)}`);
}

/** A day as `yyyy-mm-dd`, in UTC arithmetic (capture dates carry no time zone here). */
type Day = { year: number; month: number; day: number };

const pad = (value: number, width: number) => String(value).padStart(width, '0');
const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Parses `yyyy`, `yyyy-mm` or `yyyy-mm-dd` to its first (or, with `end`, last) day. */
export function dayOf(period: string, end: boolean): Day {
  const [year, month, day] = period.split('-').map(Number) as [number, number?, number?];
  if (month === undefined) return end ? { year, month: 12, day: 31 } : { year, month: 1, day: 1 };
  if (day === undefined) return { year, month, day: end ? daysIn(year, month) : 1 };
  return { year, month, day };
}

const compare = (a: Day, b: Day) => a.year - b.year || a.month - b.month || a.day - b.day;

/**
 * The capture-date range from `from` to `to` (inclusive days) as the fewest facet tokens:
 * whole years, then whole months, then single days at the edges. Null when the range is empty.
 */
export function dateRangeFacet(from: Day, to: Day): string | null {
  if (compare(from, to) > 0) return null;
  const tokens: string[] = [];
  let cursor = { ...from };
  while (compare(cursor, to) <= 0) {
    const yearEnd = { year: cursor.year, month: 12, day: 31 };
    const monthEnd = { year: cursor.year, month: cursor.month, day: daysIn(cursor.year, cursor.month) };
    if (cursor.month === 1 && cursor.day === 1 && compare(yearEnd, to) <= 0) {
      tokens.push(`zy${pad(cursor.year, 4)}`);
      cursor = { year: cursor.year + 1, month: 1, day: 1 };
    } else if (cursor.day === 1 && compare(monthEnd, to) <= 0) {
      tokens.push(`zm${pad(cursor.year, 4)}${pad(cursor.month, 2)}`);
      cursor = cursor.month === 12 ? { year: cursor.year + 1, month: 1, day: 1 } : { year: cursor.year, month: cursor.month + 1, day: 1 };
    } else {
      tokens.push(`zt${pad(cursor.year, 4)}${pad(cursor.month, 2)}${pad(cursor.day, 2)}`);
      const next = new Date(Date.UTC(cursor.year, cursor.month - 1, cursor.day + 1));
      cursor = { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
    }
  }
  return column(tokens.join(' OR '));
}
