import type { Database } from 'better-sqlite3';

/**
 * A generated library that reads like a photographer's: library folders of years and shoots,
 * camera file names, captions built from a few hundred subjects, places and kinds of light (words
 * repeat the way they do in real captions: a few very often, most rarely), keywords, titles, some
 * captions in German and French, some photos with only the caption embedded by another program,
 * some with nothing but their names. Seeded, so every run builds the same library.
 */

const subjects = [
  'dog', 'golden retriever', 'border collie', 'cat', 'horse', 'cow', 'sheep', 'goat', 'fox', 'red deer',
  'puffin', 'seagull', 'heron', 'kingfisher', 'eagle', 'owl', 'swan', 'robin', 'butterfly', 'bee',
  'child', 'girl', 'boy', 'old man', 'woman', 'couple', 'bride', 'groom', 'family', 'crowd',
  'fisherman', 'cyclist', 'surfer', 'skier', 'climber', 'hiker', 'runner', 'dancer', 'musician', 'chef',
  'farmer', 'street vendor', 'fishing boat', 'sailboat', 'ferry', 'tram', 'bicycle', 'vintage car', 'train', 'kayak',
  'lighthouse', 'church', 'cathedral', 'castle', 'bridge', 'windmill', 'barn', 'cabin', 'tent', 'café',
  'bakery', 'waterfall', 'glacier', 'iceberg', 'volcano', 'mountain', 'lake', 'river', 'forest', 'beach',
  'dune', 'cliff', 'canyon', 'meadow', 'vineyard', 'orchard', 'garden', 'harbour', 'pier', 'skyline',
  'street', 'alley', 'square', 'fountain', 'statue', 'market', 'stadium', 'train station', 'rooftop', 'balcony',
  'wedding cake', 'bouquet', 'sunflower field', 'tulip field', 'lavender field', 'rice terrace', 'coral reef',
  'whale', 'dolphin', 'seal', 'penguin', 'jellyfish', 'reindeer', 'moose', 'bear', 'wolf', 'lynx',
  'portrait', 'still life', 'bowl of cherries', 'cup of coffee', 'croissant', 'glass of wine', 'birthday party',
  'concert', 'festival', 'parade', 'fireworks', 'aurora', 'milky way', 'thunderstorm', 'rainbow', 'snowman',
];
const verbs = [
  'standing', 'walking', 'running', 'sitting', 'resting', 'playing', 'jumping', 'swimming', 'flying', 'waiting',
  'looking out', 'laughing', 'dancing', 'working', 'fishing', 'reading', 'cooking', 'riding', 'climbing',
  'crossing', 'sleeping', 'glowing', 'reflected', 'framed', 'silhouetted',
];
const places = [
  'on a sandy beach', 'beside a frozen lake', 'in a busy market', 'under an old oak tree', 'at the edge of a cliff',
  'in front of a cathedral', 'along a cobbled street in Zürich', 'near the Brandenburger Tor', 'in a small café in Montréal',
  'by the Seine in Paris', 'in the Schwarzwald', 'below Sacré-Cœur', 'on the Løvfjell trail', 'in a field of wheat',
  'on a misty hillside', 'in the old town of Kraków', 'at Jökulsárlón lagoon', 'on a pier in Brighton', 'in Kyoto',
  'on the streets of Lisbon', 'in a Tuscan vineyard', 'on a fjord near Ålesund', 'in a snowy forest', 'beside a mountain road',
  'at a harbour in Reykjavík', 'in a quiet courtyard', 'under the arches of a bridge', 'on a rooftop terrace',
];
const lights = [
  'at sunrise', 'at sunset', 'at golden hour', 'under a stormy sky', 'in heavy rain', 'in thick fog', 'at night',
  'in the midday sun', 'during a snowfall', 'in soft autumn light', 'at blue hour', 'against the light',
];
const details = [
  'Soft light falls across the scene.', 'Long shadows stretch over the ground.', 'Reflections shimmer on the water.',
  'Mist hangs over the hills behind.', 'Colourful umbrellas line the street.', 'Snow-capped peaks rise in the distance.',
  'Warm lamps glow in the windows.', 'Waves break white against the rocks.', 'Autumn leaves cover the path.',
  'A shallow depth of field blurs the background.', 'Tall grass sways in the wind.', 'Clouds drift over a blue sky.',
];
const moods = ['black and white', 'colour', 'landscape', 'portrait', 'travel', 'nature', 'outdoors', 'wildlife',
  'urban', 'architecture', 'people', 'animal', 'water', 'sky', 'summer', 'winter', 'autumn', 'spring', 'europe',
  'iceland', 'germany', 'france', 'japan', 'norway', 'italy', 'portugal', 'switzerland', 'canada', 'documentary',
  'wedding', 'family', 'food', 'street photography', 'long exposure', 'aerial', 'macro', 'night sky', 'reportage'];
const foreignCaptions = [
  'Ein Hund läuft bei Sonnenaufgang am Strand entlang.', 'Kinder spielen im Schnee vor der Hütte.',
  'Die Straßenbahn fährt durch die Altstadt von Zürich.', 'Nebel über dem Schwarzwald am frühen Morgen.',
  'Une femme boit un café en terrasse à Montréal.', 'Les bateaux de pêche rentrent au port au coucher du soleil.',
  'Un marché animé sous les arcades de la vieille ville.', 'La cathédrale illuminée pendant la nuit de Noël.',
];
const cameras: [string, string][] = [
  ['Canon', 'Canon EOS R5'], ['Canon', 'Canon EOS 5D Mark IV'], ['Nikon', 'NIKON Z 6_2'], ['Nikon', 'NIKON D850'],
  ['Sony', 'ILCE-7M4'], ['Sony', 'ILCE-7RM5'], ['FUJIFILM', 'X-T5'], ['FUJIFILM', 'X100V'], ['OLYMPUS', 'E-M1MarkIII'],
  ['Apple', 'iPhone 15 Pro'], ['Leica', 'LEICA Q2'], ['Panasonic', 'DC-S5'],
];
const lenses = ['RF24-105mm F4 L IS USM', 'EF70-200mm f/2.8L IS III USM', 'NIKKOR Z 24-70mm f/4 S', 'FE 35mm F1.8',
  'FE 90mm F2.8 Macro G OSS', 'XF23mmF1.4 R LM WR', 'M.Zuiko 12-40mm F2.8', 'Summilux 28 f/1.7 ASPH.', null];
const fileTypes = [['JPG', 'JPEG'], ['NEF', 'NEF'], ['CR3', 'CR3'], ['ARW', 'ARW'], ['DNG', 'DNG'], ['HEIC', 'HEIC']];
const shoots = ['Iceland', 'Lisbon weekend', 'Smith–Jones wedding', 'Kyoto', 'Black Forest', 'Family', 'Street',
  'Birds', 'Alps', 'Paris', 'Norway fjords', 'Garden', 'Concerts', 'Portraits', 'Markets', 'Coast'];
const providers = ['inference', 'local', 'openai', 'anthropic'];
const statuses = ['draft', 'approved', 'written'];

/** Mulberry32: small, fast and seedable. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface LibraryShape {
  photos: number;
  /** Library folders the photos are spread over. */
  folders: number;
  seed?: number;
  /** Called after each batch with the photos written so far. */
  onProgress?: (done: number) => void;
}

/** Where the generated library keeps its folders. */
export const libraryRoot = '/photos';

/** Fills an empty, migrated database; returns the seconds spent writing (search index included). */
export function generateLibrary(db: Database, shape: LibraryShape): number {
  const next = random(shape.seed ?? 42);
  /** Picks early entries far more often than late ones, as words in real captions are. */
  const pick = <T>(list: readonly T[], skew = 1.6): T => list[Math.floor(Math.pow(next(), skew) * list.length)]!;
  const started = process.hrtime.bigint();

  const insertFolder = db.prepare(`INSERT INTO folders (path, name, added_at) VALUES (?, ?, '2026-11-21T00:00:00Z')`);
  const insertPhoto = db.prepare(
    `INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, width, height,
       orientation, captured_at, camera_make, camera_model, lens, embedded_title, embedded_caption, embedded_keywords,
       status, indexed_at)
     VALUES (@folderId, @path, @relPath, @fileName, @fileType, 12000000, 1700000000000, @fingerprint, @width, @height,
       @orientation, @capturedAt, @make, @model, @lens, @embeddedTitle, @embeddedCaption, @embeddedKeywords, @status,
       '2026-11-21T00:00:00Z')`,
  );
  const insertCaption = db.prepare(
    `INSERT INTO captions (photo_id, version, source, title, caption, alt_text, keywords, provider, model, status, created_at)
     VALUES (?, ?, 'generated', ?, ?, ?, ?, ?, 'model-1', ?, '2026-11-21T00:00:00Z')`,
  );

  const folderIds: { id: number; name: string }[] = [];
  for (let i = 0; i < shape.folders; i++) {
    const name = `Archive ${String(i + 1).padStart(2, '0')}`;
    folderIds.push({ id: Number(insertFolder.run(`${libraryRoot}/${name}`, name).lastInsertRowid), name });
  }

  const describe = () => {
    const subject = pick(subjects);
    const place = pick(places, 1.3);
    const light = pick(lights, 1.2);
    const article = /^[aeiou]/.test(subject) ? 'An' : 'A';
    const caption = `${article} ${subject} ${pick(verbs)} ${place} ${light}. ${pick(details, 1.2)}`;
    const keywords = new Set([subject, ...place.split(' ').filter((word) => /^[A-ZÅÄÖØÆÜÉ]/.test(word)).map((w) => w.toLowerCase())]);
    const moodCount = 3 + Math.floor(next() * 8);
    for (let k = 0; k < moodCount; k++) keywords.add(pick(moods, 1.4));
    const title = `${subject[0]!.toUpperCase()}${subject.slice(1)} ${light}`;
    const altText = `${article} ${subject} ${place}`;
    return { caption, keywords: [...keywords], title, altText };
  };

  const batch = 5000;
  let photoId = 0;
  let shootNumber = 0;
  let inShoot = 0;
  let shoot = { folder: folderIds[0]!, dir: '', year: 2010, month: 1 };
  const writeBatch = db.transaction((count: number) => {
    for (let i = 0; i < count; i++) {
      if (inShoot === 0) {
        inShoot = 50 + Math.floor(next() * 300);
        shootNumber++;
        const year = 2005 + Math.floor(next() * 21);
        const month = 1 + Math.floor(next() * 12);
        const folder = folderIds[shootNumber % folderIds.length]!;
        shoot = {
          folder,
          year,
          month,
          dir: `${year}/${year}-${String(month).padStart(2, '0')} ${pick(shoots, 1.1)} ${shootNumber}`,
        };
      }
      inShoot--;
      photoId++;
      const [extension, fileType] = pick(fileTypes, 1.5) as [string, string];
      const [make, model] = pick(cameras, 1.3);
      const fileName = `${model.startsWith('NIKON') ? 'DSC' : 'IMG'}_${String(photoId).padStart(7, '0')}.${extension}`;
      const relPath = `${shoot.dir}/${fileName}`;
      const day = 1 + Math.floor(next() * 28);
      const capturedAt = `${shoot.year}-${String(shoot.month).padStart(2, '0')}-${String(day).padStart(2, '0')}T` +
        `${String(6 + Math.floor(next() * 14)).padStart(2, '0')}:${String(Math.floor(next() * 60)).padStart(2, '0')}:00`;
      const portrait = next() < 0.3;
      const kind = next();
      const embedded = kind >= 0.6 && kind < 0.85 ? describe() : null;
      insertPhoto.run({
        folderId: shoot.folder.id,
        path: `${libraryRoot}/${shoot.folder.name}/${relPath}`,
        relPath,
        fileName,
        fileType,
        fingerprint: photoId.toString(16).padStart(32, '0'),
        width: portrait ? 4000 : 6000,
        height: portrait ? 6000 : 4000,
        orientation: 1,
        capturedAt: next() < 0.97 ? capturedAt : null,
        make,
        model,
        lens: pick(lenses),
        embeddedTitle: embedded?.title ?? null,
        embeddedCaption: embedded?.caption ?? null,
        embeddedKeywords: JSON.stringify(embedded?.keywords ?? []),
        status: next() < 0.01 ? 'missing' : 'present',
      });
      if (kind < 0.6) {
        const versions = next() < 0.15 ? 2 : 1;
        for (let version = 1; version <= versions; version++) {
          const text = describe();
          const caption = next() < 0.08 ? `${pick(foreignCaptions, 1)} ${text.caption}` : text.caption;
          insertCaption.run(photoId, version, text.title, caption, text.altText, JSON.stringify(text.keywords),
            pick(providers), pick(statuses, 1.2));
        }
      }
    }
  });
  for (let done = 0; done < shape.photos; done += batch) {
    writeBatch(Math.min(batch, shape.photos - done));
    shape.onProgress?.(Math.min(done + batch, shape.photos));
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}
