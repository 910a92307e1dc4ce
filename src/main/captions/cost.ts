import type { DetailLevel, Pricing } from '../../shared/captioning';
import type { ImageLimits, ImageTokenRule } from '../providers/presets';

/**
 * Anthropic's published limits: the server scales an image down, keeping its shape, until its
 * long edge is at most 1568 px and it costs at most about 1,600 tokens of width·height/750.
 */
const anthropicServerLongEdge = 1568;
const anthropicMaxImageTokens = 1600;

/** Tokens an image costs as input, by the provider's published formula; null when it has none. */
export function imageTokens(rule: ImageTokenRule, width: number, height: number): number | null {
  switch (rule) {
    case 'inference-net': {
      const clamp = (value: number) => Math.min(2, Math.max(1, value));
      return Math.round(clamp(height / 560) * clamp(width / 560) * 1601);
    }
    case 'openai-tiles': {
      // Fit within 2048 px, then shrink the short side to 768 px; 170 tokens per 512 px tile plus 85.
      let scale = Math.min(1, 2048 / Math.max(width, height));
      scale *= Math.min(1, 768 / (Math.min(width, height) * scale));
      const tiles = Math.ceil((width * scale) / 512) * Math.ceil((height * scale) / 512);
      return 85 + 170 * tiles;
    }
    case 'anthropic': {
      const scale = Math.min(1, anthropicServerLongEdge / Math.max(width, height));
      return Math.round(Math.min((width * scale * height * scale) / 750, anthropicMaxImageTokens));
    }
    case 'none':
      return null;
  }
}

/** Rough size of our instructions and of an answer, for estimates before a run. */
const promptTokens = 350;
const answerTokens: Record<DetailLevel, number> = { low: 120, medium: 220, high: 500 };

export function hasPrice(pricing: Pricing): boolean {
  return (
    pricing.perImageUsd !== undefined ||
    pricing.perMillionInputTokensUsd !== undefined ||
    pricing.perMillionOutputTokensUsd !== undefined
  );
}

/** The price of one caption; null when no price is set or a priced count is unknown. */
export function captionCost(pricing: Pricing, inputTokens: number | null, outputTokens: number | null): number | null {
  if (!hasPrice(pricing)) return null;
  let cost = pricing.perImageUsd ?? 0;
  if (pricing.perMillionInputTokensUsd !== undefined) {
    if (inputTokens === null) return null;
    cost += (inputTokens * pricing.perMillionInputTokensUsd) / 1e6;
  }
  if (pricing.perMillionOutputTokensUsd !== undefined) {
    if (outputTokens === null) return null;
    cost += (outputTokens * pricing.perMillionOutputTokensUsd) / 1e6;
  }
  return cost;
}

/**
 * The long edge to make a photo's caption-ready copy at: the provider's, or less where the
 * service limits the pixel count, so a copy of this photo's shape stays within it. An unknown
 * size gets the edge that keeps even a square within the limit.
 */
export function sentLongEdge(width: number | null, height: number | null, limits: ImageLimits): number {
  const { longEdge, maxPixels } = limits;
  if (maxPixels === null) return longEdge;
  if (!width || !height) return Math.min(longEdge, Math.floor(Math.sqrt(maxPixels)));
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  let edge = Math.min(longEdge, Math.floor(Math.sqrt((maxPixels * long) / short)));
  // The short side is rounded when the copy is made: count it rounded up.
  while (edge * Math.ceil((short * edge) / long) > maxPixels) edge -= 1;
  // A photo within both limits is sent at its own size, as it would be at the provider's edge.
  return edge >= long ? longEdge : edge;
}

/** The size a photo is sent at: its own, fitted within the provider's limits. */
export function sentSize(width: number | null, height: number | null, limits: ImageLimits): { width: number; height: number } {
  const edge = sentLongEdge(width, height, limits);
  // Unknown sizes are taken as a 3:2 camera frame.
  if (!width || !height) return { width: edge, height: Math.round((edge * 2) / 3) };
  const scale = Math.min(1, edge / Math.max(width, height));
  return { width: Math.round(width * scale), height: Math.round(height * scale) };
}

/** Expected tokens of one caption: the image by formula (OpenAI's tiles when the provider publishes none), prompt and answer. */
export function expectedTokens(
  rule: ImageTokenRule,
  size: { width: number; height: number },
  detail: DetailLevel,
): { inputTokens: number; outputTokens: number } {
  const image = imageTokens(rule, size.width, size.height) ?? imageTokens('openai-tiles', size.width, size.height)!;
  return { inputTokens: image + promptTokens, outputTokens: answerTokens[detail] };
}
