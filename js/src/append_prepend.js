/**
 * `phx-update="append"` and `phx-update="prepend"` containers, as Phoenix and LiveViewJS keep
 * them: the page keeps every child it showed, even when the new render no longer has it
 * (the view's `temporary_assigns` let the kernel forget them). A new child whose id is on the
 * page already updates that element in place (its hook stays); the others go after the
 * kept children (append) or before them (prepend), in the order of the render. Children
 * without an id cannot be tracked and are left out, as Phoenix does (it logs them).
 *
 * A stream's container (`phx-update="stream"`) needs nothing here: this client's tree holds
 * every row the stream shows (`streams.js`), so a plain patch leaves it right.
 */

import { SKIP_ATTRIBUTE, UPDATE_APPEND, UPDATE_PREPEND } from "./constants.js";
import { logError } from "./log.js";

/**
 * What the merge needs of the running patch (a `Morph` of `dom_patch.js`).
 *
 * @typedef {object} ChildPatcher
 * @property {(el: Element, source: Element) => void} morph morph a kept child into its new version
 * @property {(el: Element) => void} added a new child entered the page (each of its elements is told)
 * @property {() => void} orphan a skip placeholder found no element to stand for
 */

/**
 * The mode of a `phx-update` attribute, when it is append or prepend.
 *
 * @param {string | null} mode the attribute's value
 * @returns {"append" | "prepend" | null}
 */
export function appendMode(mode) {
  return mode === UPDATE_APPEND || mode === UPDATE_PREPEND ? mode : null;
}

/**
 * Merge the children of `source` into `container`, keeping the children it has.
 *
 * @param {Element} container the container on the page
 * @param {Element} source the same container as newly rendered
 * @param {"append" | "prepend"} mode
 * @param {ChildPatcher} patcher
 */
export function mergeChildren(container, source, mode, patcher) {
  /** @type {Map<string, Element>} */
  const kept = new Map();
  for (const child of Array.from(container.children)) if (child.id) kept.set(child.id, child);
  /** @type {Element[]} */
  const added = [];
  for (const child of Array.from(source.children)) {
    if (!child.id) {
      logError(`a child of a phx-update="${mode}" container needs an id; left out:`, child.outerHTML.slice(0, 200));
      continue;
    }
    const current = kept.get(child.id);
    if (current !== undefined) {
      patcher.morph(current, child);
      continue;
    }
    if (child.hasAttribute(SKIP_ATTRIBUTE)) {
      patcher.orphan();
      continue;
    }
    kept.set(child.id, child);
    added.push(child);
  }
  if (mode === UPDATE_APPEND) container.append(...added);
  else container.prepend(...added);
  for (const el of added) patcher.added(el);
}
