import type { Browser, Page } from 'playwright-core';

/**
 * Where a measured first paint starts from.
 *
 * - `other-site`: the tab first shows a page of another site, as a real tab does (a new-tab page,
 *   another site) when the photographer opens the address. With site isolation a navigation to
 *   another site gets a renderer of its own, so every page pays the same renderer swap whatever
 *   its headers.
 * - `blank`: the fresh tab's about:blank, as the bench did until 2026-12-04. Chromium hands that
 *   renderer to a page without Cross-Origin-Opener-Policy, but a page with it (captionist serve
 *   sends `same-origin`) must move to another one: only that page pays for the swap.
 */
export type PaintStart = 'other-site' | 'blank';

/**
 * The start page's address for pages served on 127.0.0.1: `localhost` is another site for
 * Chromium's process model (a site is scheme and host, or the IP address; ports do not count).
 */
export const otherSiteStartUrl = (port: number) => `http://localhost:${port}/start.html`;

export const startPageHtml = '<!doctype html><html><head><meta charset="utf-8"><title>start</title></head><body></body></html>';

/** Shows the start page in a fresh tab, or leaves its about:blank for `blank`. */
export async function goToStart(page: Page, start: PaintStart, startUrl: string): Promise<void> {
  if (start === 'other-site') await page.goto(startUrl);
}

export interface RendererSwap {
  /** The renderer process of the page the tab showed before the navigation. */
  startPid: number;
  /** The renderer process the measured page committed in. */
  pagePid: number;
  /** Milliseconds from the bench's call to navigate to the new document's time origin. */
  timeOriginLagMs: number;
}

interface TraceEvent {
  name: string;
  args?: { data?: { processId?: number; isOutermostMainFrame?: boolean; frames?: { processId: number; isOutermostMainFrame: boolean }[] } };
}

/**
 * The renderer processes before and after one navigation, from the browser's own trace
 * (`TracingStartedInBrowser` names the tab's frame and its process, `FrameCommittedInBrowser`
 * the process the new document committed in), and where the new document's clock starts.
 */
export async function rendererSwap(browser: Browser, page: Page, url: string): Promise<RendererSwap> {
  await browser.startTracing(page, { categories: ['disabled-by-default-devtools.timeline'] });
  const navigating = Date.now();
  await page.goto(url, { waitUntil: 'commit' });
  const timeOrigin = await page.evaluate(() => performance.timeOrigin);
  const events = (JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] }).traceEvents;
  const startFrame = events.find((event) => event.name === 'TracingStartedInBrowser')?.args?.data?.frames?.find((frame) => frame.isOutermostMainFrame);
  const commit = events.findLast((event) => event.name === 'FrameCommittedInBrowser' && event.args?.data?.isOutermostMainFrame);
  const pagePid = commit?.args?.data?.processId;
  if (!startFrame || pagePid === undefined) throw new Error(`The trace of the navigation to ${url} names no main frame's process`);
  return { startPid: startFrame.processId, pagePid, timeOriginLagMs: timeOrigin - navigating };
}
