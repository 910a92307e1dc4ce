import type { ParseArgsConfig, parseArgs } from 'node:util';
import { backupsKept } from '../base/data-dir';
import { presetNames, typeDefaults } from '../providers/presets';

// The command line's grammar, apart from the commands themselves: `--help` and a mistyped flag
// are answered from here without loading any command, the core or zod.

/** Every provider type has its defaults (a complete record by type), so its keys are the types. */
const providerTypeNames = Object.keys(typeDefaults).join(', ');

export const usage = `Usage: captionist <command> [options]

Commands:
  add-folder PATH          Add a folder of photos to the library
  index [PATH...]          Index the given folders (every library folder when none)
  status                   Show counts of photos, captions, jobs and errors
  search [QUERY] [--folder F] [--from D] [--to D] [--camera C] [--lens L] [--keyword K]
         [--status draft|approved|written] [--provider P] [--captioned | --uncaptioned]
         [--orientation landscape|portrait|square] [--file-type T] [--missing | --only-missing]
         [--sort relevance|date] [--limit N] [--offset N] [--save NAME | --album NAME]
                           Find photos: "a phrase", OR, -word or NOT word, (groups); the last
                           word matches as you type. D is 2024, 2024-06 or 2024-06-15.
                           --save NAME keeps the search as a smart album, --album NAME runs one
  search QUERY --mode hybrid|text|meaning
                           Search by words, by meaning (embeddings), or both fused (the default
                           once embeddings are set up); --similar PATH finds photos like PATH
  albums                   List smart albums (saved searches)
  albums rename NAME NEW   Rename a smart album
  albums delete NAME       Delete a smart album (no photo is touched)
  provider add NAME --type TYPE [--preset P] [--base-url URL] [--batch-base-url URL] [--model M]
                           [--api-key-env VAR] [--concurrency N] [--image-size PX]
                           [--timeout SECONDS] [--price-per-image USD]
                           [--price-per-mtok-in USD] [--price-per-mtok-out USD] [--sync]
                           [--budget USD]
                           Add (or replace) a caption provider. TYPE: ${providerTypeNames}
                           Presets (openai-compatible): ${presetNames.join(', ')}
  embeddings use NAME [--model M] [--dimensions N] [--price-per-mtok-in USD]
                           Embed captions with this OpenAI-compatible provider's model, for
                           search by meaning (another model than before embeds everything again);
                           the queue embeds new and edited captions from then on
  embeddings run [PATH...] Embed every caption (of the PATHs) that has no embedding yet, now;
                           Ctrl-C stops after the request under way
  embeddings status        Show the model, how many photos are embedded and waiting, tokens, cost
  provider list            Show providers, where their keys come from, and totals spent
  provider test NAME       Caption a built-in sample picture once, explaining any error
  provider models NAME     List the models the provider's server offers, and which take images
  provider remove NAME     Forget a provider (its captions stay; its queued and running jobs
                           are cancelled)
  caption [PATH...] --provider NAME [--detail low|medium|high] [--focus F]
                           [--language L] [--context C] [--template T] [--no-place]
                           [--no-folder-name] [--force] [--estimate] [--batch]
                           Caption every photo (of the PATHs) that has no caption yet;
                           --force captions again, --estimate only prints the cost,
                           --batch goes through the provider's Batch API (cheaper, within 24 h)
  watch [PATH...] --provider NAME [caption options as for caption]
                           Index the PATHs (adding them to the library), caption every photo
                           there that has none, then watch for new photos and caption them as
                           they arrive, until Ctrl-C
  queue [PATH...]          List the jobs in the queue (of the PATHs), with counts, rate and ETA
  queue pause|resume|retry|cancel [PATH...]
                           Pause or resume the queue (for the PATHs, or everything), queue failed
                           jobs again, or cancel jobs, running ones included
  folder-options PATH [--detail L] [--focus F] [--language L] [--context C] [--clear]
                           Set the caption options every run on a library folder starts from
  write [PATH...] [--dry-run] [--policy skip|append|replace] [--sidecar auto|always|never]
                           [--sidecar-name auto|basename|basename-ext] [--approved-only] [--force]
                           Write captions, alt text and keywords into the photos (of the PATHs) whose
                           newest caption is not written yet; RAW files get XMP sidecars. --policy
                           says what happens to text a file already has (default skip: yours wins)
  revert [PATH...]         Put back what the last write changed in each photo or sidecar
  export --format xmp|csv|json --out DIR [PATH...] [--sidecar-name basename|basename-ext]
                           Export captions as a tree of XMP sidecars, or one CSV or JSON file,
                           without touching any photo
  serve [--port P]         Serve the app to a browser on this machine (127.0.0.1 only), with the
                           queue and folder watching running, until Ctrl-C; prints the address
                           to open, which carries an access token. The UI is rebuilt first when
                           its sources changed since it was last built
  backup [--out FILE]      Back up the library database now: into the data folder's backups
                           (the newest ${backupsKept} are kept; one is also taken every day and before
                           every upgrade), or to FILE (or into FILE when it is a folder)
  restore FILE             Replace the library database with a backup, after checking it; the
                           library as it was is kept among the backups. Close the app, serve and
                           watch first
  keywords import FILE     Make a keyword file your vocabulary (Lightroom's Metadata > Export
                           Keywords, or one keyword a line), replacing the one before; caption
                           keywords are then mapped onto it
  keywords list            Show the keyword vocabulary as a tree
  keywords clear           Forget the keyword vocabulary

Options:
  --home DIR               Library data folder (default: $CAPTIONIST_HOME, else the app-data folder)
  --json                   Print machine-readable JSON
  --limit N, --offset N    Page through search results (default 50, 0)
  -h, --help               Show this help

Exit codes: 0 done (per-file errors included), 1 the run failed, 2 bad usage.`;

export const options = {
  home: { type: 'string' },
  json: { type: 'boolean', default: false },
  limit: { type: 'string' },
  offset: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  type: { type: 'string' },
  preset: { type: 'string' },
  'base-url': { type: 'string' },
  'batch-base-url': { type: 'string' },
  model: { type: 'string' },
  'api-key-env': { type: 'string' },
  concurrency: { type: 'string' },
  'image-size': { type: 'string' },
  timeout: { type: 'string' },
  'price-per-image': { type: 'string' },
  'price-per-mtok-in': { type: 'string' },
  'price-per-mtok-out': { type: 'string' },
  budget: { type: 'string' },
  sync: { type: 'boolean', default: false },
  provider: { type: 'string' },
  detail: { type: 'string' },
  focus: { type: 'string' },
  language: { type: 'string' },
  context: { type: 'string' },
  template: { type: 'string' },
  'no-place': { type: 'boolean', default: false },
  'no-folder-name': { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  estimate: { type: 'boolean', default: false },
  batch: { type: 'boolean', default: false },
  clear: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  policy: { type: 'string' },
  sidecar: { type: 'string' },
  'sidecar-name': { type: 'string' },
  'approved-only': { type: 'boolean', default: false },
  format: { type: 'string' },
  out: { type: 'string' },
  port: { type: 'string' },
  dimensions: { type: 'string' },
  // search and albums
  folder: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  camera: { type: 'string' },
  lens: { type: 'string' },
  keyword: { type: 'string' },
  status: { type: 'string' },
  captioned: { type: 'boolean', default: false },
  uncaptioned: { type: 'boolean', default: false },
  orientation: { type: 'string' },
  'file-type': { type: 'string' },
  missing: { type: 'boolean', default: false },
  'only-missing': { type: 'boolean', default: false },
  sort: { type: 'string' },
  save: { type: 'string' },
  album: { type: 'string' },
  mode: { type: 'string' },
  similar: { type: 'string' },
} satisfies ParseArgsConfig['options'];

export type Flags = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true; strict: true }>>['values'];
