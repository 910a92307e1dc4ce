/**
 * The keyword vocabulary's per-photo cost in captioning: choosing the prompt's excerpt
 * (`vocabularyExcerpt` over the index built once per import) beside the bare platform scanning
 * every term's words for the same context, and mapping a caption's keywords. A vocabulary of about
 * 50,000 keywords. Run with `npx tsx bench/vocabulary-prompt.ts`.
 */
import { charactersPerToken, indexVocabulary, mapKeywords, parseVocabulary, vocabularyExcerpt } from '../src/shared/keyword-vocabulary';

const photos = 2_000;
const excerptCharacters = 300 * charactersPerToken;

function vocabularyText(): string {
  const lines: string[] = [];
  for (let group = 0; group < 50; group++) {
    lines.push(`[Group ${group}]`);
    for (let family = 0; family < 20; family++) {
      lines.push(`\tFamily ${group} ${family}`);
      for (let leaf = 0; leaf < 49; leaf++) lines.push(`\t\tSpecies ${group}x${family}x${leaf} leaf${leaf}`, `\t\t\t{Synonym ${group}x${family}x${leaf}}`);
    }
  }
  return lines.join('\n');
}

const ms = (value: number) => `${value.toFixed(3)} ms`;

const parseStarted = performance.now();
const { terms } = parseVocabulary(vocabularyText());
const index = indexVocabulary(terms);
console.log(`vocabulary of ${terms.length} keywords: parse and index ${ms(performance.now() - parseStarted)} (once per import)`);

// A folder name, a place and a previous caption per photo: a word 1,000 terms share (leafN), one
// all 50,000 share (species) and one naming a single term.
const contexts = Array.from({ length: photos }, (_, i) => [
  `Trip ${i % 50} leaf${i % 49}`,
  'Reykjavík, Capital Region, Iceland',
  `A bird on a cliff above the sea, Species ${i % 50}x${i % 20}x${i % 49}.`,
]);

// The bare platform: lower-cased words of every term checked against the context's words, top hits first.
function bareExcerpt(context: string[]): string[] {
  const wanted = new Set(context.join(' ').toLowerCase().split(/[^\p{L}\p{N}]+/u));
  const scored: [number, number][] = [];
  terms.forEach((term, i) => {
    if (term.parent === null || !term.exported) return;
    const score = term.name.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((word) => wanted.has(word)).length;
    if (score) scored.push([i, score]);
  });
  return scored.sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 40).map(([i]) => terms[i]!.name);
}

let started = performance.now();
let characters = 0;
for (const context of contexts) characters += vocabularyExcerpt(index, context, excerptCharacters).length;
const excerpt = (performance.now() - started) / photos;
started = performance.now();
let bareHits = 0;
for (const context of contexts) bareHits += bareExcerpt(context).length;
const bare = (performance.now() - started) / photos;
console.log(
  `prompt excerpt a photo: ${ms(excerpt)} (${Math.round(characters / photos)} characters on average); ` +
    `bare scan of every term ${ms(bare)} (${Math.round(bareHits / photos)} terms); ${(bare / excerpt).toFixed(0)}x`,
);

started = performance.now();
for (let i = 0; i < photos; i++) mapKeywords(index, [`species ${i % 50}x${i % 20}x${i % 49}s`, 'Synonym 1x2x3', 'boat', 'sea', 'cliff'], 'suggest');
console.log(`mapping five keywords a photo: ${ms((performance.now() - started) / photos)}`);
