import { z } from 'zod';

/** A populated place near a photo's GPS position, named offline from GeoNames' gazetteer. */
export const PlaceSchema = z.object({
  /** In the local spelling GeoNames gives ("Reykjavík"). */
  name: z.string(),
  /** The name without accents, for search ("Reykjavik"). */
  asciiName: z.string(),
  /** The first-level region (state, province, county), or null when GeoNames has none. */
  region: z.string().nullable(),
  /** The country's English name ("Iceland"). */
  country: z.string(),
  /** ISO 3166-1 alpha-2 ("IS"). */
  countryCode: z.string(),
  /** Great-circle distance from the position to the place. */
  distanceKm: z.number(),
});
export type Place = z.infer<typeof PlaceSchema>;

/** The place as words for a person or a prompt: "Reykjavík, Capital Region, Iceland". */
export function placeLabel(place: Pick<Place, 'name' | 'region' | 'country'>): string {
  return [place.name, place.region, place.country].filter((part, i, all) => part && all.indexOf(part) === i).join(', ');
}
