/**
 * The fast path for the commonest updates of a list: rows changed in place, removed, or
 * appended at the end.
 *
 * When the only differences between the tree on screen and the new one are in comprehension
 * rows, every row (old and new) is one element with an id and the same whitespace around it,
 * and the rows keep their order, the view is patched row by row: a changed row is morphed on
 * its own element (found by id), a removed row's element goes with one whitespace separator,
 * and appended rows are parsed and inserted after the last one. Nothing else of the view is
 * rebuilt, parsed or walked, and the DOM ends up exactly as a full render would make it.
 *
 * Checking every row's element is proportional to the list; it is done once per list. Then,
 * while nothing but this patch changes the view's DOM (`dom_quiet.js`) and the list's rows
 * on screen are the ones it patched in last, only the changed run of rows is read: the rows
 * before and after it are the very same row objects as on screen, so their elements, ids and
 * shapes are as checked. A one-cell update of a thousand-row list reads one row, not a
 * thousand (`rowsRead` counts them).
 *
 * A stream's rows are never compared: its instruction's steps are replayed on its container
 * (`stream_patch.js`), in work proportional to the instruction.
 *
 * Other differences (a scalar that changed, a subtree replaced) are left to the caller, which
 * patches them around the lists (`list_skip.js`). Lists it cannot patch this way (rows
 * inserted in the middle or moved, a row that is not one element with an id, hooks or
 * `phx-mounted` / `phx-remove` on the rows involved, a list inside an element with a hook or
 * `phx-update`) return null before touching anything, and the view patches as usual
 * (`row_skip.js` + `dom_patch.js`).
 */

import { DYNAMICS, PHX_HOOK, PHX_UPDATE, STATICS, UPDATE_STREAM } from "./constants.js";
import { holdsReopened, Morph } from "./dom_patch.js";
import { checkedLists, settle } from "./dom_quiet.js";
import { elementsById } from "./ownership.js";
import { renderRowHTML } from "./rendered.js";
import { applyPlan } from "./row_apply.js";
import { adoptShape, learnShapes, rowShape, rowShapeParsed } from "./row_skip.js";
import { applyStreamPlan, placeRuns, planStream } from "./stream_patch.js";
import { streamState } from "./streams.js";
import { planTextEdits } from "./text_patch.js";

/** @typedef {import("./rendered.js").Tree} Tree */
/** @typedef {import("./dom_patch.js").PatchObserver} PatchObserver */
/** @typedef {import("./text_patch.js").TextEdit} TextEdit */

/** Attributes whose elements the full patch must handle (their lifecycle needs it). */
const LIFECYCLE = [PHX_HOOK, "phx-mounted", "phx-remove"];
const LIFECYCLE_SELECTOR = LIFECYCLE.map((name) => `[${name}]`).join(",");
/** Elements whose subtree the full patch must handle as a whole. */
const WHOLE_SELECTOR = `[${PHX_HOOK}],[${PHX_UPDATE}]`;

/**
 * @typedef {object} ListChange
 * @property {string[]} statics the rows' statics
 * @property {unknown[][]} before the rows on screen
 * @property {unknown[][]} after the new rows
 */

/**
 * @typedef {object} Plan
 * @property {{el: Element, html: string, fresh: Element | null, texts?: TextEdit[]}[]} updates
 *   rows changed in place (`fresh`: the row's element, when it was parsed already; `texts`:
 *   the row's new texts, set in place of a morph)
 * @property {Element[]} removed elements of removed rows, in order
 * @property {Element[]} rows elements of the rows on screen, in order
 * @property {{html: string, fresh: Element | null}[]} appended the rows to add at the end
 * @property {string} separator the whitespace between two rows
 * @property {unknown[][]} placed the rows this plan puts on screen (changed or appended)
 * @property {() => void} remember records the list's new rows as checked (once applied)
 */

/** @typedef {import("./dom_quiet.js").Checked} Checked */

/** How many rows the row patch has read (their shapes looked up), for the tests. */
export const rowsRead = { count: 0 };

/**
 * What `patchRowsInPlace` did.
 *
 * @typedef {object} RowsPatched
 * @property {unknown[][]} shown the rows it put on screen: changed, appended or streamed
 *   (the rows it kept were on screen before, as the very same row objects)
 * @property {boolean} rest whether the trees differ elsewhere too: the caller must patch that
 */

/**
 * Patch the row changes of every list in place, if they all allow it.
 *
 * @param {Element} container the view's element, showing `before`
 * @param {Tree} before the tree on screen
 * @param {Tree} after the new tree
 * @param {PatchObserver} [observer]
 * @returns {RowsPatched | null} what was patched, or null when the fast path does not apply
 *   to some list (nothing was touched)
 */
export function patchRowsInPlace(container, before, after, observer) {
  // Rows parsed alone would not show what the parser reopened in them there.
  if (holdsReopened(container)) return null;
  /** @type {ListChange[]} */
  const changes = [];
  /** @type {import("./stream_patch.js").StreamChange[]} */
  const streams = [];
  const rest = !collect(before, after, changes, streams);
  // Once anything but this patch changes the DOM, every list is checked again.
  const checked = checkedLists(container);
  const plans = [];
  for (const change of changes) {
    const known = checked.get(change.before);
    const plan = (known && planRun(container, change, known, checked)) || planList(container, change, checked);
    if (!plan) return null;
    plans.push(plan);
  }
  const streamPlans = [];
  for (const change of streams) {
    const plan = planStream(container, change);
    if (!plan) return null;
    streamPlans.push(plan);
  }
  // The last step that may give up: it leaves the page as it was when it does.
  if (!placeRuns(streamPlans)) return null;
  const doc = container.ownerDocument;
  const morph = new Morph(container, observer);
  for (const plan of plans) applyPlan(doc, plan, morph, observer);
  const shown = plans.flatMap((plan) => plan.placed);
  for (const plan of streamPlans) for (const row of applyStreamPlan(plan, morph, observer)) shown.push(row);
  for (const plan of plans) plan.remember();
  settle(container);
  return { shown, rest };
}

/**
 * Walk both trees; collect the lists whose rows changed, and the streams (whose rows are not
 * read: their steps are, `stream_patch.js`); false when they differ elsewhere too.
 *
 * @param {unknown} before
 * @param {unknown} after
 * @param {ListChange[]} changes
 * @param {import("./stream_patch.js").StreamChange[]} streams
 * @returns {boolean}
 */
function collect(before, after, changes, streams) {
  if (before === after) return true;
  if (!isNode(before) || !isNode(after) || before[STATICS] !== after[STATICS]) return false;
  const stream = streamState(after);
  const was = streamState(before);
  if (stream !== undefined || was !== undefined) {
    if (stream === undefined || was === undefined) return false;
    streams.push({ statics: /** @type {string[]} */ (after[STATICS]), before: was, after: stream });
    return true;
  }
  const oldRows = before[DYNAMICS];
  const newRows = after[DYNAMICS];
  if (Array.isArray(oldRows) || Array.isArray(newRows)) {
    if (!Array.isArray(oldRows) || !Array.isArray(newRows)) return false;
    // Rows that are not lists are found by the plan (`planList` reads them all, `planRun`
    // the changed ones: the others were read when the list was checked).
    const statics = /** @type {string[]} */ (after[STATICS]);
    changes.push({ statics, before: oldRows, after: newRows });
    return true;
  }
  let same = true;
  for (const key of Object.keys(after)) {
    if (key === STATICS) continue;
    // Go on after a difference: the lists further on are patched all the same.
    if (!collect(before[key], after[key], changes, streams)) same = false;
  }
  return same;
}

/**
 * What to do to one list, or null when the fast path does not apply.
 *
 * @param {Element} container
 * @param {ListChange} change
 * @param {WeakMap<unknown[], Checked>} checked where to record the new rows as checked
 * @returns {Plan | null}
 */
function planList(container, { statics, before, after }, checked) {
  const doc = container.ownerDocument;
  if (before.length === 0 || after.length === 0) return null;
  if (!before.every(Array.isArray) || !after.every(Array.isArray)) return null;
  rowsRead.count += before.length + after.length;
  learnShapes(before, statics, doc);
  learnShapes(after, statics, doc);
  const oldShapes = before.map((row) => rowShape(row, statics, doc));
  const newShapes = after.map((row) => rowShape(row, statics, doc));
  const first = oldShapes[0];
  if (!first) return null;
  for (const shape of [...oldShapes, ...newShapes]) {
    if (!shape || shape.lead !== first.lead || shape.trail !== first.trail) return null;
  }
  const oldIds = oldShapes.map((shape) => /** @type {{id: string}} */ (shape).id);
  const newIds = newShapes.map((shape) => /** @type {{id: string}} */ (shape).id);
  const oldSet = new Set(oldIds);
  const newSet = new Set(newIds);
  if (oldSet.size !== oldIds.length || newSet.size !== newIds.length) return null;
  const kept = newIds.filter((id) => oldSet.has(id));
  if (kept.length === 0 || kept.join("\u0000") !== oldIds.filter((id) => newSet.has(id)).join("\u0000")) {
    return null; // nothing to anchor on, or rows moved
  }
  const tail = newIds.findIndex((id) => !oldSet.has(id));
  if (tail !== -1 && newIds.slice(tail).some((id) => oldSet.has(id))) return null; // inserted mid-list

  const rows = elementsById(container, oldIds);
  const separator = first.trail + first.lead;
  for (let i = 0; i < rows.length; i++) {
    const el = rows[i];
    if (!el || !container.contains(el) || el.parentNode !== rows[0]?.parentNode) return null;
    if (i > 0 && !separatedBy(/** @type {Element} */ (rows[i - 1]), el, separator)) return null;
  }
  const elements = /** @type {Element[]} */ (rows);
  const parent = elements[0].parentElement;
  if (!parent || patchedWhole(container, parent)) return null;
  const byId = new Map(oldIds.map((id, i) => [id, i]));
  const updates = [];
  for (let i = 0; i < after.length; i++) {
    const at = byId.get(newIds[i]);
    if (at === undefined || before[at] === after[i]) continue;
    if (oldShapes[at]?.placeholder !== newShapes[i]?.placeholder) return null;
    const el = elements[at];
    if (el.hasAttribute(PHX_HOOK)) return null;
    updates.push({ el, html: renderRowHTML(statics, after[i]), fresh: null });
  }
  const removed = elements.filter((el) => !newSet.has(el.id));
  if (removed.some((el) => hasLifecycle(el))) return null;
  const appended = tail === -1 ? [] : after.slice(tail).map((row) => ({ html: renderRowHTML(statics, row), fresh: null }));
  if (appended.some(({ html }) => LIFECYCLE.some((name) => html.includes(name)))) return null;
  const remember = () => {
    checked.delete(before); // its rows are no longer on screen
    checked.set(after, { parent: /** @type {Element} */ (parent), lead: first.lead, trail: first.trail, ids: newSet });
  };
  return { updates, removed, rows: elements, appended, separator, placed: after, remember };
}

/**
 * What to do to a list checked before, reading only the run of rows that changed; null when
 * that run does not allow the fast path (then `planList` decides, reading every row).
 *
 * @param {Element} container
 * @param {ListChange} change
 * @param {Checked} known the list on screen, as checked
 * @param {WeakMap<unknown[], Checked>} checked where to record the new rows as checked
 * @returns {Plan | null}
 */
function planRun(container, { statics, before, after }, known, checked) {
  const doc = container.ownerDocument;
  const { parent, lead, trail, ids } = known;
  if (after.length === 0 || !container.contains(parent)) return null;
  // The changed run: the rows between the longest same start and the longest same end.
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && before[start] === after[start]) start++;
  let end = 0;
  while (end < shorter - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  const oldRun = before.slice(start, before.length - end);
  const newRun = after.slice(start, after.length - end);
  // The rows just before and after the run anchor it on screen.
  const around = [start > 0 ? before[start - 1] : null, end > 0 ? before[before.length - end] : null];
  if (!newRun.every(Array.isArray)) return null;
  rowsRead.count += oldRun.length + newRun.length + around.filter(Boolean).length;
  const shapeOf = (/** @type {unknown[]} */ row) => rowShape(row, statics, doc);
  const oldShapes = oldRun.map(shapeOf);
  const texts = textEdits(container, statics, oldRun, newRun, oldShapes);
  learnShapes(newRun, statics, doc);
  // A new row parsed for its shape is patched in from that parse.
  /** @type {Map<unknown, {html: string, element: Element}>} */
  const parsed = new Map();
  const newShapes = newRun.map((row) => {
    const found = rowShapeParsed(/** @type {unknown[]} */ (row), statics, doc);
    if (found.parsed) parsed.set(row, found.parsed);
    return found.shape;
  });
  for (const shape of [...oldShapes, ...newShapes]) {
    if (!shape || shape.lead !== lead || shape.trail !== trail) return null;
  }
  const oldIds = oldShapes.map((shape) => /** @type {{id: string}} */ (shape).id);
  const newIds = newShapes.map((shape) => /** @type {{id: string}} */ (shape).id);
  const oldSet = new Set(oldIds);
  const newSet = new Set(newIds);
  if (newSet.size !== newIds.length) return null;
  // A new id already shown outside the run is a row that moved.
  if (newIds.some((id) => !oldSet.has(id) && ids.has(id))) return null;
  const keptInRun = newIds.filter((id) => oldSet.has(id));
  if (keptInRun.join("\u0000") !== oldIds.filter((id) => newSet.has(id)).join("\u0000")) return null;
  if (keptInRun.length + before.length - oldRun.length === 0) return null;
  const tail = newIds.findIndex((id) => !oldSet.has(id));
  // New rows only at the end of the list, after every row kept.
  if (tail !== -1 && (end > 0 || newIds.slice(tail).some((id) => oldSet.has(id)))) return null;

  const aroundIds = around.map((row) => (row ? /** @type {{id: string}} */ (shapeOf(row)).id : null));
  const regionIds = [aroundIds[0], ...oldIds, aroundIds[1]].filter((id) => id !== null);
  const found = elementsById(container, /** @type {string[]} */ (regionIds));
  const separator = trail + lead;
  for (let i = 0; i < found.length; i++) {
    const el = found[i];
    if (!el || el.parentNode !== parent) return null;
    if (i > 0 && !separatedBy(/** @type {Element} */ (found[i - 1]), el, separator)) return null;
  }
  const elements = /** @type {Element[]} */ (found);
  if (patchedWhole(container, parent)) return null;
  const offset = around[0] ? 1 : 0;
  const byId = new Map(oldIds.map((id, i) => [id, i]));
  /** @template {Element | null} E @param {unknown} row @param {E} el */
  const source = (row, el) => {
    const edits = texts.get(row);
    if (edits && edits.el === el) return { el, html: "", fresh: null, texts: edits.edits };
    const known = parsed.get(row);
    return { el, html: known?.html ?? renderRowHTML(statics, row), fresh: known?.element ?? null };
  };
  const updates = [];
  /** @type {unknown[][]} */
  const placed = [];
  for (let i = 0; i < newRun.length; i++) {
    const at = byId.get(newIds[i]);
    if (at === undefined || oldRun[at] === newRun[i]) continue;
    if (oldShapes[at]?.placeholder !== newShapes[i]?.placeholder) return null;
    const el = elements[at + offset];
    if (el.hasAttribute(PHX_HOOK)) return null;
    updates.push(source(newRun[i], el));
    placed.push(/** @type {unknown[]} */ (newRun[i]));
  }
  const removed = elements.slice(offset, offset + oldRun.length).filter((el) => !newSet.has(el.id));
  if (removed.some((el) => hasLifecycle(el))) return null;
  const appended = tail === -1 ? [] : newRun.slice(tail).map((row) => source(row, null));
  if (appended.some(({ html }) => LIFECYCLE.some((name) => html.includes(name)))) return null;
  if (tail !== -1) for (const row of newRun.slice(tail)) placed.push(/** @type {unknown[]} */ (row));
  const remember = () => {
    for (const el of removed) ids.delete(el.id);
    for (const id of newIds) ids.add(id);
    // `known` is the new rows' now: the old rows' record would be wrong.
    checked.delete(before);
    checked.set(after, known);
  };
  return { updates, removed, rows: elements, appended, separator, placed, remember };
}

/**
 * The rows of a changed run that differ from the row on screen at their place in texts alone
 * (`text_patch.js`), with their edits; each takes that row's shape, so it is not parsed.
 *
 * @param {Element} container
 * @param {string[]} statics
 * @param {unknown[]} oldRun the run's rows on screen
 * @param {unknown[]} newRun the run's new rows
 * @param {(import("./row_skip.js").RowShape | null)[]} oldShapes
 * @returns {Map<unknown, {el: Element, edits: TextEdit[]}>}
 */
function textEdits(container, statics, oldRun, newRun, oldShapes) {
  const found = new Map();
  if (oldRun.length !== newRun.length) return found;
  for (let i = 0; i < newRun.length; i++) {
    const [old, row, shape] = [oldRun[i], newRun[i], oldShapes[i]];
    if (!shape || old === row || !Array.isArray(old) || !Array.isArray(row)) continue;
    const [el] = elementsById(container, [shape.id]);
    const edits = el && !el.hasAttribute(PHX_HOOK) && planTextEdits(statics, old, row, el, shape);
    if (!edits) continue;
    adoptShape(row, shape);
    found.set(row, { el, edits });
  }
  return found;
}

/**
 * Whether the rows' parent is inside an element the full patch handles whole: a hook sees its
 * element whole (its `updated`, the copy it compares with), `phx-update` keeps its children.
 * Not a stream's own container: the tree holds every row it shows (`streams.js`).
 *
 * @param {Element} container
 * @param {Element} parent
 */
function patchedWhole(container, parent) {
  const stream = parent.getAttribute(PHX_UPDATE) === UPDATE_STREAM && !parent.hasAttribute(PHX_HOOK);
  const owner = (stream ? parent.parentElement : parent)?.closest(WHOLE_SELECTOR);
  return owner !== null && owner !== undefined && container.contains(owner);
}

/**
 * @param {Element} el
 * @returns {boolean}
 */
function hasLifecycle(el) {
  return LIFECYCLE.some((name) => el.hasAttribute(name)) || el.querySelector(LIFECYCLE_SELECTOR) !== null;
}

/**
 * Whether `next` follows `previous` with exactly `separator` (one text node, or nothing).
 *
 * @param {Element} previous
 * @param {Element} next
 * @param {string} separator
 */
function separatedBy(previous, next, separator) {
  const gap = previous.nextSibling;
  if (!separator) return gap === next;
  return gap !== null && gap.nodeType === 3 && gap.textContent === separator && gap.nextSibling === next;
}

/**
 * @param {unknown} value
 * @returns {value is {[key: string]: unknown}}
 */
function isNode(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
