import type { DetailLevel, Pricing } from '../../shared/captioning';
import type { ImageTokenRule } from '../providers/presets';

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
    case 'anthropic':
      return Math.round((width * height) / 750);
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

/** The size a photo is sent at: its own, fitted within the provider's long edge. */
export function sentSize(width: number | null, height: number | null, longEdge: number): { width: number; height: number } {
  // Unknown sizes are taken as a 3:2 camera frame.
  const w = width ?? 3;
  const h = height ?? 2;
  const scale = Math.min(1, longEdge / Math.max(w, h));
  return width && height
    ? { width: Math.round(w * scale), height: Math.round(h * scale) }
    : { width: longEdge, height: Math.round((longEdge * 2) / 3) };
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
