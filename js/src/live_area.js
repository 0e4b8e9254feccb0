/**
 * Which notebook output areas hold a live view: the class `lw-live` on each.
 *
 * A LiveWidget is displayed with a static snapshot output beside its view
 * (`livewidget/_export_html.py`, for saved notebooks). Where the view is live, the stylesheet
 * (`widget.css`) hides that snapshot's output; it needs to know which output area holds a
 * live view. A CSS `:has(.lw-root)` on the area would tell, but a `:has()` looking through a
 * whole subtree makes Chromium re-check every output as outputs come and go, which slowed a
 * notebook of many widgets (docs/performance.md, "Many widgets"). So each view puts a hidden
 * mark element in its own element; the mark counts itself in the output area around it when it
 * enters the page and out when it leaves (a cleared output, a re-run cell, a closed widget).
 * Custom element callbacks run synchronously whenever the frontend attaches or detaches the
 * view, which it may do after `render` has returned. The rule keyed on the class then uses
 * child combinators only.
 */

/** The class of an output area holding a live view. */
export const LIVE_AREA = "lw-live";
/** Output areas: JupyterLab, Notebook 7 and Voila's; the classic Notebook's. */
const OUTPUT_AREA = ".jp-OutputArea, .output";
/** The mark's element name. */
const MARK_ELEMENT = "lw-live-mark";
/** output area → how many marks are in it (one count per page, whichever bundle made the mark). */
const COUNTS = Symbol.for("livewidget.liveAreas");

/**
 * The page's count of marks per output area.
 *
 * @returns {WeakMap<Element, number>}
 */
function markCounts() {
  const holder = /** @type {Record<symbol, WeakMap<Element, number>>} */ (/** @type {unknown} */ (globalThis));
  holder[COUNTS] ??= new WeakMap();
  return holder[COUNTS];
}

/**
 * Count a mark in (`step` 1) or out of (-1) `area`: the area carries `LIVE_AREA` while it
 * holds at least one.
 *
 * @param {Element} area
 * @param {number} step
 */
function countMark(area, step) {
  const counts = markCounts();
  const count = Math.max(0, (counts.get(area) ?? 0) + step);
  counts.set(area, count);
  area.classList.toggle(LIVE_AREA, count > 0);
}

/**
 * The mark's custom element class, on the page's own `HTMLElement`.
 *
 * @param {typeof HTMLElement} Base
 */
function markClass(Base) {
  return class LiveMark extends Base {
    /** @type {Element | null} the output area it was counted in */
    area = null;

    connectedCallback() {
      this.area = this.parentElement?.closest(OUTPUT_AREA) ?? null;
      if (this.area) countMark(this.area, 1);
    }

    disconnectedCallback() {
      if (this.area) countMark(this.area, -1);
      this.area = null;
    }
  };
}

/**
 * Mark the output area that `el` shows in (now, or once the frontend attaches it) as holding
 * a live view, until the returned function runs or `el` leaves the page. Does nothing in a
 * page without custom elements.
 *
 * @param {HTMLElement} el the view's element
 * @returns {() => void} takes the mark away
 */
export function markLiveArea(el) {
  const page = el.ownerDocument.defaultView;
  const registry = page?.customElements;
  if (!page || !registry) return () => {};
  if (!registry.get(MARK_ELEMENT)) registry.define(MARK_ELEMENT, markClass(page.HTMLElement));
  const mark = el.ownerDocument.createElement(MARK_ELEMENT);
  mark.hidden = true;
  el.append(mark);
  return () => mark.remove();
}
