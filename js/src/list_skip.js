/**
 * Patch around lists the diff proves unchanged: a title above a thousand-row table is one
 * text change, not a walk over the table.
 *
 * A list (comprehension) whose rows are all on screen already, each one element with an id,
 * is written into the new HTML as a single marker comment, `<!--lw-list:N-->`, with the rows'
 * outer whitespace around it. Parsing that HTML costs nothing for the list. The patch then
 * walks the page and the parsed HTML side by side, only down the elements that hold a
 * marker: a marker must line up with the list's row elements on the page (ids in order, the
 * same whitespace between them), which are left exactly as they are; every other node is
 * morphed on its own (`dom_patch.js`), so nothing outside the lists is handled differently
 * from a full patch.
 *
 * When the page and the HTML do not line up node for node along that path (an element
 * added or removed beside a list, a list's parent with a hook or `phx-update` or a select
 * holding a list, rows that are not where they were, an element with an id that moves from
 * one morphed element to another), nothing is touched and the caller patches in full.
 */

import { LIST_MARKER, PHX_HOOK, PHX_UPDATE, UPDATE_STREAM } from "./constants.js";
import { holdsReopened, Morph, parseLike, patchElement, syncAttributes } from "./dom_patch.js";
import { checkedLists, settleChecked } from "./dom_quiet.js";
import { elementsById } from "./ownership.js";
import { streamEnds, streamWhitespace } from "./stream_patch.js";
import { streamState } from "./streams.js";

/** @typedef {import("./rendered.js").Tree} Tree */
/** @typedef {import("./dom_patch.js").PatchObserver} PatchObserver */
/** @typedef {import("./row_skip.js").RowShape} RowShape */

/**
 * One list written as a marker: what its rows look like on the page.
 *
 * @typedef {object} SkippedList
 * @property {string[]} ids the ids of its rows' elements, in order
 * @property {unknown[]} [rows] its rows (a list checked before is stepped over whole)
 * @property {string} [lead] the whitespace before each row's element
 * @property {string} [trail] the whitespace after each row's element
 * @property {string} separator the whitespace between two rows
 * @property {boolean} [ends] `ids` holds only the first and the last row's id: the list was
 *   checked on a page untouched since (`checkedListMarker`), it is stepped over whole or the
 *   page does not line up
 * @property {{node: Tree, state: import("./streams.js").StreamState}} [stream] a stream's list:
 *   its rows are found from its first and last, which the view records (`stream_patch.js`)
 */

/** How many rows the patch around lists set out to walk one by one (their lists' sizes), for the tests. */
export const rowsWalked = { count: 0 };

/**
 * @typedef {object} Step
 * @property {Node} from a node of the page
 * @property {Node} to its new version, from the parsed HTML
 * @property {"text" | "element" | "path"} kind a text or comment to set, an element to morph,
 *   or an element holding a list: its attributes only (its children are steps of their own)
 */

/**
 * The marker standing for all the rows of `comprehension`, or null when it cannot stand for
 * them (a row not on screen, or not one element with an id, or rows with different
 * whitespace around them).
 *
 * @param {Tree} comprehension
 * @param {(row: unknown[], statics: string[]) => RowShape | null} shownShape the shape of a
 *   row the page shows, or null for a row it does not show or that is not one element
 * @param {SkippedList[]} lists the lists written as markers so far, appended to
 * @returns {string | null}
 */
export function listMarker(comprehension, shownShape, lists) {
  const state = streamState(comprehension);
  if (state !== undefined) {
    // A stream: its rows are not read, the view knows where they start and end.
    const space = streamWhitespace(comprehension, state);
    if (space === null) return null;
    lists.push({ ids: [], separator: "", stream: { node: comprehension, state } });
    return `${space.lead}<!--${LIST_MARKER}${lists.length - 1}-->${space.trail}`;
  }
  const rows = /** @type {unknown[]} */ (comprehension.d);
  if (rows.length === 0) return null;
  const ids = [];
  let lead = "";
  let trail = "";
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const shape = Array.isArray(row) ? shownShape(row, comprehension.s) : null;
    if (!shape) return null;
    if (i === 0) ({ lead, trail } = shape);
    else if (shape.lead !== lead || shape.trail !== trail) return null;
    ids.push(shape.id);
  }
  lists.push({ ids, separator: trail + lead, rows, lead, trail });
  return `${lead}<!--${LIST_MARKER}${lists.length - 1}-->${trail}`;
}

/**
 * The marker standing for all the rows of a list the row patch checked (`dom_quiet.js`), on
 * a page nothing else touched since: only its first and last rows are read, the rest are on
 * screen between them. Null when their shapes are not known one-element rows.
 *
 * @param {Tree} comprehension
 * @param {import("./dom_quiet.js").Checked} known the list's record
 * @param {(row: unknown[]) => RowShape | null} shapeOf the shape of one of its rows
 * @param {SkippedList[]} lists the lists written as markers so far, appended to
 * @returns {string | null}
 */
export function checkedListMarker(comprehension, known, shapeOf, lists) {
  const rows = /** @type {unknown[]} */ (comprehension.d);
  const [first, last] = [rows[0], rows[rows.length - 1]];
  if (!Array.isArray(first) || !Array.isArray(last)) return null;
  const [firstShape, lastShape] = [shapeOf(first), shapeOf(last)];
  if (!firstShape || !lastShape) return null;
  const { lead, trail } = known;
  lists.push({ ids: [firstShape.id, lastShape.id], separator: trail + lead, rows, lead, trail, ends: true });
  return `${lead}<!--${LIST_MARKER}${lists.length - 1}-->${trail}`;
}

/**
 * Morph the children of `container` into `html`, leaving the rows of `lists` as they are.
 *
 * @param {Element} container the view's element
 * @param {string} html the new inner HTML, with markers for `lists` (see `listMarker`)
 * @param {SkippedList[]} lists
 * @param {PatchObserver} [observer]
 * @returns {"patched" | "not lined up" | "orphan placeholder"} "not lined up" when the page
 *   and the HTML do not line up: nothing was touched, and the caller must patch otherwise;
 *   "orphan placeholder" when a row placeholder outside the lists found no element to keep
 *   (see `row_skip.js`): the caller must patch again with the full HTML
 */
export function patchAroundLists(container, html, lists, observer) {
  // Its lists' rows may hold what the parser reopened in them (see `holdsReopened`).
  if (holdsReopened(container)) return "not lined up";
  const target = parseLike(container, html);
  const markers = findMarkers(target, lists);
  if (markers === null) return "not lined up";
  const path = new Set();
  for (const marker of markers.keys()) {
    for (let node = marker.parentNode; node && node !== target; node = node.parentNode) path.add(node);
  }
  /** @type {Step[]} */
  const steps = [];
  /** @type {[unknown[], import("./dom_quiet.js").Checked][]} */
  const checked = [];
  if (!plan(container, target, { container, markers, path, checked }, steps)) return "not lined up";
  const morph = new Morph(container, observer);
  for (const { from, to, kind } of steps) {
    if (kind === "text") from.nodeValue = to.nodeValue;
    else if (kind === "element") patchElement(/** @type {Element} */ (from), /** @type {Element} */ (to), morph);
    // An element holding a list: its attributes only, through the same callbacks.
    else if (morph.options.onBeforeElUpdated(/** @type {Element} */ (from), /** @type {Element} */ (to))) {
      syncAttributes(/** @type {Element} */ (from), /** @type {Element} */ (to));
    }
  }
  if (morph.orphanPlaceholder) return "orphan placeholder";
  // The lists stepped over are as checked; the next patch needs to read only what changes.
  settleChecked(container, checked);
  return "patched";
}

/**
 * The marker comments of `target`, each with its list; null unless each list has exactly one.
 *
 * @param {Element} target
 * @param {SkippedList[]} lists
 * @returns {Map<Node, SkippedList> | null}
 */
function findMarkers(target, lists) {
  const doc = target.ownerDocument;
  const walker = doc.createTreeWalker(target, 128 /* NodeFilter.SHOW_COMMENT */);
  /** @type {Map<Node, SkippedList>} */
  const markers = new Map();
  const seen = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const data = node.nodeValue ?? "";
    if (!data.startsWith(LIST_MARKER)) continue;
    const list = lists[Number(data.slice(LIST_MARKER.length))];
    if (!list || seen.has(list)) return null;
    seen.add(list);
    markers.set(node, list);
  }
  return seen.size === lists.length ? markers : null;
}

/**
 * Line up the children of `from` (on the page) with those of `to` (parsed), recording the
 * steps; false at the first node that does not line up.
 *
 * @param {Node} from
 * @param {Node} to
 * @param {{container: Element, markers: Map<Node, SkippedList>, path: Set<Node>, checked: [unknown[], import("./dom_quiet.js").Checked][]}} context
 *   `checked` collects the lists whose rows were found in place
 * @param {Step[]} steps
 * @returns {boolean}
 */
function plan(from, to, context, steps) {
  let page = from.firstChild;
  for (let next = to.firstChild; next; next = next.nextSibling) {
    const list = context.markers.get(next);
    if (list) {
      const after = list.stream ? skipStream(page, list.stream, context.container) : skipRows(page, list, context);
      if (after === undefined) return false;
      page = after;
      continue;
    }
    if (!page || page.nodeType !== next.nodeType) return false;
    if (next.nodeType === 1) {
      const el = /** @type {Element} */ (page);
      const source = /** @type {Element} */ (next);
      if (el.nodeName !== source.nodeName || el.id !== source.id) return false;
      if (context.path.has(next)) {
        // Hooks and `phx-update` see an element whole, and a select's selection follows its
        // options only when it is morphed whole (a focused one is left as the user has it):
        // the full patch handles those.
        // A stream's container is patched as any element: the tree holds every row it shows.
        const update = el.getAttribute(PHX_UPDATE);
        if (el.hasAttribute(PHX_HOOK) || (update !== null && update !== UPDATE_STREAM) || el.nodeName === "SELECT") return false;
        steps.push({ from: el, to: source, kind: "path" });
        if (!plan(el, source, context, steps)) return false;
      } else {
        if (!idsStayInside(el, source, context.container)) return false;
        steps.push({ from: el, to: source, kind: "element" });
      }
    } else if (page.nodeValue !== next.nodeValue) steps.push({ from: page, to: next, kind: "text" });
    page = page.nextSibling;
  }
  return page === null;
}

/**
 * Step over a list's rows on the page, checking them: the node after them, or undefined when
 * the page does not show exactly those rows there.
 *
 * @param {ChildNode | null} node the first row's element, if the page lines up
 * @param {SkippedList} list
 * @param {{container: Element, checked: [unknown[], import("./dom_quiet.js").Checked][]}} context
 * @returns {ChildNode | null | undefined}
 */
function skipRows(node, { ids, separator, rows, lead = "", trail = "", ends }, { container, checked }) {
  // Rows checked before, on a page nothing else has changed since (`dom_quiet.js`): they
  // are all there, in order, from the first row's element to the last's.
  const known = rows && ids.length > 0 ? checkedLists(container).get(rows) : undefined;
  if (rows && known) {
    const [first, last] = elementsById(container, [ids[0], ids[ids.length - 1]]);
    if (first && first === node && last?.parentNode === node.parentNode) {
      checked.push([rows, known]);
      return last.nextSibling;
    }
  }
  if (ends) return undefined; // its ids in between are not known: the caller patches in full
  rowsWalked.count += ids.length;
  const parent = node?.parentElement;
  const start = node;
  for (let i = 0; i < ids.length; i++) {
    if (i > 0 && separator) {
      if (!node || node.nodeType !== 3 || node.nodeValue !== separator) return undefined;
      node = node.nextSibling;
    }
    if (!node || node.nodeType !== 1 || /** @type {Element} */ (node).id !== ids[i]) return undefined;
    node = node.nextSibling;
  }
  const unique = new Set(ids);
  if (rows && parent && start && unique.size === ids.length && container.contains(parent)) {
    checked.push([rows, { parent, lead, trail, ids: unique }]);
  }
  return node;
}

/**
 * Step over a stream's rows on the page: from its first row's element to the node after its
 * last (the view's record of the stream, `stream_patch.js`, says the rows between are its
 * own), or undefined when the page does not start them here.
 *
 * @param {ChildNode | null} node
 * @param {{node: Tree, state: import("./streams.js").StreamState}} stream
 * @param {Element} container the view's element
 * @returns {ChildNode | null | undefined}
 */
function skipStream(node, { state }, container) {
  const ends = streamEnds(container, state);
  if (ends === null || node !== ends.first) return undefined;
  return ends.last.nextSibling;
}

/**
 * Whether the elements with an id in `source` are new to the page or already inside `el`.
 * The full patch keeps an element that moved elsewhere by its id (its hook, its focus, what
 * the user typed in it); morphing `el` alone would make a new one.
 *
 * @param {Element} el an element of the page
 * @param {Element} source its new version
 * @param {Element} container the view's element
 * @returns {boolean}
 */
function idsStayInside(el, source, container) {
  const ids = Array.from(source.querySelectorAll("[id]"), (node) => node.id);
  return elementsById(container, ids).every((found) => !found || el.contains(found));
}
