/**
 * LiveComponents on the client: their trees under the root's `"c"`, and `phx-target`.
 *
 * Phoenix LiveView 1.2's shapes: a dynamic holding a component is its cid (a number); the
 * root's `"c"` maps cids to component trees; each carries `"r": 1`, so its root element gets
 * `data-phx-component="cid"` when the HTML is built (first in the start tag, as Phoenix's
 * client puts it). A component's `"s"` may be a number: it shares the statics of another
 * cid, positive for one in the same `"c"`, negative for one the client held before this
 * diff; the entry then merges over a copy of that component's tree (Phoenix's rule).
 * livewidget's one addition: `"cd"` at a diff's root lists the cids the kernel removed,
 * dropped after the merge (the kernel decides removal from its own render and never
 * reuses a cid, so a new component never shows an old one's content).
 *
 * An element's events go to the component its `phx-target` names: a cid (`{{ myself }}`),
 * or a CSS selector: as Phoenix's client does, one event per element it matches inside the
 * view, each to the component holding that element (or to the view), and none when it
 * matches nothing (logged).
 */

import { COMPONENTS, PHX_COMPONENT, STATICS } from "./constants.js";
import { logError } from "./log.js";

/**
 * @typedef {{[key: string]: unknown}} JsonObject
 * @typedef {JsonObject & {s: string[]}} Tree
 * @typedef {{[cid: string]: Tree}} Components
 */

/**
 * The components after a diff's `"c"` entries and `"cd"` removals; `held` is left as it was.
 *
 * @param {Components} held the components before the diff (resolved, in this client's form)
 * @param {unknown} entries the diff's `"c"` (or undefined)
 * @param {unknown} removed the diff's `"cd"` (or undefined)
 * @param {(tree: Tree | null, diff: unknown) => Tree | null} mergeDiff the tree merge
 * @returns {Components}
 */
export function mergeComponents(held, entries, removed, mergeDiff) {
  /** @type {Components} */
  const out = { ...held };
  if (entries !== undefined) {
    if (!isObject(entries)) {
      logError('ignoring a "c" that is not an object of components by cid:', entries);
    } else {
      /** @type {Components} */
      const done = {};
      for (const cid of Object.keys(entries)) resolve(cid, entries, held, done, new Set(), mergeDiff);
      Object.assign(out, done);
    }
  }
  if (removed !== undefined) {
    if (!Array.isArray(removed)) logError('ignoring a "cd" that is not a list of cids:', removed);
    else for (const cid of removed) delete out[String(cid)];
  }
  return out;
}

/**
 * @param {string} cid
 * @param {JsonObject} entries
 * @param {Components} held
 * @param {Components} done
 * @param {Set<string>} seen
 * @param {(tree: Tree | null, diff: unknown) => Tree | null} mergeDiff
 * @returns {Tree | undefined}
 */
function resolve(cid, entries, held, done, seen, mergeDiff) {
  if (cid in done) return done[cid];
  if (seen.has(cid)) {
    logError(`component ${cid} shares statics in a circle:`, entries);
    return undefined;
  }
  seen.add(cid);
  const entry = entries[cid];
  if (!isObject(entry)) {
    logError(`ignoring component ${cid}: not an object`, entry);
    return undefined;
  }
  const shared = entry[STATICS];
  /** @type {Tree | null | undefined} */
  let tree;
  if (typeof shared === "number") {
    const source = shared > 0 ? resolve(String(shared), entries, held, done, seen, mergeDiff) : held[String(-shared)];
    if (source === undefined) {
      logError(`ignoring component ${cid}: it shares the statics of cid ${shared}, which is missing`, entry);
      return undefined;
    }
    const { [STATICS]: _s, ...own } = entry;
    tree = mergeDiff(source, own);
  } else if (STATICS in entry || !(cid in held)) {
    tree = mergeDiff(null, entry);
  } else {
    tree = mergeDiff(held[cid], entry);
  }
  if (tree === null || tree === undefined) return undefined;
  done[cid] = tree;
  return tree;
}

/** Phoenix's client finds a component's root this way (comments and space may precede it). */
const ROOT_TAG = /^(\s*(?:<!--[\s\S]*?-->\s*)*)<([^\s/>]+)/;

/**
 * A component's HTML with `data-phx-component="cid"` on its root element.
 *
 * @param {number} cid
 * @param {string} html
 * @returns {string}
 */
export function componentHTML(cid, html) {
  const match = ROOT_TAG.exec(html);
  if (match === null) {
    logError(`component ${cid} has no root element:`, html.slice(0, 200));
    return html;
  }
  const end = match[0].length;
  return `${html.slice(0, end)} ${PHX_COMPONENT}="${cid}"${html.slice(end)}`;
}

/**
 * Whether a value (a row, a tree) holds a component anywhere: its HTML then depends on
 * more than its own dynamics, so a patch must not stand in for it with what is shown.
 *
 * @param {unknown} value
 * @returns {boolean}
 */
export function holdsComponent(value) {
  if (typeof value === "number") return true;
  if (Array.isArray(value)) return value.some(holdsComponent);
  if (isObject(value)) {
    for (const [key, inner] of Object.entries(value)) {
      if (key !== STATICS && key !== COMPONENTS && holdsComponent(inner)) return true;
    }
  }
  return false;
}

/**
 * Where an element's event goes, one entry per event to send: a cid, or undefined for the
 * view. Read from its `phx-target` (or `target`, a push command's own); a selector sends one
 * event per element it matches, none (an empty list, logged) when it matches nothing.
 *
 * @param {Element} el the element whose binding fired
 * @param {Element} container the view's container (a selector is looked up inside it)
 * @param {unknown} [target] a JS command's `target`, which wins over the attribute
 * @returns {(number | undefined)[]}
 */
export function targetCids(el, container, target) {
  const value = target ?? el.getAttribute("phx-target");
  if (typeof value !== "string" || value.trim() === "" || /^\s*[1-9][0-9]*\s*$/.test(value)) {
    return [targetCid(el, container, target)];
  }
  /** @type {Element[]} */
  let matches = [];
  try {
    matches = Array.from(container.querySelectorAll(value));
  } catch {
    logError("phx-target is neither a cid nor a CSS selector:", value);
    return [];
  }
  if (matches.length === 0) logError("phx-target matches no element of this view; nothing was sent:", value);
  return matches.map((match) => ownerCid(match, container));
}

/**
 * The cid an element's event goes to, read from its `phx-target` (or `target`, a push
 * command's own): undefined for the view.
 *
 * @param {Element} el the element whose binding fired
 * @param {Element} container the view's container (a selector is looked up inside it)
 * @param {unknown} [target] a JS command's `target` or a hook's `pushEventTo` target (a cid,
 *   a selector or an element), which wins over the attribute
 * @returns {number | undefined}
 */
export function targetCid(el, container, target) {
  const node = /** @type {{nodeType?: unknown}} */ (target);
  if (typeof target === "object" && target !== null && node.nodeType === 1) {
    return ownerCid(/** @type {Element} */ (target), container);
  }
  const value = target ?? el.getAttribute("phx-target");
  if (typeof value === "number") return Number.isInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== "string" || value.trim() === "") return undefined;
  if (/^\s*[1-9][0-9]*\s*$/.test(value)) return Number(value);
  /** @type {Element | null} */
  let match = null;
  try {
    match = container.querySelector(value);
  } catch {
    logError("phx-target is neither a cid nor a CSS selector:", value);
    return undefined;
  }
  return match ? ownerCid(match, container) : undefined;
}

/**
 * The cid of the component holding `el` inside the view, or undefined (the view's own).
 *
 * @param {Element} el
 * @param {Element} container
 * @returns {number | undefined}
 */
function ownerCid(el, container) {
  const owner = el.closest(`[${PHX_COMPONENT}]`);
  if (!owner || !container.contains(owner)) return undefined;
  const cid = Number(owner.getAttribute(PHX_COMPONENT));
  return Number.isInteger(cid) && cid > 0 ? cid : undefined;
}

/**
 * @param {unknown} value
 * @returns {value is JsonObject}
 */
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
