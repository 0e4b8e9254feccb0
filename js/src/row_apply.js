/**
 * A row patch's plan (`row_patch.js`) applied to the page: changed rows morphed on their own
 * elements (or only their texts set, `text_patch.js`), removed rows' elements taken out with
 * one whitespace separator each, appended rows inserted after the last one. The plan was
 * checked against the page before anything was touched; here nothing is read but the elements
 * it names.
 */

import { patchElement } from "./dom_patch.js";
import { rowsParsed } from "./row_skip.js";
import { applyTextEdits } from "./text_patch.js";

/** @typedef {import("./row_patch.js").Plan} Plan */
/** @typedef {import("./dom_patch.js").Morph} Morph */
/** @typedef {import("./dom_patch.js").PatchObserver} PatchObserver */

/**
 * Apply `plan` to the page, through `morph` (its callbacks) and `observer` (rows added).
 *
 * @param {Document} doc
 * @param {Plan} plan
 * @param {Morph} morph the patch, for rows changed in place
 * @param {PatchObserver} [observer]
 */
export function applyPlan(doc, { updates, removed, rows, appended, separator }, morph, observer) {
  for (const { el, html, fresh, texts } of updates) {
    if (texts) applyTextEdits(texts);
    else patchRoot(el, fresh ?? parseRow(doc, html), morph);
  }
  const current = rows.slice();
  for (const el of removed) {
    const index = current.indexOf(el);
    // The first row takes the separator after it; any other, the one before it.
    const gap = index > 0 ? el.previousSibling : el.nextSibling;
    if (separator && gap) gap.remove();
    el.remove();
    current.splice(index, 1);
  }
  let anchor = current[current.length - 1];
  for (const { html, fresh } of appended) {
    const el = fresh ?? parseRow(doc, html);
    if (separator) anchor.after(doc.createTextNode(separator), el);
    else anchor.after(el);
    observer?.nodeAdded?.(el);
    anchor = el;
  }
}


/**
 * The single element of a row's HTML, parsed where it will live.
 *
 * @param {Document} doc
 * @param {string} html
 * @returns {Element}
 */
function parseRow(doc, html) {
  rowsParsed.count += 1;
  const template = doc.createElement("template");
  template.innerHTML = html;
  return /** @type {Element} */ (template.content.querySelector("*"));
}

/**
 * Morph `el` into `fresh`, its row's element as newly parsed, as the full patch morphs each
 * element: JS commands' sticky changes and loading states carry over, a focused control keeps
 * what the user typed, `phx-update` is kept.
 *
 * @param {Element} el
 * @param {Element | null} fresh
 * @param {Morph} morph
 */
function patchRoot(el, fresh, morph) {
  if (fresh) patchElement(el, fresh, morph);
}
