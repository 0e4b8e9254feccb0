/**
 * Which widget an element belongs to.
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
