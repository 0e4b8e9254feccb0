/**
 * The fast path for the commonest update: rows of a list changed in place.
 *
 * When the only differences between the tree on screen and the new one are rows of
 * comprehensions that changed at the same index — the row keeps its root element and id —
 * each such row is patched on its own element, found by id. Nothing else of the view is
 * rebuilt, parsed or walked: a changed cell in a thousand-row table costs one row.
 *
 * Anything else (a scalar that changed, rows added, removed or moved, a row whose root is
 * not one element with an id, a hook on a row's root) returns false, and the view patches
 * as usual (`row_skip.js` + `dom_patch.js`).
 */

import { DYNAMICS, PHX_HOOK, STATICS } from "./constants.js";
import { patch } from "./dom_patch.js";
import { renderRowHTML } from "./rendered.js";
import { rowShape } from "./row_skip.js";

/** @typedef {import("./rendered.js").Tree} Tree */
/** @typedef {import("./dom_patch.js").PatchObserver} PatchObserver */

/**
 * @typedef {object} RowChange
 * @property {string[]} statics
 * @property {unknown[]} before
 * @property {unknown[]} after
 */

/**
 * Patch rows changed in place, if that is all that changed; true when done.
 *
 * @param {Element} container the view's element, showing `before`
 * @param {Tree} before the tree on screen
 * @param {Tree} after the new tree
 * @param {PatchObserver} [observer]
 * @returns {unknown[][] | null} the new rows now on screen, or null (nothing was touched)
 */
export function patchRowsInPlace(container, before, after, observer) {
  /** @type {RowChange[]} */
  const changes = [];
  if (!collect(before, after, changes) || changes.length === 0) return null;
  const doc = container.ownerDocument;
  const targets = [];
  for (const change of changes) {
    const old = rowShape(change.before, change.statics, doc);
    const now = rowShape(change.after, change.statics, doc);
    if (!old || !now || old.placeholder !== now.placeholder) return null;
    const el = doc.getElementById(old.id);
    if (!el || !container.contains(el) || el.hasAttribute(PHX_HOOK)) return null;
    targets.push({ el, html: renderRowHTML(change.statics, change.after) });
  }
  for (const { el, html } of targets) patchRoot(el, html, observer);
  return changes.map((change) => change.after);
}

/**
 * Walk both trees; collect rows changed in place; false at the first other difference.
 *
 * @param {unknown} before
 * @param {unknown} after
 * @param {RowChange[]} changes
 * @returns {boolean}
 */
function collect(before, after, changes) {
  if (before === after) return true;
  if (!isNode(before) || !isNode(after) || before[STATICS] !== after[STATICS]) return false;
  const oldRows = before[DYNAMICS];
  const newRows = after[DYNAMICS];
  if (Array.isArray(oldRows) || Array.isArray(newRows)) {
    if (!Array.isArray(oldRows) || !Array.isArray(newRows) || oldRows.length !== newRows.length) {
      return false;
    }
    const statics = /** @type {string[]} */ (after[STATICS]);
    for (let i = 0; i < newRows.length; i++) {
      if (oldRows[i] === newRows[i]) continue;
      if (!Array.isArray(oldRows[i]) || !Array.isArray(newRows[i])) return false;
      changes.push({ statics, before: oldRows[i], after: newRows[i] });
    }
    return true;
  }
  for (const key of Object.keys(after)) {
    if (key === STATICS) continue;
    if (!collect(before[key], after[key], changes)) return false;
  }
  return true;
}

/**
 * Morph `el` into the single element `html` holds: its attributes, then its children.
 *
 * @param {Element} el
 * @param {string} html
 * @param {PatchObserver} [observer]
 */
function patchRoot(el, html, observer) {
  const template = el.ownerDocument.createElement("template");
  template.innerHTML = html;
  const fresh = template.content.querySelector("*");
  if (!fresh) return;
  for (const { name, value } of Array.from(fresh.attributes)) {
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  }
  for (const { name } of Array.from(el.attributes)) {
    if (!fresh.hasAttribute(name)) el.removeAttribute(name);
  }
  patch(el, fresh.innerHTML, observer);
}

/**
 * @param {unknown} value
 * @returns {value is {[key: string]: unknown}}
 */
function isNode(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
