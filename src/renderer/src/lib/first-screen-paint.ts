import type { RankedResults } from '../../../shared/embeddings';
import { canvasHeight, photoGridLayout, rowCount, rowStyle } from './grid-layout';
import { photoBadge } from './photo-badge';
import { searchPlaceholder } from './search-criteria';

/**
 * The grid's first screen, painted with plain DOM as soon as the opening search answers, before
 * React and the app (most of the script) are loaded: the thumbnails show without waiting for them,
 * and the app loads once they have (main.tsx). It lies over the app, hidden from assistive
 * technology and letting the pointer through, in the app's own classes and grid geometry, until
 * the app's grid shows the same thumbnails (`retireFirstScreen`) or the photographer scrolls,
 * types or clicks.
 */
const paintedClass = 'first-screen';
const inputsThatRetire = ['wheel', 'keydown', 'pointerdown', 'touchstart'] as const;

/** Resolves once the painted thumbnails have loaded (or failed to). */
export function paintFirstScreen(answer: RankedResults, thumbnailUrl: (fingerprint: string) => string): Promise<unknown> {
  // Nothing to show (the first run, an empty library), or the app's grid came first after all.
  if (answer.results.length === 0 || document.querySelector('#root [role="grid"]')) return Promise.resolve();
  const painted = element('div', paintedClass);
  painted.setAttribute('aria-hidden', 'true');
  const grid = element('div', 'photo-grid');
  grid.setAttribute('role', 'grid');
  grid.setAttribute('aria-label', 'Photos');
  const search = element('input', 'search');
  search.type = 'search';
  search.placeholder = searchPlaceholder;
  search.tabIndex = -1;
  painted.append(
    element('div', 'app', [
      element('nav', 'sidebar'),
      element('main', 'content', [
        element('header', 'toolbar', [search]),
        element('div', 'results', [grid]),
        element('footer', 'status-line'),
      ]),
    ]),
  );
  document.body.append(painted);

  // One layout, read once, so the rows are exactly where the app's grid will put them.
  const layout = photoGridLayout(grid.clientWidth, false);
  const rowsInView = Math.ceil(grid.clientHeight / layout.rowHeight);
  const canvas = element('div', 'grid-canvas');
  canvas.style.height = `${canvasHeight(rowCount(answer.total, layout.columns), layout)}px`;
  for (let row = 0; row < rowsInView; row++) {
    const photos = answer.results.slice(row * layout.columns, (row + 1) * layout.columns);
    if (photos.length === 0) break;
    const cells = photos.map((photo) => {
      const thumb = element('div', 'thumb');
      if (photo.hasThumbnail) {
        const image = element('img');
        image.src = thumbnailUrl(photo.fingerprint);
        image.alt = '';
        image.decoding = 'async';
        thumb.append(image);
      } else {
        const placeholder = element('span', 'placeholder');
        placeholder.textContent = photo.fileType.toUpperCase();
        thumb.append(placeholder);
      }
      const badge = photoBadge(photo);
      if (badge) {
        const mark = element('span', `badge badge-${badge.kind}`);
        mark.textContent = badge.text;
        thumb.append(mark);
      }
      return element('div', `tile${photo.status === 'missing' ? ' is-missing' : ''}`, [thumb]);
    });
    const line = element('div', 'grid-row', cells);
    Object.assign(line.style, rowStyle(row, layout));
    canvas.append(line);
  }
  grid.append(canvas);

  const inputs = new AbortController();
  const retireNow = () => {
    painted.remove();
    inputs.abort();
  };
  for (const type of inputsThatRetire) window.addEventListener(type, retireNow, { capture: true, passive: true, signal: inputs.signal });
  return Promise.allSettled(Array.from(canvas.querySelectorAll('img'), (image) => image.decode()));
}

/**
 * The app's grid is showing: the painted first screen goes once the app's thumbnails in view are
 * decoded, so the handover shows no empty frame.
 */
export function retireFirstScreen(): void {
  const painted = document.querySelector(`.${paintedClass}`);
  if (!painted) return;
  const inView = Array.from(document.querySelectorAll<HTMLImageElement>('#root [role="grid"] img')).filter((image) => {
    const box = image.getBoundingClientRect();
    return box.bottom > 0 && box.top < window.innerHeight;
  });
  void Promise.allSettled(inView.map((image) => image.decode())).then(() => painted.remove());
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, children: Node[] = []): HTMLElementTagNameMap[K] {
  const made = document.createElement(tag);
  if (className) made.className = className;
  made.append(...children);
  return made;
}
