import { describe, expect, it } from 'vitest';
import { keywordsFromCaption, normaliseAnswer, toAltText } from '../../src/main/captions/normalise';
import { parseStructuredAnswer } from '../../src/main/providers/structured-answer';
import { CaptionFieldsSchema, captionLimits } from '../../src/shared/captioning';
import { normaliseKeywords } from '../../src/shared/keywords';
import { CaptionEditSchema } from '../../src/shared/review';
import { cleanText } from '../../src/shared/text';

/** A high surrogate without its low half, or a low one without its high half. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const codePoints = (text: string) => [...text].length;

describe('cleanText', () => {
  it('trims, collapses whitespace and drops labels, wrapping quotes and code fences', () => {
    expect(cleanText('  A red  fox\n\n in   snow.  ', 2000)).toBe('A red fox in snow.');
    expect(cleanText('Caption: A red fox in snow.', 2000)).toBe('A red fox in snow.');
    expect(cleanText('Title: "Sunset"', 100)).toBe('Sunset');
    expect(cleanText('“Curly quotes”', 100)).toBe('Curly quotes');
    expect(cleanText("'single'", 100)).toBe('single');
    expect(cleanText('Description:   two\n\n lines', 100)).toBe('two lines');
    expect(cleanText('```json\nhello\n```', 100)).toBe('hello');
  });

  it('returns null for null and for text that is only whitespace or quotes', () => {
    expect(cleanText(null, 10)).toBeNull();
    expect(cleanText('   \n\t ', 10)).toBeNull();
    expect(cleanText('""', 10)).toBeNull();
  });

  it('cuts at a word boundary and drops a dangling article or conjunction', () => {
    expect(cleanText('one two three four five six seven eight nine ten', 20)).toBe('one two three four');
    expect(cleanText('The fox and the hound walked along the river with a stick', 30)).toBe('The fox and the hound walked');
  });

  it('prefers ending at a full sentence when one fits in the second half', () => {
    expect(cleanText('First sentence here. Second sentence goes on and on', 30)).toBe('First sentence here.');
  });

  it('cuts a word without spaces hard at the limit', () => {
    expect(cleanText('A'.repeat(30), 10)).toBe('A'.repeat(10));
  });

  it('keeps emoji whole when cutting, counting UTF-16 units as the database and IIM limits do', () => {
    const foxes = cleanText('🦊'.repeat(30), 7)!;
    expect(foxes).toBe('🦊'.repeat(3));
    expect(foxes).not.toMatch(loneSurrogate);

    const family = cleanText('ab 👨‍👩‍👧', 5)!;
    expect(family).toBe('ab');

    const mixed = cleanText('Fox 🦊 '.repeat(50), 31)!;
    expect(mixed).toBe('Fox 🦊 '.repeat(4).trim());
    expect(mixed).not.toMatch(loneSurrogate);
  });

  it('cuts CJK text without spaces at the limit, including characters outside the BMP', () => {
    const tokyo = '東京タワーの夜景と桜の花が美しく咲いている公園の風景写真です';
    expect(cleanText(tokyo.repeat(5), 20)).toBe(tokyo.slice(0, 20));

    const withAstral = cleanText('𠮷野家の牛丼'.repeat(40), 25)!;
    expect(withAstral.length).toBeLessThanOrEqual(25);
    expect(codePoints(withAstral)).toBe(21);
    expect(withAstral.startsWith('𠮷野家の牛丼𠮷')).toBe(true);
    expect(withAstral).not.toMatch(loneSurrogate);
  });

  it('leaves text within the limit as it is, accents included', () => {
    expect(cleanText('Café au lait à Paris', 20)).toBe('Café au lait à Paris');
  });
});

describe('toAltText', () => {
  it('drops an "image of" style lead-in and sentence-cases the rest', () => {
    expect(toAltText('Image of a red fox in snow')).toBe('A red fox in snow.');
    expect(toAltText('Photograph of a manhole cover.')).toBe('A manhole cover.');
    expect(toAltText('This close-up photo shows a puppy.')).toBe('A puppy.');
    expect(toAltText('A black and white image of two dogs.')).toBe('Two dogs.');
  });

  it('replaces gendered words with neutral ones, keeping case and verb agreement', () => {
    expect(toAltText('A woman walking her dog along the beach.')).toBe('A person walking their dog along the beach.');
    expect(toAltText('A black and white image of two men.')).toBe('Two people.');
    expect(toAltText('A guy and a lady.')).toBe('A person and a person.');
    expect(toAltText('Boys and girls play football.')).toBe('Children and children play football.');
    expect(toAltText("The man's hat is red.")).toBe("The person's hat is red.");
    expect(toAltText('She is smiling while he was walking.')).toBe('They are smiling while they were walking.');
    expect(toAltText('He has a hat.')).toBe('They have a hat.');
  });

  it('does not touch words that merely contain a gendered word', () => {
    expect(toAltText('A manhole cover next to shelves of herbs.')).toBe('A manhole cover next to shelves of herbs.');
  });

  it('removes words that guess emotions and fixes the article that then precedes the next word', () => {
    expect(toAltText('Image of a happy woman walking her dog along the beach.')).toBe(
      'A person walking their dog along the beach.',
    );
    expect(toAltText('A photo of an excited man with his sad dog')).toBe('A person with their dog.');
    expect(toAltText('An excited woman reads.')).toBe('A person reads.');
    expect(toAltText('A happy elephant bathes.')).toBe('An elephant bathes.');
  });

  it('shortens a long caption to at most 120 characters ending with a full stop', () => {
    const long =
      'A red fox stands in deep fresh snow at the edge of a pine forest, its breath visible in the cold morning air, ' +
      'while a small flock of birds circles above the frozen lake behind it and distant mountains glow pink under the rising sun.';
    const alt = toAltText(long)!;
    expect(alt).toBe(
      'A red fox stands in deep fresh snow at the edge of a pine forest, its breath visible in the cold morning air.',
    );
    expect(alt.length).toBeLessThanOrEqual(captionLimits.altText);

    const run = toAltText('Image of ' + 'a very long line of cars '.repeat(10))!;
    expect(codePoints(run)).toBeLessThanOrEqual(captionLimits.altText);
    expect(run).toMatch(/^A very long line of cars .*\.$/);
    expect(run).not.toMatch(/\b(a|of)\.$/);

    const unbroken = toAltText('x'.repeat(300))!;
    expect(unbroken).toBe(`X${'x'.repeat(118)}.`);
  });

  it('keeps emoji and CJK whole when shortening', () => {
    const emoji = toAltText('🦊 fox '.repeat(40))!;
    expect(codePoints(emoji)).toBeLessThanOrEqual(captionLimits.altText);
    expect(emoji.endsWith('.')).toBe(true);
    expect(emoji).not.toMatch(loneSurrogate);

    const cjk = toAltText('東京タワー'.repeat(40))!;
    expect(codePoints(cjk)).toBe(captionLimits.altText);
    expect(cjk.endsWith('タワ.')).toBe(true);
  });

  it('returns null when nothing usable is left', () => {
    expect(toAltText(null)).toBeNull();
    expect(toAltText('   ')).toBeNull();
    expect(toAltText('happy')).toBeNull();
    expect(toAltText('  ,,,  ')).toBeNull();
  });
});

describe('toAltText leaves alone what it has no reason to touch', () => {
  it('keeps articles that were right, changing only those before a removed word', () => {
    expect(toAltText('An hour after sunset, a university building glows.')).toBe('An hour after sunset, a university building glows.');
    expect(toAltText('A European city square.')).toBe('A European city square.');
    expect(toAltText('A sad and angry man.')).toBe('A person.');
    expect(toAltText('A happy and relaxed dog.')).toBe('A relaxed dog.');
  });

  it('applies the English word lists to English only', () => {
    expect(toAltText('Man sieht einen Hund am Strand.', false)).toBe('Man sieht einen Hund am Strand.');
    expect(toAltText('Una mujer camina a orillas del mar.', false)).toBe('Una mujer camina a orillas del mar.');
    expect(normaliseAnswer({ fields: { caption: 'Man sieht einen Hund am Strand.' }, text: null }, 'German')?.altText).toBe(
      'Man sieht einen Hund am Strand.',
    );
    expect(normaliseAnswer({ fields: { caption: 'A man walks.' }, text: null }, 'en-GB')?.altText).toBe('A person walks.');
  });

  it('turns pronouns into grammatical neutral ones', () => {
    expect(toAltText("She's holding a cup. A dog follows her.")).toBe("They're holding a cup. A dog follows them.");
    expect(toAltText('A woman walks her dog.')).toBe('A person walks their dog.');
  });

  it('gives nothing rather than a bare full stop, and no second stop after a CJK one', () => {
    expect(toAltText('Happy sad.')).toBeNull();
    expect(normaliseAnswer({ fields: { caption: 'Happy.' }, text: null })).toBeNull();
    expect(toAltText('猫が窓辺で眠っている。')).toBe('猫が窓辺で眠っている。');
    expect(toAltText('一只猫在睡觉。')).toBe('一只猫在睡觉。');
  });

  it('drops a label inside quotes', () => {
    expect(cleanText('"Caption: A red fox in snow."', 2000)).toBe('A red fox in snow.');
  });
});

describe('normaliseKeywords', () => {
  it('dedupes case-insensitively, keeping the first spelling, and drops hashtags and empties', () => {
    expect(normaliseKeywords(['Fox', 'fox', ' FOX ', '#snow', '##Snow', '', '   ', 'forest'])).toEqual(['Fox', 'snow', 'forest']);
    expect(normaliseKeywords(['Ärger', 'ärger', 'ÄRGER'])).toEqual(['Ärger']);
  });

  it('splits a string on commas, semicolons and new lines', () => {
    expect(normaliseKeywords('fox, snow; forest\nlake')).toEqual(['fox', 'snow', 'forest', 'lake']);
    expect(normaliseKeywords('a,,b,  ,#c')).toEqual(['a', 'b', 'c']);
  });

  it('ignores values that are not strings', () => {
    expect(normaliseKeywords(null)).toEqual([]);
    expect(normaliseKeywords(42)).toEqual([]);
    expect(normaliseKeywords({ fox: true })).toEqual([]);
    expect(normaliseKeywords(['fox', 3, null, { a: 1 }, 'snow'])).toEqual(['fox', 'snow']);
  });

  it(`caps the list at ${captionLimits.keywords} distinct keywords, counting after dedupe`, () => {
    const doubled = Array.from({ length: 80 }, (_, i) => (i % 2 ? `Tag${i >> 1}` : `tag${i >> 1}`));
    const keywords = normaliseKeywords(doubled);
    expect(keywords).toHaveLength(captionLimits.keywords);
    expect(keywords[0]).toBe('tag0');
    expect(keywords.at(-1)).toBe(`tag${captionLimits.keywords - 1}`);
  });

  it(`shortens each keyword to ${captionLimits.keyword} characters`, () => {
    expect(normaliseKeywords(['x'.repeat(100)])).toEqual(['x'.repeat(captionLimits.keyword)]);
  });

  it('keeps a keyword path longer than the limit whole, holding each of its levels to the limit', () => {
    const path = 'Places|Europe|Iceland|Capital Region|Reykjavík|Hallgrímskirkja church';
    expect(path.length).toBeGreaterThan(captionLimits.keyword);
    expect(normaliseKeywords([path, `Sea|${'y'.repeat(100)}`])).toEqual([path, `Sea|${'y'.repeat(captionLimits.keyword)}`]);
    expect(CaptionEditSchema.shape.keywords.safeParse([path]).success).toBe(true);
    expect(CaptionEditSchema.shape.keywords.safeParse([`Sea|${'y'.repeat(65)}`]).error?.issues[0]?.message).toBe(
      'a keyword, or each level of a keyword path, may have at most 64 characters',
    );
    expect(CaptionEditSchema.shape.keywords.safeParse(['y'.repeat(65)]).success).toBe(false);
  });
});

describe('keywordsFromCaption', () => {
  it('keeps distinct content words in order, lower-cased, without stop words, possessives or guesses about people', () => {
    expect(keywordsFromCaption("A happy woman walks her dog along the river's edge near the Eiffel Tower in Paris.")).toEqual([
      'walks',
      'dog',
      'river',
      'edge',
      'eiffel',
      'tower',
      'paris',
    ]);
    expect(keywordsFromCaption('Fox, fox and FOX in the snow.')).toEqual(['fox', 'snow']);
  });

  it('keeps at most twelve words', () => {
    const caption = Array.from({ length: 20 }, (_, i) => `word${String.fromCharCode(97 + i)}xx`).join(' ');
    const keywords = keywordsFromCaption(caption);
    expect(keywords).toHaveLength(12);
    expect(keywords[11]).toBe('wordlxx');
  });

  it('returns nothing for a caption without content words', () => {
    expect(keywordsFromCaption('A man and a woman.')).toEqual([]);
    expect(keywordsFromCaption('')).toEqual([]);
  });
});

describe('normaliseAnswer', () => {
  it('takes a structured answer, normalising every field', () => {
    const answer = normaliseAnswer({
      fields: {
        title: 'Fox',
        caption: 'A red fox.',
        altText: 'Image of a red fox.',
        longDescription: '  long  text ',
        keywords: ['fox', 'Fox', 'snow'],
      },
      text: 'ignored',
    });
    expect(answer).toEqual({
      title: 'Fox',
      caption: 'A red fox.',
      altText: 'A red fox.',
      longDescription: 'long text',
      keywords: ['fox', 'snow'],
    });
    expect(CaptionFieldsSchema.safeParse(answer).success).toBe(true);
  });

  it('accepts the field names models commonly use instead', () => {
    expect(
      normaliseAnswer({
        fields: { description: 'Fox.', tags: 'fox, snow', alt_text: 'Photo of a fox.', headline: 'Fox', long_description: 'More.' },
        text: null,
      }),
    ).toEqual({ title: 'Fox', caption: 'Fox.', altText: 'A fox.', longDescription: 'More.', keywords: ['fox', 'snow'] });
    expect(normaliseAnswer({ fields: { Caption: 'Fox.', Keywords: 'fox; snow' }, text: null })).toEqual({
      title: null,
      caption: 'Fox.',
      altText: 'Fox.',
      longDescription: null,
      keywords: ['fox', 'snow'],
    });
  });

  it('derives alt text and keywords from a plain-text caption', () => {
    expect(normaliseAnswer({ fields: null, text: 'A woman sits in the snow near a pine forest.' })).toEqual({
      title: null,
      caption: 'A woman sits in the snow near a pine forest.',
      altText: 'A person sits in the snow near a pine forest.',
      longDescription: null,
      keywords: ['sits', 'snow', 'pine', 'forest'],
    });
  });

  it('brings a provided alt text within the rules too', () => {
    const answer = normaliseAnswer({
      fields: { caption: 'A red fox in snow.', altText: 'A woman feeds a happy dog.' },
      text: null,
    });
    expect(answer?.altText).toBe('A person feeds a dog.');
  });

  it('falls back to keywords from the caption when the given ones are empty', () => {
    expect(normaliseAnswer({ fields: { caption: 'A fox', keywords: [] }, text: null })?.keywords).toEqual(['fox']);
    expect(normaliseAnswer({ fields: { caption: 'A fox', keywords: ['', '  '] }, text: null })?.keywords).toEqual(['fox']);
  });

  it('keeps every field within the stored limits', () => {
    const answer = normaliseAnswer({
      fields: {
        title: 'T'.repeat(200),
        caption: 'word '.repeat(1000),
        keywords: Array.from({ length: 50 }, (_, i) => `kw${i}`),
      },
      text: null,
    })!;
    expect(answer.title).toHaveLength(captionLimits.title);
    expect(codePoints(answer.caption)).toBeLessThanOrEqual(captionLimits.caption);
    expect(codePoints(answer.altText)).toBeLessThanOrEqual(captionLimits.altText);
    expect(answer.altText.endsWith('.')).toBe(true);
    expect(answer.keywords).toHaveLength(captionLimits.keywords);
  });

  it('keeps an emoji and CJK caption whole', () => {
    const answer = normaliseAnswer({ fields: null, text: '  猫と🐈‍⬛が窓辺で眠っている。  ' })!;
    expect(answer.caption).toBe('猫と🐈‍⬛が窓辺で眠っている。');
    expect(answer.altText.startsWith('猫と🐈‍⬛が窓辺で眠っている')).toBe(true);
    expect(answer.caption).not.toMatch(loneSurrogate);
    expect(answer.altText).not.toMatch(loneSurrogate);
  });

  it('yields null for a cut-off JSON answer rather than storing the JSON as a caption', () => {
    expect(normaliseAnswer({ fields: null, text: '{"caption": "A red fox' })).toBeNull();
    expect(normaliseAnswer({ fields: null, text: '  {"title": "Fox", "caption": "A red' })).toBeNull();
    expect(normaliseAnswer({ fields: null, text: '```json\n{"caption": "A red fox' })).toBeNull();
  });

  it('yields null when there is no caption at all', () => {
    expect(normaliseAnswer({ fields: null, text: null })).toBeNull();
    expect(normaliseAnswer({ fields: null, text: '   ' })).toBeNull();
    expect(normaliseAnswer({ fields: { caption: '' }, text: 'A red fox.' })).toBeNull();
    expect(normaliseAnswer({ fields: { caption: 42 }, text: 'A red fox.' })).toBeNull();
    expect(normaliseAnswer({ fields: { title: 'Only a title' }, text: null })).toBeNull();
  });
});

describe('parseStructuredAnswer', () => {
  it('finds the JSON object inside code fences or surrounding sentences', () => {
    expect(parseStructuredAnswer('```json\n{"caption":"x"}\n```')).toEqual({ caption: 'x' });
    expect(parseStructuredAnswer('Here you go: {"caption": "A fox", "keywords": ["fox"]} Hope it helps.')).toEqual({
      caption: 'A fox',
      keywords: ['fox'],
    });
    expect(parseStructuredAnswer('{"a": "}"}')).toEqual({ a: '}' });
  });

  it('returns null for a cut-off object, arrays, scalars and text without JSON', () => {
    expect(parseStructuredAnswer('{"caption": "A red fox')).toBeNull();
    expect(parseStructuredAnswer('{"caption": "A red fox", "keywords": ["fox", "sn')).toBeNull();
    expect(parseStructuredAnswer('[1, 2]')).toBeNull();
    expect(parseStructuredAnswer('null')).toBeNull();
    expect(parseStructuredAnswer('A red fox in snow.')).toBeNull();
    expect(parseStructuredAnswer('} {')).toBeNull();
  });

  it('returns null when two objects are run together', () => {
    expect(parseStructuredAnswer('{"a":1} and {"b":2}')).toBeNull();
  });
});

describe('normaliseAnswer on hostile answers', () => {
  /** Control characters, halves of characters and U+FFFD (what bytes that were not UTF-8 become). */
  const junk = '\u0000\u0007\u001b\u007f\u0085\udfff\ud800\ufffd';
  const unstorable = /[\p{Cc}\ufffd]/u;

  it('removes control and broken characters from every field', () => {
    const answer = normaliseAnswer({
      fields: {
        title: `Harbour${junk} at dusk`,
        caption: `Fishing boats${junk} rest in the harbour.`,
        altText: `Boats${junk} in a harbour`,
        longDescription: `Boats${junk}\ttied up\nfor the night.`,
        keywords: [`boat${junk}s`, junk, `har\u0000bour`],
      },
      text: null,
    })!;
    expect(answer).toEqual({
      title: 'Harbour at dusk',
      caption: 'Fishing boats rest in the harbour.',
      altText: 'Boats in a harbour.',
      longDescription: 'Boats tied up for the night.',
      keywords: ['boats', 'harbour'],
    });
    for (const text of [answer.title!, answer.caption, answer.altText, answer.longDescription!, ...answer.keywords]) {
      expect(text).not.toMatch(unstorable);
      expect(text).not.toMatch(loneSurrogate);
    }
  });

  it('yields null for an answer of nothing but control and broken characters', () => {
    expect(normaliseAnswer({ fields: null, text: junk.repeat(1000) })).toBeNull();
    expect(normaliseAnswer({ fields: { caption: junk }, text: null })).toBeNull();
  });

  it('cuts a caption that is one 10 MB word, and a 10 MB description, to their limits', () => {
    const answer = normaliseAnswer({
      fields: { caption: 'a'.repeat(10_000_000), longDescription: 'word '.repeat(2_000_000), title: '😀'.repeat(5_000_000) },
      text: null,
    })!;
    expect(answer.caption).toBe('a'.repeat(captionLimits.caption));
    expect(answer.altText).toBe(`A${'a'.repeat(captionLimits.altText - 2)}.`);
    expect(answer.longDescription).toHaveLength(captionLimits.longDescription - 1);
    expect(answer.title).toBe('😀'.repeat(captionLimits.title / 2));
  });

  it('takes 30 keywords from a list of 100,000 entries and from a 2 MB keyword string', () => {
    const list = Array.from({ length: 100_000 }, (_, index) => `kw${index % 1000}`);
    expect(normaliseAnswer({ fields: { caption: 'A fox.', keywords: list }, text: null })!.keywords).toEqual(list.slice(0, 30));
    const text = list.join(', ').repeat(3);
    expect(normaliseKeywords(text)).toEqual(list.slice(0, 30));
  });

  it('ignores fields of the wrong shape', () => {
    const nested: unknown = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    const answer = normaliseAnswer({
      fields: { caption: 'A fox in snow.', title: { text: 'Fox' }, altText: ['Fox'], longDescription: 42, keywords: nested },
      text: null,
    })!;
    expect(answer).toMatchObject({ caption: 'A fox in snow.', title: null, altText: 'A fox in snow.', longDescription: null });
    expect(answer.keywords).toEqual(['fox', 'snow']);
    expect(normaliseAnswer({ fields: { caption: nested, keywords: { a: 1 } }, text: null })).toBeNull();
  });
});

describe('parseStructuredAnswer on hostile answers', () => {
  it('survives JSON nested a million deep, inside an object or as the whole answer', () => {
    const deep = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
    expect(parseStructuredAnswer(deep)).toBeNull();
    const fields = parseStructuredAnswer(`{"caption": "A fox.", "keywords": ${deep}}`)!;
    expect(fields.caption).toBe('A fox.');
    expect(normaliseAnswer({ fields, text: null })!.keywords).toEqual(['fox']);
    expect(parseStructuredAnswer(`{"caption": ${'{"a":'.repeat(1_000_000)}1${'}'.repeat(1_000_000)}}`)).toMatchObject({ caption: {} });
  });
});
