/**
 * Skip what the diff proves unchanged: comprehension rows stay out of the patch.
 *
 * A keyed diff leaves unchanged rows as the very same row objects in the merged tree. A view
 * remembers which row objects its DOM shows. On the next patch, a row it already shows is
 * written as an empty placeholder — its root element's tag and id plus `data-lw-skip` —
 * instead of its HTML, and `dom_patch.js` keeps the element there as it is (morphdom matches
 * it by id, also when it moved). So a one-cell change in a thousand-row table builds and
 * walks one row, not a thousand.
 *
 * Only rows whose HTML is exactly one element with an id (whitespace around it allowed) can
 * be skipped; any other row is rendered in full, as before. A row's shape (that element, its
 * placeholder) is computed once per row object and cached; the rows of a list are learnt
 * together, in one parse, and after a full render while the page is idle.
 */

import { SKIP_ATTRIBUTE } from "./constants.js";
import { leavesFormattingOpen, skipsInsideFormatting } from "./formatting.js";
import { checkedListMarker, listMarker } from "./list_skip.js";
import { renderRowHTML, toHTML } from "./rendered.js";
import { streamState } from "./streams.js";

/** @typedef {import("./rendered.js").Tree} Tree */

/** Elements without an end tag cannot be placeholders (`<input></input>` is not one node). */
const VOID = new Set([
  "AREA", "BASE", "BR", "COL", "EMBED", "HR", "IMG", "INPUT", "LINK", "META", "SOURCE",
  "TRACK", "WBR",
]);

/**
 * What a row's HTML is: one element (its tag and id) with whitespace around it, or not.
 *
 * @typedef {object} RowShape
 * @property {string} tag the root element's tag name (lowercase)
 * @property {string} id the root element's id
 * @property {string} placeholder the row's HTML with the element emptied and marked to skip
 * @property {string} lead the whitespace before the element
 * @property {string} trail the whitespace after the element
 */

/** Between rows parsed together (see `learnShapes`). */
const ROW_BREAK = "lw-row-break";

/** row object → its shape, or null when the row is not one element with an id. */
const shapes = new WeakMap();

/** How many rows' HTML was parsed, for a shape or for a row patch (`row_patch.js`), for the tests. */
export const rowsParsed = { count: 0 };

/**
 * The shape of `row` (computed once per row object), or null when it cannot be skipped.
 *
 * @param {unknown[]} row
 * @param {string[]} statics the comprehension's statics
 * @param {Document} doc where to parse the row's HTML
 * @returns {RowShape | null}
 */
export function rowShape(row, statics, doc) {
  let shape = shapes.get(row);
  if (shape === undefined) {
    shape = computeShape(renderRowHTML(statics, row), doc);
    shapes.set(row, shape);
  }
  return shape;
}

/**
 * Give `row` the shape of `like`, a row on screen it differs from in texts alone
 * (`text_patch.js`): the same element, tag, id and whitespace, so no parse is needed.
 *
 * @param {unknown[]} row
 * @param {RowShape} like
 */
export function adoptShape(row, like) {
  if (!shapes.has(row)) shapes.set(row, like);
}

/**
 * The shape of `row`, as `rowShape` gives it, and, when the row had to be parsed for it just
 * now, its HTML and parsed element: a row about to be patched in is then parsed once, not
 * once for its shape and again for the patch. The element is the caller's to use once.
 *
 * @param {unknown[]} row
 * @param {string[]} statics the comprehension's statics
 * @param {Document} doc where to parse the row's HTML
 * @returns {{shape: RowShape | null, parsed: {html: string, element: Element} | null}}
 */
export function rowShapeParsed(row, statics, doc) {
  const known = shapes.get(row);
  if (known !== undefined) return { shape: known, parsed: null };
  const html = renderRowHTML(statics, row);
  const template = doc.createElement("template");
  rowsParsed.count += 1;
  template.innerHTML = html;
  const nodes = Array.from(template.content.childNodes);
  const shape = shapeOf(html, nodes);
  shapes.set(row, shape);
  const element = /** @type {Element | undefined} */ (nodes.find((node) => node.nodeType === 1));
  return { shape, parsed: shape && element ? { html, element } : null };
}

/**
 * Learn the shapes of many rows at once (those not known yet): their HTML is parsed in one
 * go, with a comment between rows, which costs a fraction of parsing each row alone (the
 * first patch of a thousand-row table would otherwise parse a thousand times). When a row
 * leaves an element open, so that a comment lands inside a row instead of between rows,
 * nothing is learnt here and each row is parsed on its own when asked.
 *
 * @param {unknown[]} rows
 * @param {string[]} statics the comprehension's statics
 * @param {Document} doc
 * @param {(row: unknown[]) => boolean} [wanted] which of the rows to learn (default: all)
 */
export function learnShapes(rows, statics, doc, wanted) {
  const missing = /** @type {unknown[][]} */ (
    rows.filter((row) => Array.isArray(row) && !shapes.has(row) && (!wanted || wanted(row)))
  );
  if (missing.length < 2) return;
  const htmls = missing.map((row) => renderRowHTML(statics, row));
  rowsParsed.count += missing.length;
  const template = doc.createElement("template");
  template.innerHTML = htmls.join(`<!--${ROW_BREAK}-->`);
  /** @type {ChildNode[][]} */
  const parts = [[]];
  for (const node of Array.from(template.content.childNodes)) {
    if (node.nodeType === 8 && node.nodeValue === ROW_BREAK) parts.push([]);
    else parts[parts.length - 1].push(node);
  }
  if (parts.length !== missing.length) return;
  missing.forEach((row, i) => shapes.set(row, shapeOf(htmls[i], parts[i])));
}

/**
 * Learn the shapes of the rows of every list in `tree` once the page is idle, so that the
 * first patch after a full render does not parse them then (tens of milliseconds for a
 * thousand rows, on the user's first click).
 *
 * @param {Tree} tree
 * @param {Document} doc
 */
export function learnShapesWhenIdle(tree, doc) {
  const win = doc.defaultView;
  if (!win) return;
  const learn = () => eachList(tree, (rows, statics) => learnShapes(rows, statics, doc));
  if (typeof win.requestIdleCallback === "function") win.requestIdleCallback(learn, { timeout: 1000 });
  else win.setTimeout(learn, 0);
}

/**
 * Call `visit` with the rows and statics of every comprehension in `node`, nested ones too.
 *
 * @param {unknown} node
 * @param {(rows: unknown[], statics: string[]) => void} visit
 */
function eachList(node, visit) {
  if (typeof node !== "object" || node === null || Array.isArray(node)) return;
  const tree = /** @type {Tree} */ (node);
  if (streamState(tree) !== undefined) return; // its rows are patched without their shapes
  const rows = tree.d;
  if (Array.isArray(rows)) {
    if (Array.isArray(tree.s)) visit(rows, tree.s);
    for (const row of rows) if (Array.isArray(row)) for (const value of row) eachList(value, visit);
    return;
  }
  for (const [key, value] of Object.entries(tree)) if (key !== "s") eachList(value, visit);
}

/** How many rows a view was told are on screen after a row patch (`showing`), for the tests. */
export const rowsShown = { count: 0 };

/** How many rows the skipper looked at one by one to build a view's HTML, for the tests. */
export const rowsLooked = { count: 0 };

/** Builds a view's HTML with placeholders for the rows its DOM already shows. */
export class RowSkipper {
  /** @param {Document} doc the document the view lives in (to parse rows once) */
  constructor(doc) {
    /** @private */
    this.doc = doc;
    /** @private Rows the DOM shows since the last committed patch (with `carried`'s). */
    this.shown = new WeakSet();
    /**
     * @private Lists whose rows the DOM shows too, all of them: kept whole, not row by row,
     * until a row is asked about (`isShown`).
     * @type {unknown[][][]}
     */
    this.carried = [];
    /** @private Rows of the HTML built last. */
    this.pending = new WeakSet();
    /** @private Lists of the HTML built last, written whole as checked. @type {unknown[][][]} */
    this.pendingCarried = [];
  }

  /**
   * The HTML of `tree`, with placeholders for rows already shown. With `lists`, a list whose
   * rows are all shown becomes one marker instead, recorded in `lists` (see `list_skip.js`);
   * with `checked` too (the view's lists checked on a page untouched since, `dom_quiet.js`),
   * such a list's marker is made without looking at its rows one by one.
   *
   * @param {Tree} tree
   * @param {import("./list_skip.js").SkippedList[]} [lists]
   * @param {WeakMap<unknown[], import("./dom_quiet.js").Checked>} [checked]
   * @returns {string}
   */
  html(tree, lists, checked) {
    const pending = new WeakSet();
    /** @type {unknown[][][]} */
    const carried = [];
    this.pending = pending;
    this.pendingCarried = carried;
    /** @param {unknown[]} row @param {string[]} statics */
    const shownShape = (row, statics) => (this.isShown(row) ? rowShape(row, statics, this.doc) : null);
    /** @param {Tree} comprehension */
    const skipList = (comprehension) => {
      // A stream's rows are not read: the view knows where they are (`stream_patch.js`).
      if (streamState(comprehension) !== undefined) return lists ? listMarker(comprehension, shownShape, lists) : null;
      const rows = /** @type {unknown[][]} */ (comprehension.d);
      const known = lists && checked?.get(rows);
      if (known) {
        const marker = checkedListMarker(comprehension, known, (row) => rowShape(row, comprehension.s, this.doc), lists);
        if (marker !== null) {
          carried.push(rows);
          return marker;
        }
      }
      rowsLooked.count += rows.length;
      learnShapes(rows, comprehension.s, this.doc, (row) => this.isShown(row));
      if (!lists) return null;
      const marker = listMarker(comprehension, shownShape, lists);
      if (marker !== null) for (const row of rows) pending.add(row);
      return marker;
    };
    let skipped = false;
    const html = toHTML(
      tree,
      (row, statics) => {
        rowsLooked.count += 1;
        pending.add(row);
        const placeholder = shownShape(row, statics)?.placeholder ?? null;
        skipped ||= placeholder !== null;
        return placeholder;
      },
      (comprehension) => {
        const marker = skipList(comprehension);
        skipped ||= marker !== null;
        return marker;
      },
    );
    if (!skipped || !skipsInsideFormatting(html)) return html;
    // Rows kept where the parser would reopen a formatting element inside them: they would
    // not change as the full render does. Then this patch writes every row.
    if (lists) lists.length = 0;
    this.reset();
    return this.html(tree);
  }

  /**
   * Whether the DOM shows `row`. The lists kept whole are spread into the rows' set first
   * (once: a patch that asks about one row of a list asks about all of them).
   *
   * @private
   * @param {unknown[]} row
   * @returns {boolean}
   */
  isShown(row) {
    if (this.carried.length > 0) {
      for (const rows of this.carried) for (const one of rows) this.shown.add(one);
      this.carried = [];
    }
    return this.shown.has(row);
  }

  /** The HTML built last is on screen now. */
  commit() {
    this.shown = this.pending;
    this.carried = this.pendingCarried;
  }

  /**
   * These rows are on screen now (patched in place, see `row_patch.js`). Only the rows a
   * patch put there: those it kept are the very row objects shown before.
   *
   * @param {unknown[][]} rows
   */
  showing(rows) {
    rowsShown.count += rows.length;
    for (const row of rows) this.shown.add(row);
  }

  /** Forget what is on screen (the next HTML is complete). */
  reset() {
    this.shown = new WeakSet();
    this.carried = [];
  }
}

/**
 * A copy of `el` (new HTML, parsed) with each row placeholder in it replaced by a copy of that
 * row as `previous` (an earlier copy of the same element) holds it: the element as the server
 * renders it, to compare with `previous`. A placeholder `previous` does not hold stays.
 *
 * @param {Element} el
 * @param {Element} previous
 * @returns {Element}
 */
export function withRowsFrom(el, previous) {
  const copy = /** @type {Element} */ (el.cloneNode(true));
  const placeholders = copy.querySelectorAll(`[${SKIP_ATTRIBUTE}]`);
  if (placeholders.length === 0) return copy;
  const rows = new Map();
  for (const row of Array.from(previous.querySelectorAll("[id]"))) if (!rows.has(row.id)) rows.set(row.id, row);
  for (const placeholder of Array.from(placeholders)) {
    const row = rows.get(placeholder.id);
    if (row) placeholder.replaceWith(row.cloneNode(true));
  }
  return copy;
}

/**
 * @param {string} html one row's HTML
 * @param {Document} doc
 * @returns {RowShape | null}
 */
function computeShape(html, doc) {
  rowsParsed.count += 1;
  const template = doc.createElement("template");
  template.innerHTML = html;
  return shapeOf(html, Array.from(template.content.childNodes));
}

/**
 * @param {string} html one row's HTML
 * @param {ChildNode[]} nodes what it parses into
 * @returns {RowShape | null}
 */
function shapeOf(html, nodes) {
  if (leavesFormattingOpen(html)) return null;
  const elements = nodes.filter((node) => node.nodeType === 1);
  if (elements.length !== 1) return null;
  const element = /** @type {Element} */ (elements[0]);
  if (!element.id || VOID.has(element.tagName)) return null;
  if (nodes.some((node) => node.nodeType !== 1 && !(node.nodeType === 3 && !node.textContent?.trim()))) {
    return null;
  }
  const start = html.indexOf("<");
  const end = html.lastIndexOf(">") + 1;
  const tag = element.localName;
  // The placeholder stands for the HTML up to the last ">": with the end tag left out
  // (`<li id="a">text`, which HTML allows), that would leave the text beside it.
  if (!html.slice(0, end).toLowerCase().endsWith(`</${tag}>`)) return null;
  const id = element.id.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
  const placeholder = `${html.slice(0, start)}<${tag} id="${id}" ${SKIP_ATTRIBUTE}></${tag}>${html.slice(end)}`;
  return { tag, id: element.id, placeholder, lead: html.slice(0, start), trail: html.slice(end) };
}
