import { placeLabel } from '../../../../shared/places';
import type { Place } from '../../../../shared/places';
import type { PhotoDetail } from '../../../../shared/review';
import { formatBytes } from '../../../../shared/bytes';

/** "2024-06-01 14:03", keeping the camera's wall-clock time and any offset it recorded. */
export function formatCapturedAt(capturedAt: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?/.exec(capturedAt);
  if (!match) return capturedAt;
  const [, day, time, offset] = match;
  return [day, time, offset && offset !== 'Z' ? `(UTC${offset})` : offset === 'Z' ? '(UTC)' : undefined]
    .filter(Boolean)
    .join(' ');
}

/** "Canon EOS R5", without the make twice when the model already names it. */
export function cameraText(make: string | null, model: string | null): string | null {
  if (!make) return model;
  if (!model) return make;
  return model.toLowerCase().startsWith(make.toLowerCase()) ? model : `${make} ${model}`;
}

export function gpsText(latitude: number | null, longitude: number | null): string | null {
  if (latitude === null || longitude === null) return null;
  const lat = `${Math.abs(latitude).toFixed(5)}° ${latitude < 0 ? 'S' : 'N'}`;
  const lon = `${Math.abs(longitude).toFixed(5)}° ${longitude < 0 ? 'W' : 'E'}`;
  return `${lat}, ${lon}`;
}

/** "Reykjavík, Capital Region, Iceland (2.6 km away)": the nearest town, named offline from the GPS. */
export function placeText(place: Place | null): string | null {
  return place && `${placeLabel(place)} (${place.distanceKm.toLocaleString('en')} km away)`;
}

/** The facts the inspector lists, label and value, unknown ones left out. */
export function photoFacts(detail: PhotoDetail): { label: string; value: string }[] {
  const facts: { label: string; value: string | null }[] = [
    { label: 'File', value: detail.fileName },
    { label: 'Type', value: detail.fileType },
    { label: 'Size', value: formatBytes(detail.fileSize) },
    {
      label: 'Dimensions',
      value: detail.width && detail.height ? `${detail.width} × ${detail.height} px` : null,
    },
    { label: 'Taken', value: detail.capturedAt ? formatCapturedAt(detail.capturedAt) : null },
    { label: 'Camera', value: cameraText(detail.cameraMake, detail.cameraModel) },
    { label: 'Lens', value: detail.lens },
    { label: 'Place', value: placeText(detail.place) },
    { label: 'GPS', value: gpsText(detail.gpsLatitude, detail.gpsLongitude) },
    { label: 'Status', value: detail.status === 'missing' ? 'File missing' : null },
  ];
  return facts.filter((fact): fact is { label: string; value: string } => fact.value !== null && fact.value !== '');
}
