/**
 * While the grid scrolls, rows pass through the view in a frame or two. A thumbnail asked for then
 * costs a request, a decode and a paint for a picture nobody sees, on the same two cores the
 * server answers with. So a thumbnail that appears mid-scroll waits until its row has stayed in
 * view this long; a row that leaves sooner never asks. Outside a scroll thumbnails load at once.
 */
export const thumbnailSettleMs = 120;

let lastScrollAt = Number.NEGATIVE_INFINITY;

/** The grid calls this on each scroll event. */
export function noteGridScrolled(): void {
  lastScrollAt = performance.now();
}

/** True when the grid is not scrolling, so a thumbnail shown now is one the photographer looks at. */
export function gridAtRest(): boolean {
  return performance.now() - lastScrollAt >= thumbnailSettleMs;
}
