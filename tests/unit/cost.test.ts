import { describe, expect, it } from 'vitest';
import { captionCost, expectedTokens, hasPrice, imageTokens, sentLongEdge, sentSize } from '../../src/main/captions/cost';
import { imageLimitsFor, providerConfigFrom } from '../../src/main/providers/presets';

/** A provider's long edge, with no limit of its service on the pixel count. */
const edge = (longEdge: number) => ({ longEdge, maxPixels: null });
/** Anthropic's limits as the type's defaults set them: 1568 px and 1.15 megapixels. */
const anthropic = imageLimitsFor(providerConfigFrom({ name: 'claude', type: 'anthropic' }));

describe('imageTokens', () => {
  it('inference-net: clamp(h/560,1,2) * clamp(w/560,1,2) * 1601', () => {
    expect(imageTokens('inference-net', 560, 560)).toBe(1601);
    expect(imageTokens('inference-net', 300, 200)).toBe(1601);
    expect(imageTokens('inference-net', 1120, 1120)).toBe(6404);
    expect(imageTokens('inference-net', 4000, 4000)).toBe(6404);
    // (683/560) * (1024/560) * 1601 = 3570.54
    expect(imageTokens('inference-net', 1024, 683)).toBe(3571);
    expect(imageTokens('inference-net', 683, 1024)).toBe(3571);
    expect(imageTokens('inference-net', 4000, 100)).toBe(3202);
  });

  it('openai-tiles: 85 + 170 per 512 px tile after fitting in 2048 and the short side in 768', () => {
    expect(imageTokens('openai-tiles', 1024, 1024)).toBe(765);
    expect(imageTokens('openai-tiles', 2048, 4096)).toBe(1105);
    expect(imageTokens('openai-tiles', 1536, 1024)).toBe(1105);
    expect(imageTokens('openai-tiles', 512, 512)).toBe(255);
    // Small images are never scaled up.
    expect(imageTokens('openai-tiles', 100, 100)).toBe(255);
    expect(imageTokens('openai-tiles', 1024, 683)).toBe(765);
  });

  it('anthropic: width * height / 750, rounded, after the server has scaled the image to its limits', () => {
    expect(imageTokens('anthropic', 1000, 750)).toBe(1000);
    expect(imageTokens('anthropic', 1312, 875)).toBe(1531);
    // Over about 1,600 tokens the server scales the image down until it costs that.
    expect(imageTokens('anthropic', 1568, 1045)).toBe(1600);
    expect(imageTokens('anthropic', 1092, 1092)).toBe(1590);
    expect(imageTokens('anthropic', 6000, 4000)).toBe(1600);
    // A long strip is first brought within 1568 px: 1568 x 200 costs 418 tokens.
    expect(imageTokens('anthropic', 7840, 1000)).toBe(418);
  });

  it('none: null', () => {
    expect(imageTokens('none', 1024, 1024)).toBeNull();
  });
});

describe('captionCost', () => {
  it('is null when no price is set', () => {
    expect(hasPrice({})).toBe(false);
    expect(captionCost({}, 1000, 100)).toBeNull();
  });

  it('charges a per-image price without needing token counts', () => {
    expect(captionCost({ perImageUsd: 0.002 }, null, null)).toBe(0.002);
    expect(captionCost({ perImageUsd: 0 }, null, null)).toBe(0);
  });

  it('adds input and output tokens at their prices per million', () => {
    expect(captionCost({ perMillionInputTokensUsd: 0.1, perMillionOutputTokensUsd: 0.4 }, 2000, 200)).toBeCloseTo(0.00028, 12);
    expect(captionCost({ perImageUsd: 0.001, perMillionInputTokensUsd: 1 }, 1_000_000, null)).toBeCloseTo(1.001, 12);
  });

  it('is null when a priced count is unknown', () => {
    expect(captionCost({ perMillionInputTokensUsd: 0.1 }, null, 5)).toBeNull();
    expect(captionCost({ perImageUsd: 0.01, perMillionOutputTokensUsd: 0.4 }, 100, null)).toBeNull();
  });
});

describe('sentSize', () => {
  it('fits the photo within the long edge, keeping its shape', () => {
    expect(sentSize(6000, 4000, edge(1024))).toEqual({ width: 1024, height: 683 });
    expect(sentSize(4000, 6000, edge(1536))).toEqual({ width: 1024, height: 1536 });
  });

  it('never enlarges a small photo', () => {
    expect(sentSize(800, 600, edge(1024))).toEqual({ width: 800, height: 600 });
    expect(sentSize(800, 600, anthropic)).toEqual({ width: 800, height: 600 });
  });

  it('takes an unknown size as a 3:2 frame at the long edge', () => {
    expect(sentSize(null, null, edge(1024))).toEqual({ width: 1024, height: 683 });
    expect(sentSize(1000, null, edge(1536))).toEqual({ width: 1536, height: 1024 });
    expect(sentSize(0, 400, edge(1024))).toEqual({ width: 1024, height: 683 });
  });

  it("keeps Anthropic's photos within 1.15 megapixels and 1568 px, whatever their shape", () => {
    // A 3:2 frame at 1568 px would be 1.64 megapixels.
    expect(sentSize(6000, 4000, anthropic)).toEqual({ width: 1312, height: 875 });
    expect(sentSize(4000, 6000, anthropic)).toEqual({ width: 875, height: 1312 });
    expect(sentSize(4000, 3000, anthropic)).toEqual({ width: 1237, height: 928 });
    expect(sentSize(5000, 5000, anthropic)).toEqual({ width: 1072, height: 1072 });
    // A panorama meets the long edge first.
    expect(sentSize(12000, 3000, anthropic)).toEqual({ width: 1568, height: 392 });
    for (const [width, height] of [[6000, 4000], [4000, 3000], [5000, 5000], [6000, 3375], [4032, 3024], [3000, 7000], [1601, 1599]]) {
      const sent = sentSize(width!, height!, anthropic);
      expect(sent.width * sent.height).toBeLessThanOrEqual(1_150_000);
      // As the copy is made: the long edge given, the short side rounded, here rounded up.
      const long = sentLongEdge(width!, height!, anthropic);
      expect(long * Math.ceil((Math.min(width!, height!) * long) / Math.max(width!, height!))).toBeLessThanOrEqual(1_150_000);
      expect(long).toBeLessThanOrEqual(1568);
    }
  });

  it('sends a photo of unknown size to Anthropic at a long edge that keeps even a square within 1.15 megapixels', () => {
    expect(sentLongEdge(null, null, anthropic)).toBe(1072);
    expect(sentSize(null, null, anthropic)).toEqual({ width: 1072, height: 715 });
  });

  it("makes copies at the provider's own long edge when the pixel limit does not bind", () => {
    expect(sentLongEdge(6000, 4000, edge(1024))).toBe(1024);
    expect(sentLongEdge(1000, 800, anthropic)).toBe(1568);
  });
});

describe('expectedTokens', () => {
  it('adds the image by formula, the prompt and the answer for the detail level', () => {
    expect(expectedTokens('inference-net', { width: 1024, height: 683 }, 'high')).toEqual({ inputTokens: 3571 + 350, outputTokens: 500 });
    expect(expectedTokens('anthropic', { width: 1000, height: 750 }, 'medium')).toEqual({ inputTokens: 1350, outputTokens: 220 });
  });

  it("falls back to OpenAI's tiles when the provider publishes no formula", () => {
    expect(expectedTokens('none', { width: 1024, height: 683 }, 'low')).toEqual({ inputTokens: 765 + 350, outputTokens: 120 });
  });
});
