/**
 * The rendered tree, in Phoenix LiveView's JSON shape: merging diffs and building HTML.
 *
 * A tree is `{"s": [static, ...], "0": dynamic, "1": dynamic, ...}` with one more static
 * than dynamics. A dynamic is a string (already escaped by the server), a nested tree, or
 * a comprehension `{"s": [...], "d": [[dynamic, ...], ...]}` whose rows share the statics.
 *
 * A diff holds only what changed:
 * - an object carrying `"s"` replaces the subtree (or the whole tree, at the top level);
 * - a string replaces the dynamic;
 * - an object without `"s"` merges into the nested tree it names;
 * - on a comprehension, `"d"` replaces all rows and the statics are kept.
 *
 * Everything here is pure: inputs are never mutated, merging returns a new tree that
 * shares unchanged branches with the old one. Malformed input is logged and skipped.
 */

import { DYNAMICS, STATICS } from "./constants.js";
import { logError } from "./log.js";

/**
 * @typedef {{[key: string]: unknown}} JsonObject
 * A parsed JSON object whose values are not checked yet.
 */

/**
 * @typedef {JsonObject & {s: string[]}} Tree
 * A rendered tree (or a comprehension, when it also has a `"d"` array of rows).
 */

/**
 * @param {unknown} value
 * @returns {value is JsonObject}
 */
export function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * @param {unknown} value
 * @returns {value is string[]}
 */
function isStatics(value) {
  return Array.isArray(value) && value.length > 0 && value.every((s) => typeof s === "string");
}

/**
 * Whether `value` has the outer shape of a tree: an object with a list of statics.
 * Its dynamics are checked when it is rendered.
 *
 * @param {unknown} value
 * @returns {value is Tree}
 */
export function isTree(value) {
  return isObject(value) && isStatics(value[STATICS]);
}

/**
 * @param {JsonObject} node
 * @returns {boolean}
 */
function isComprehension(node) {
  return Array.isArray(node[DYNAMICS]);
}

/** @param {string} key */
function isDynamicKey(key) {
  return /^(0|[1-9][0-9]*)$/.test(key);
}

/**
 * Merge `diff` into `tree` and return the new tree; `tree` is left as it was.
 *
 * @param {Tree | null} tree the current tree, or null before the first one
 * @param {unknown} diff a diff as received from the kernel
 * @returns {Tree | null} the merged tree (`tree` itself when the diff was unusable)
 */
export function mergeDiff(tree, diff) {
  if (!isObject(diff)) {
    logError("ignoring a diff that is not an object:", diff);
    return tree;
  }
  if (STATICS in diff) {
    if (isTree(diff)) return diff;
    logError('ignoring a diff whose "s" is not a list of strings:', diff);
    return tree;
  }
  if (tree === null) {
    logError("ignoring a diff without statics: there is no tree to merge it into", diff);
    return tree;
  }
  return mergeInto(tree, diff);
}

/**
 * @param {Tree} tree
 * @param {JsonObject} diff a diff without statics
 * @returns {Tree}
 */
function mergeInto(tree, diff) {
  if (isComprehension(tree)) return mergeComprehension(tree, diff);
  /** @type {Tree} */
  const merged = { ...tree };
  for (const [key, value] of Object.entries(diff)) {
    // Keys other than dynamics' indices are not part of a tree; skip them so that
    // additions to the format do not corrupt the tree of an older frontend.
    if (!isDynamicKey(key)) continue;
    if (Number(key) >= tree.s.length - 1) {
      logError(`ignoring dynamic ${key} of a diff: the tree has ${tree.s.length - 1} dynamics`, diff);
      continue;
    }
    const dynamic = mergeDynamic(tree[key], value);
    if (dynamic !== undefined) merged[key] = dynamic;
  }
  return merged;
}

/**
 * @param {Tree} comprehension
 * @param {JsonObject} diff
 * @returns {Tree}
 */
function mergeComprehension(comprehension, diff) {
  if (!(DYNAMICS in diff)) return comprehension;
  if (!Array.isArray(diff[DYNAMICS])) {
    logError('ignoring a comprehension diff whose "d" is not a list:', diff);
    return comprehension;
  }
  return { ...comprehension, [DYNAMICS]: diff[DYNAMICS] };
}

/**
 * @param {unknown} old the dynamic before the diff (may be missing)
 * @param {unknown} value the diff of that dynamic
 * @returns {unknown} the dynamic after the diff
 */
function mergeDynamic(old, value) {
  if (typeof value === "string") return value;
  if (!isObject(value)) {
    logError("ignoring a dynamic that is neither a string nor an object:", value);
    return old;
  }
  if (STATICS in value) {
    if (isTree(value)) return value;
    logError('ignoring a subtree whose "s" is not a list of strings:', value);
    return old;
  }
  if (isTree(old)) return mergeInto(old, value);
  logError("ignoring a diff without statics for a dynamic that holds no tree:", value);
  return old;
}

/**
 * Build the HTML of a tree: statics[0] + dynamic 0 + statics[1] + … + statics[n].
 *
 * @param {Tree | null} tree
 * @returns {string}
 */
export function toHTML(tree) {
  if (tree === null) return "";
  /** @type {string[]} */
  const out = [];
  renderNode(tree, out);
  return out.join("");
}

/**
 * @param {unknown} node a tree or a comprehension
 * @param {string[]} out the HTML parts, appended to
 */
function renderNode(node, out) {
  if (!isTree(node)) {
    logError("cannot render a node without statics:", node);
    return;
  }
  if (isComprehension(node)) {
    for (const row of /** @type {unknown[]} */ (node[DYNAMICS])) renderRow(node.s, row, out);
    return;
  }
  const statics = node.s;
  out.push(statics[0]);
  for (let i = 1; i < statics.length; i++) {
    const key = String(i - 1);
    if (key in node) renderDynamic(node[key], out);
    else logError(`a tree is missing its dynamic ${key}:`, node);
    out.push(statics[i]);
  }
}

/**
 * @param {string[]} statics the comprehension's shared statics
 * @param {unknown} row one row of dynamics
 * @param {string[]} out
 */
function renderRow(statics, row, out) {
  if (!Array.isArray(row)) {
    logError("cannot render a comprehension row that is not a list:", row);
    return;
  }
  if (row.length !== statics.length - 1) {
    logError(`a comprehension row has ${row.length} dynamics for ${statics.length} statics:`, row);
  }
  out.push(statics[0]);
  for (let i = 1; i < statics.length; i++) {
    if (i - 1 < row.length) renderDynamic(row[i - 1], out);
    out.push(statics[i]);
  }
}

/**
 * @param {unknown} value
 * @param {string[]} out
 */
function renderDynamic(value, out) {
  if (typeof value === "string") out.push(value);
  else if (isObject(value)) renderNode(value, out);
  else logError("cannot render a dynamic that is neither a string nor a tree:", value);
}
