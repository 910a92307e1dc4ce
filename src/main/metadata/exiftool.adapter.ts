import type { BinaryField, ExifTool, Tags, WriteTags } from 'exiftool-vendored';
import type * as exiftoolVendored from 'exiftool-vendored';
import type { CaptureFacts } from '../../shared/domain';
import { meaningfulText } from '../../shared/placeholders';
import type { TextOrigin } from '../../shared/placeholders';
import { xmpDescriptionTag } from './captionist-namespace';
import type { TagValues, TagWrites } from '../../shared/metadata';

/** Tags that hold a whole embedded JPEG, best first when sizes tie. */
const previewTags = ['JpgFromRaw', 'PreviewImage', 'OtherImage', 'ThumbnailImage'] as const;
export type PreviewTag = (typeof previewTags)[number];

/** The facts Captionist keeps about a photo, read from its embedded metadata. */
export interface PhotoMetadata extends CaptureFacts {
  /** ExifTool's name for what the bytes really are (JPEG, CR2, TXT ...), whatever the file is called. */
  fileType: string | null;
  mimeType: string | null;
  title: string | null;
  caption: string | null;
  altText: string | null;
  keywords: string[];
  /** Whether the file names where it was taken (city, region, country or sub-location, XMP or IIM). */
  ownLocation: boolean;
  /** Embedded JPEG previews, largest first: where a RAW file's pixels come from. */
  previews: { tag: PreviewTag; bytes: number }[];
}

export interface ExifToolAdapterOptions {
  maxProcs: number;
  /** Raised above ExifTool's default for slow network drives. */
  taskTimeoutMillis?: number;
  /** An ExifTool config file (user-defined XMP namespaces), loaded by every process of the pool. */
  configFile?: string;
}

type ExifToolLibrary = typeof exiftoolVendored;

/** The one gateway to exiftool-vendored: a single shared pool of ExifTool processes. */
export class ExifToolAdapter {
  /** Loaded on first use: a command that reads no file (status, search) never loads exiftool-vendored. */
  private loaded: Promise<{ exiftool: ExifTool; library: ExifToolLibrary }> | undefined;

  constructor(private readonly options: ExifToolAdapterOptions) {}

  private pool(): Promise<{ exiftool: ExifTool; library: ExifToolLibrary }> {
    this.loaded ??= import('exiftool-vendored').then((library) => ({
      library,
      exiftool: new library.ExifTool({
        maxProcs: this.options.maxProcs,
        taskTimeoutMillis: this.options.taskTimeoutMillis ?? 60_000,
        // Our callers decide about retries; a corrupt file should fail once, fast.
        taskRetries: 0,
        // -config must come before every other argument ExifTool starts with.
        ...(this.options.configFile ? { exiftoolArgs: ['-config', this.options.configFile, ...library.DefaultExiftoolArgs] } : {}),
      }),
    }));
    return this.loaded;
  }

  /**
   * The given tags (family-1 group names such as "XMP-dc:Title", or "IPTC:all"), keyed as
   * requested, every value as text (so a title "1.50" stays "1.50") or a list of texts.
   */
  async readTags(path: string, tags: readonly string[], options: { standardLocationsOnly?: boolean } = {}): Promise<TagValues> {
    const { exiftool } = await this.pool();
    const raw = (await exiftool.readRaw(path, {
      // -fast stops before the image data; only where nothing can be in a trailer (FotoStation and
      // Photo Mechanic keep IIM at the end of the file) is that enough.
      readArgs: [...(options.standardLocationsOnly ? ['-fast'] : []), '-G1', '-api', 'StructFormat=JSONQ', ...tags.map((name) => `-${name}`)],
      useMWG: false,
    })) as Record<string, unknown>;
    const error = raw['ExifTool:Error'] ?? raw.Error;
    if (error) throw new Error(String(error));
    const values: TagValues = {};
    for (const [group, value] of Object.entries(raw)) {
      if (!group.includes(':') || /^(ExifTool|System|File):/.test(group)) continue;
      // A second IIM block (IPTC2, a FotoStation trailer) answers for IPTC when it is the only one.
      const name = group.replace(/^IPTC\d+:/, 'IPTC:');
      if (name !== group && name in raw) continue;
      if (Array.isArray(value)) values[name] = value.map(String);
      else if (value !== null && value !== undefined && typeof value !== 'object') values[name] = String(value);
    }
    return values;
  }

  /**
   * One write of every tag into `output`, MWG composites off so each copy is exactly the one named:
   * a copy of `source` with the tags changed, or, without a source, a new file (a sidecar, of the
   * type its extension names). ExifTool never overwrites an existing output and never changes
   * `source`. Resolves with ExifTool's warnings; rejects when ExifTool reports an error or wrote nothing.
   */
  async writeTagsInto(output: string, tags: TagWrites, source: string | null): Promise<string[]> {
    const { exiftool } = await this.pool();
    const result = source
      ? await exiftool.write(source, tags as WriteTags, { useMWG: false, writeArgs: ['-o', output] })
      : await exiftool.write(output, tags as WriteTags, { useMWG: false });
    if (result.created + result.updated === 0) {
      throw new Error(result.warnings?.join('; ') || 'ExifTool changed nothing.');
    }
    return result.warnings ?? [];
  }

  async readPhotoMetadata(path: string): Promise<PhotoMetadata> {
    const { exiftool, library } = await this.pool();
    const tags = await exiftool.read(path);
    if (tags.Error) throw new Error(String(tags.Error));
    return toPhotoMetadata(tags as Tags & Record<string, unknown>, library);
  }

  /** Where the photo was taken, as IPTC/XMP location fields name it ("Pont Neuf, Paris, France"), or null. */
  async readPlace(path: string): Promise<string | null> {
    const { exiftool } = await this.pool();
    const tags = (await exiftool.read(path)) as Record<string, unknown>;
    const parts = [
      tags.Location ?? tags['Sub-location'],
      tags.City,
      tags.State ?? tags['Province-State'],
      tags.Country ?? tags['Country-PrimaryLocationName'],
    ].map(text);
    const distinct = [...new Set(parts.filter((part): part is string => part !== null))];
    return distinct.length ? distinct.join(', ') : null;
  }

  /**
   * The photo's GPS position in signed decimal degrees (south and west negative), from ExifTool's
   * composite tags (EXIF GPS with its N/S and E/W references, or XMP's), or null when it has none.
   * The values are as the file holds them: the caller checks their range.
   */
  async readGps(path: string): Promise<{ latitude: number; longitude: number } | null> {
    const { exiftool } = await this.pool();
    const raw = (await exiftool.readRaw(path, {
      readArgs: ['-n', '-G1', '-Composite:GPSLatitude', '-Composite:GPSLongitude', '-XMP-exif:GPSLatitude', '-XMP-exif:GPSLongitude'],
      useMWG: false,
    })) as Record<string, unknown>;
    if (raw.Error) throw new Error(String(raw.Error));
    // The composite comes from EXIF with its references; a file with GPS only in XMP has no composite.
    const latitude = raw['Composite:GPSLatitude'] ?? raw['XMP-exif:GPSLatitude'];
    const longitude = raw['Composite:GPSLongitude'] ?? raw['XMP-exif:GPSLongitude'];
    if (latitude === undefined || longitude === undefined || latitude === '' || longitude === '') return null;
    return { latitude: Number(latitude), longitude: Number(longitude) };
  }

  async extractPreview(path: string, tag: PreviewTag): Promise<Buffer> {
    const { exiftool } = await this.pool();
    return exiftool.extractBinaryTagToBuffer(tag, path);
  }

  async end(): Promise<void> {
    // Never used: nothing was loaded or started, so nothing to end.
    if (this.loaded) await (await this.loaded).exiftool.end();
  }
}

function toPhotoMetadata(tags: Tags & Record<string, unknown>, library: ExifToolLibrary): PhotoMetadata {
  const make = text(tags.Make);
  // The first copy that holds words, not a camera's or a program's placeholder: MWG's choice, else the others.
  const ownText = (...copies: [unknown, TextOrigin][]) => {
    for (const [copy, origin] of copies) {
      const meaningful = meaningfulText(text(copy), text(tags.FileName), origin);
      if (meaningful) return meaningful;
    }
    return null;
  };
  const xmpDescription = tags[xmpDescriptionTag];
  return {
    fileType: text(tags.FileType),
    mimeType: text(tags.MIMEType),
    width: positiveInteger(tags.ImageWidth ?? tags.ExifImageWidth),
    height: positiveInteger(tags.ImageHeight ?? tags.ExifImageHeight),
    orientation: orientation(tags.Orientation),
    capturedAt: dateText(tags.SubSecDateTimeOriginal ?? tags.DateTimeOriginal ?? tags.CreateDate, library),
    cameraMake: make,
    cameraModel: modelWithoutMake(text(tags.Model), make),
    lens: text(tags.LensModel ?? tags.LensID ?? tags.Lens),
    gpsLatitude: finiteNumber(tags.GPSLatitude),
    gpsLongitude: finiteNumber(tags.GPSLongitude),
    gpsAltitude: finiteNumber(tags.GPSAltitude),
    title: ownText([tags.Title, 'xmp'], [tags.ObjectName, 'camera']),
    caption: ownText(
      // MWG's Description is the XMP copy's unless XMP has none, or IIM was changed since.
      [tags.Description, tags.Description === xmpDescription ? 'xmp' : 'camera'],
      [xmpDescription, 'xmp'],
      [tags['Caption-Abstract'], 'camera'],
      [tags.ImageDescription, 'camera'],
    ),
    altText: ownText([tags.AltTextAccessibility, 'xmp']),
    keywords: keywords(tags.Keywords ?? tags.Subject),
    ownLocation: locationTags.some((tag) => text(tags[tag]) !== null),
    previews: previewTags
      .map((tag) => ({ tag, field: tags[tag] }))
      .filter((entry): entry is { tag: PreviewTag; field: BinaryField } => entry.field instanceof library.BinaryField)
      .map(({ tag, field }) => ({ tag, bytes: field.bytes }))
      .sort((a, b) => b.bytes - a.bytes),
  };
}

/** The location tags of XMP-photoshop, XMP-iptcCore and IIM, as ExifTool names them without groups. */
const locationTags = [
  'City',
  'State',
  'Province-State',
  'Country',
  'Country-PrimaryLocationName',
  'CountryCode',
  'Country-PrimaryLocationCode',
  'Location',
  'Sub-location',
];

function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = String(value).trim();
  return trimmed === '' ? null : trimmed;
}

function keywords(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const seen = new Map<string, string>();
  for (const keyword of list) {
    const trimmed = text(keyword);
    if (trimmed && !seen.has(trimmed.toLowerCase())) seen.set(trimmed.toLowerCase(), trimmed);
  }
  return [...seen.values()];
}

function finiteNumber(value: unknown): number | null {
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(number) ? number : null;
}

function positiveInteger(value: unknown): number | null {
  const number = finiteNumber(value);
  return number !== null && number > 0 ? Math.round(number) : null;
}

function orientation(value: unknown): number | null {
  const number = finiteNumber(value);
  return number !== null && number >= 1 && number <= 8 ? number : null;
}

function dateText(value: unknown, { ExifDate, ExifDateTime }: ExifToolLibrary): string | null {
  // ISO 8601 in the photographer's wall-clock time, with the offset only when the camera recorded one.
  return value instanceof ExifDateTime || value instanceof ExifDate ? (value.toString() ?? null) : null;
}

function modelWithoutMake(model: string | null, make: string | null): string | null {
  if (!model) return null;
  const brand = make?.split(/\s+/)[0];
  return brand && model.toLowerCase().startsWith(brand.toLowerCase() + ' ') ? model.slice(brand.length + 1) : model;
}
