/**
 * Which widget an element belongs to, and a view's elements by id.
 *
 * Several widgets share a page, and a widget's output may even sit inside another's. Every
 * part of the frontend that reacts to the DOM (bindings, JS command targets, links, hooks)
 * acts only on the elements of its own widget: inside its root, and not inside another
 * widget root nested there. This module is that one test, kept apart so that those modules
 * share it without importing one another.
 */

import { CLASS_ROOT } from "./constants.js";

/**
 * The element an event happened on (a text node's parent element).
 *
 * @param {Event} e
 * @returns {Element | null}
 */
export function eventElement(e) {
  const node = /** @type {Node | null} */ (e.target);
  if (!node) return null;
  if (node.nodeType === 1) return /** @type {Element} */ (node);
  if (node.nodeType === 3) return node.parentElement;
  return null;
}

/**
 * Whether `el` belongs to the widget of `root`: inside it, and not inside another
 * widget's root nested in it.
 *
 * @param {Element} root
 * @param {Element} el
 */
export function owns(root, el) {
  if (!root.contains(el)) return false;
  const nearest = el.closest(`.${CLASS_ROOT}`);
  return nearest === null || nearest === root || nearest.contains(root);
}

/**
 * The elements of a view with these ids, in order (null for an id it does not show).
 *
 * The document's id index finds them at once. Another view of the same widget shows the same
 * ids, though, and a view may not be in a document yet: then the view's own elements are
 * indexed once, for all the ids asked.
 *
 * @param {Element} container the view's element
 * @param {string[]} ids
 * @returns {(Element | null)[]}
 */
export function elementsById(container, ids) {
  const root = container.getRootNode();
  const index = "getElementById" in root ? /** @type {Document | ShadowRoot} */ (root) : null;
  /** @type {Map<string, Element> | null} */
  let own = null;
  return ids.map((id) => {
    const found = index ? index.getElementById(id) : undefined;
    // Nothing in the whole document: nothing in the view either.
    if (found === null || (found && container.contains(found))) return found;
    own ??= indexById(container);
    return own.get(id) ?? null;
  });
}

/**
 * @param {Element} container
 * @returns {Map<string, Element>} the first element of `container` with each id
 */
function indexById(container) {
  const own = new Map();
  for (const el of Array.from(container.querySelectorAll("[id]"))) if (!own.has(el.id)) own.set(el.id, el);
  return own;
}

