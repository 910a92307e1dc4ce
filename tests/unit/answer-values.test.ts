import { describe, expect, it } from 'vitest';
import { reportedModel, taskIdFrom, tokenCount } from '../../src/main/providers/answer-values';
import { storableText } from '../../src/shared/text';

describe('storableText', () => {
  it('removes NUL and other control characters but keeps tabs and line breaks', () => {
    expect(storableText('a\u0000b\u0001c\u001bd\u007fe\u0085f\tg\nh\r\ni')).toBe('abcdef\tg\nh\r\ni');
  });

  it('removes lone surrogates and the replacement character, keeping whole emoji and accents', () => {
    expect(storableText('caf\u00e9 \ud800x\udc00y \ufffdz 😀 👩‍👩‍👧 e\u0301')).toBe('café xy z 😀 👩‍👩‍👧 e\u0301');
  });
});

describe('reportedModel', () => {
  it('keeps a plausible model name, cleaned, and falls back on anything else', () => {
    expect(reportedModel('gpt-4o-mini-2024-07-18', 'asked')).toBe('gpt-4o-mini-2024-07-18');
    expect(reportedModel(' gpt\u0000-4o ', 'asked')).toBe('gpt-4o');
    expect(reportedModel('m'.repeat(201), 'asked')).toBe('asked');
    expect(reportedModel('\u0000\ufffd ', 'asked')).toBe('asked');
    expect(reportedModel(42, 'asked')).toBe('asked');
    expect(reportedModel({ name: 'x' }, 'asked')).toBe('asked');
  });
});

describe('tokenCount', () => {
  it('takes whole non-negative counts only', () => {
    expect(tokenCount(0)).toBe(0);
    expect(tokenCount(1645)).toBe(1645);
    for (const bad of [-1, 1.5, 1e300, Number.NaN, Infinity, '1645', null, undefined, {}]) expect(tokenCount(bad)).toBeNull();
  });
});

describe('taskIdFrom', () => {
  it('takes short visible ids, as text or whole numbers', () => {
    expect(taskIdFrom('pred_3f9c1a')).toBe('pred_3f9c1a');
    expect(taskIdFrom(90000001)).toBe('90000001');
    expect(taskIdFrom('x'.repeat(200))).toHaveLength(200);
    for (const bad of ['', 'x'.repeat(201), 'a b', 'a\u0000b', 'é', 1.5, -1.5, null, {}, ['a']]) expect(taskIdFrom(bad)).toBeNull();
  });
});
