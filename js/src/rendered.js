/**
 * The rendered tree, in Phoenix LiveView's JSON shape: merging diffs and building HTML.
 *
 * A tree is `{"s": [static, ...], "0": dynamic, "1": dynamic, ...}` with one more static
 * than dynamics. A dynamic is a string (already escaped by the server), a nested tree, or
 * a comprehension whose rows share the statics. On the wire a comprehension has Phoenix
 * LiveView 1.2's keyed shape, `{"s": [...], "k": {"0": {row 0's dynamics}, ..., "kc": n}}`;
 * this client keeps it as `{"s": [...], "d": [[row 0's dynamics], ...]}`, the form the
 * patch paths (`row_skip.js`, `list_skip.js`, `row_patch.js`) read. `fromWire` converts a
 * tree as it arrives, and returns it untouched when it holds no keyed comprehension (so the
 * `"d"` form, which older servers sent, still reads).
 *
 * A diff holds only what changed:
 * - an object carrying `"s"` replaces the subtree (or the whole tree, at the top level);
 * - a string replaces the dynamic;
 * - an object without `"s"` merges into the nested tree it names;
 * - on a comprehension, `"k"` is a keyed diff: `{"7": {...}}` merges into row 7 (a new row
 *   carries all its dynamics), `"7": 3` takes the old row 3, `"7": [3, {...}]` the old row 3
 *   merged with a diff, `"kc"` is the new row count (Phoenix always sends it; absent, the
 *   count stays), `"km": true` says rows moved (Phoenix's flag; nothing to do here), and
 *   `"m": [[i, j, n], ...]`, livewidget's one extension, takes old rows j..j+n-1 as rows
 *   i..i+n-1. Rows not named keep the old row there. A `"d"` list replaces all rows.
 * - a comprehension with `"stream"` is a stream's: `"k"` holds only the rows inserted since,
 *   and the instruction says where they go and what leaves (`streams.js`); this client keeps
 *   every row the stream shows, in one store that successive trees share, so merging costs
 *   the instruction, not the rows shown (the one exception to the rule below: an older
 *   tree's stream shows the rows of the latest).
 *
 * Everything here is pure: inputs are never mutated, merging returns a new tree that
 * shares unchanged branches with the old one. Malformed input is logged and skipped.
 */

import { componentHTML, holdsComponent, mergeComponents } from "./components.js";
import { COMPONENTS, DYNAMICS, KEY_COUNT, KEYED, MOVED, MOVES, REMOVED_CIDS, ROOT, STATICS, STREAM } from "./constants.js";
import { logError } from "./log.js";
import { mergeStream, streamState } from "./streams.js";

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
 * A full tree from the wire in this client's form: each keyed comprehension (`"k"` with
 * `"kc"`) becomes `{"s", "d": rows}`, each row a list of its dynamics. Returns `node`
 * itself when nothing in it needed converting; null (and a log) when it is malformed.
 *
 * @param {Tree} node a tree that carries its statics
 * @returns {Tree | null}
 */
export function fromWire(node) {
  if (KEYED in node) return comprehensionFromWire(node);
  if (isComprehension(node)) {
    const rows = /** @type {unknown[]} */ (node[DYNAMICS]);
    /** @type {unknown[] | null} */
    let newRows = null;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const converted = Array.isArray(row) ? valuesFromWire(row) : row;
      if (converted === null) return null;
      if (converted !== row) (newRows ??= rows.slice())[i] = converted;
    }
    return newRows === null ? node : { ...node, [DYNAMICS]: newRows };
  }
  /** @type {Tree | null} */
  let copy = null;
  for (const key of Object.keys(node)) {
    if (!isDynamicKey(key)) continue;
    const value = node[key];
    if (!isTree(value)) continue;
    const converted = fromWire(value);
    if (converted === null) return null;
    if (converted !== value) (copy ??= { ...node })[key] = converted;
  }
  return copy ?? node;
}

/**
 * @param {Tree} node a comprehension in the keyed shape
 * @returns {Tree | null}
 */
function comprehensionFromWire(node) {
  if (STREAM in node) return mergeStream(null, node, rowFromWire);
  const keyed = node[KEYED];
  const count = isObject(keyed) ? keyed[KEY_COUNT] : undefined;
  if (!isObject(keyed) || typeof count !== "number" || !Number.isInteger(count) || count < 0) {
    logError('ignoring a comprehension whose "k" is not an object with a row count "kc":', node);
    return null;
  }
  const size = node.s.length - 1;
  /** @type {unknown[][]} */
  const rows = new Array(count);
  for (let i = 0; i < count; i++) {
    const row = rowFromWire(keyed[i], size);
    if (row === null) {
      logError(`ignoring a comprehension whose row ${i} lacks some of its ${size} dynamics:`, node);
      return null;
    }
    rows[i] = row;
  }
  listsOfRows.add(rows);
  const { [KEYED]: _keyed, ...rest } = node;
  return { ...rest, s: node.s, [DYNAMICS]: rows };
}

/**
 * @param {unknown} entry one row of a keyed comprehension: its dynamics by index
 * @param {number} size how many dynamics a row has
 * @returns {unknown[] | null} the row's dynamics as a list, or null when one is missing
 */
function rowFromWire(entry, size) {
  if (!isObject(entry)) return null;
  const row = new Array(size);
  for (let j = 0; j < size; j++) {
    const value = entry[j];
    const converted = isTree(value) ? fromWire(value) : value;
    if (converted === null || converted === undefined) return null;
    row[j] = converted;
  }
  return row;
}

/**
 * @param {unknown[]} values a row of dynamics already in list form
 * @returns {unknown[] | null} the row with its nested trees converted (itself if none were)
 */
function valuesFromWire(values) {
  /** @type {unknown[] | null} */
  let copy = null;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (!isTree(value)) continue;
    const converted = fromWire(value);
    if (converted === null) return null;
    if (converted !== value) (copy ??= values.slice())[i] = converted;
  }
  return copy ?? values;
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
  if (COMPONENTS in diff || REMOVED_CIDS in diff) return mergePage(tree, diff);
  if (STATICS in diff) {
    if (isTree(diff)) return fromWire(diff) ?? tree;
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
 * A page's root diff that carries components (`"c"`) or removes some (`"cd"`): the tree,
 * then its components (see `components.js`).
 *
 * @param {Tree | null} tree
 * @param {JsonObject} diff
 * @returns {Tree | null}
 */
function mergePage(tree, diff) {
  const { [COMPONENTS]: entries, [REMOVED_CIDS]: removed, ...rest } = diff;
  const whole = tree === null || STATICS in rest;
  const merged = whole || Object.keys(rest).length > 0 ? mergeDiff(tree, rest) : tree;
  if (merged === null) return tree;
  const held = /** @type {import("./components.js").Components} */ ((!whole && tree?.[COMPONENTS]) || {});
  return { ...merged, [COMPONENTS]: mergeComponents(held, entries, removed, mergeDiff) };
}

/**
 * @param {Tree} tree
 * @param {JsonObject} diff a diff without statics
 * @returns {Tree}
 */
function mergeInto(tree, diff) {
  // A stream's rows are not read to merge its instruction (they are made on demand).
  if (streamState(tree) !== undefined || isComprehension(tree)) return mergeComprehension(tree, diff);
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
  if (STREAM in diff) return mergeStream(comprehension, diff, rowFromWire) ?? comprehension;
  if (KEYED in diff) {
    const rows = mergeKeyed(/** @type {unknown[]} */ (comprehension[DYNAMICS]), diff[KEYED]);
    return rows === null ? comprehension : { ...comprehension, [DYNAMICS]: rows };
  }
  if (!(DYNAMICS in diff)) return comprehension;
  if (!Array.isArray(diff[DYNAMICS])) {
    logError('ignoring a comprehension diff whose "d" is not a list:', diff);
    return comprehension;
  }
  return { ...comprehension, [DYNAMICS]: diff[DYNAMICS] };
}

/** Row arrays whose every row is a list of dynamics (made by a keyed merge or from the wire). */
const listsOfRows = new WeakSet();

/** How many rows keyed merges checked for content, for the tests. */
export const rowsChecked = { count: 0 };

/**
 * Apply a keyed diff to a comprehension's rows; null (and a log) when it is malformed.
 *
 * @param {unknown[]} rows the old rows
 * @param {unknown} keyed the `"k"` object
 * @returns {unknown[] | null}
 */
function mergeKeyed(rows, keyed) {
  if (!isObject(keyed)) {
    logError('ignoring a keyed diff whose "k" is not an object:', keyed);
    return null;
  }
  const count = KEY_COUNT in keyed ? keyed[KEY_COUNT] : rows.length;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 0) {
    logError('ignoring a keyed diff with a bad "kc":', keyed);
    return null;
  }
  /** @param {unknown} index */
  const oldRow = (index) =>
    typeof index === "number" && Number.isInteger(index) && index >= 0 && index < rows.length
      ? rows[index]
      : undefined;
  /** @type {unknown[]} */
  const next = rows.slice(0, count);
  for (let i = rows.length; i < count; i++) next.push(undefined);
  // The rows that may be left without content: those written here, and those past the old
  // end (the others are the old rows, known to be lists when a keyed merge made them).
  /** @type {number[]} */
  const written = [];
  const moves = keyed[MOVES] ?? [];
  if (!Array.isArray(moves)) {
    logError('ignoring a keyed diff whose "m" is not a list:', keyed);
    return null;
  }
  for (const run of moves) {
    if (!Array.isArray(run) || run.length !== 3 || !run.every(Number.isInteger)) {
      logError("ignoring a keyed diff with a bad run of moves:", run);
      return null;
    }
    const [index, was, length] = /** @type {number[]} */ (run);
    for (let offset = 0; offset < length; offset++) {
      if (index + offset >= count) break;
      const row = oldRow(was + offset);
      next[index + offset] = row;
      if (row === undefined && index + offset >= 0) written.push(index + offset);
    }
  }
  for (const [key, value] of Object.entries(keyed)) {
    if (key === KEY_COUNT || key === MOVED || key === MOVES) continue;
    const index = Number(key);
    if (!isDynamicKey(key) || index >= count) {
      logError(`ignoring keyed row ${key}: out of range for ${count} rows`, keyed);
      return null;
    }
    if (typeof value === "number") next[index] = oldRow(value);
    else if (Array.isArray(value) && value.length === 2) {
      next[index] = mergeRow(oldRow(value[0]), value[1]);
    } else next[index] = mergeRow(index < rows.length ? rows[index] : [], value);
    written.push(index);
  }
  let empty = written.some((index) => !Array.isArray(next[index]));
  for (let i = rows.length; i < count && !empty; i++) empty = !Array.isArray(next[i]);
  rowsChecked.count += written.length + Math.max(0, count - rows.length);
  if (!empty && !listsOfRows.has(rows)) {
    rowsChecked.count += next.length;
    empty = next.some((row) => !Array.isArray(row));
  }
  if (empty) {
    logError("ignoring a keyed diff that leaves rows without content:", keyed);
    return null;
  }
  listsOfRows.add(next);
  return next;
}

/**
 * @param {unknown} row an old row (a list of dynamics)
 * @param {unknown} diff the row's diff: dynamics by index
 * @returns {unknown[] | undefined}
 */
function mergeRow(row, diff) {
  if (!Array.isArray(row) || !isObject(diff)) return undefined;
  const merged = row.slice();
  for (const [key, value] of Object.entries(diff)) {
    if (!isDynamicKey(key)) continue;
    const index = Number(key);
    while (merged.length <= index) merged.push("");
    merged[index] = mergeDynamic(merged[index], value);
  }
  return merged;
}

/**
 * Whether a dynamic is a component's cid (a positive integer: see `components.js`).
 *
 * @param {unknown} value
 * @returns {value is number}
 */
function isCid(value) {
  return typeof value === "number" && Number.isInteger(value) && value > 0;
}

/**
 * @param {unknown} old the dynamic before the diff (may be missing)
 * @param {unknown} value the diff of that dynamic
 * @returns {unknown} the dynamic after the diff
 */
function mergeDynamic(old, value) {
  if (typeof value === "string" || isCid(value)) return value;
  if (!isObject(value)) {
    logError("ignoring a dynamic that is neither a string nor an object:", value);
    return old;
  }
  if (STATICS in value) {
    if (isTree(value)) return fromWire(value) ?? old;
    logError('ignoring a subtree whose "s" is not a list of strings:', value);
    return old;
  }
  if (isTree(old)) return mergeInto(old, value);
  logError("ignoring a diff without statics for a dynamic that holds no tree:", value);
  return old;
}

/**
 * @callback SkipRow
 * @param {unknown[]} row a comprehension row
 * @param {string[]} statics the comprehension's statics
 * @returns {string | null} HTML to write instead of the row, or null to write the row
 */

/**
 * @callback SkipList
 * @param {Tree} comprehension a comprehension (its statics and rows)
 * @returns {string | null} HTML to write instead of all its rows, or null to write them
 */

/**
 * What may stand in for parts of a tree when its HTML is built.
 *
 * @typedef {object} Skips
 * @property {SkipRow} [row] may stand in for one comprehension row (see `row_skip.js`)
 * @property {SkipList} [list] may stand in for a whole comprehension (see `list_skip.js`)
 * @property {{[cid: string]: unknown}} [components] the page's components, by cid
 */

/** The components of the tree `toHTML` builds (or built last), by cid. @type {{[cid: string]: unknown}} */
let rendering = {};

/**
 * Build the HTML of a tree: statics[0] + dynamic 0 + statics[1] + … + statics[n].
 *
 * @param {Tree | null} tree
 * @param {SkipRow} [skipRow] may stand in for comprehension rows (see `row_skip.js`)
 * @param {SkipList} [skipList] may stand in for whole comprehensions (see `list_skip.js`)
 * @returns {string}
 */
export function toHTML(tree, skipRow, skipList) {
  if (tree === null) return "";
  /** @type {string[]} */
  const out = [];
  const components = isObject(tree[COMPONENTS]) ? /** @type {{[cid: string]: unknown}} */ (tree[COMPONENTS]) : {};
  // The skips render rows of this tree on their own (renderRowHTML) while it is built.
  rendering = components;
  renderNode(tree, out, { row: skipRow, list: skipList, components });
  return out.join("");
}

/**
 * The HTML of one comprehension row.
 *
 * @param {string[]} statics the comprehension's shared statics
 * @param {unknown} row one row of dynamics
 * @returns {string}
 */
export function renderRowHTML(statics, row) {
  /** @type {string[]} */
  const out = [];
  renderRow(statics, row, out, { components: rendering });
  return out.join("");
}

/**
 * @param {unknown} node a tree or a comprehension
 * @param {string[]} out the HTML parts, appended to
 * @param {Skips} skip
 */
function renderNode(node, out, skip) {
  if (!isTree(node)) {
    logError("cannot render a node without statics:", node);
    return;
  }
  const stream = streamState(node) !== undefined;
  if (stream && skip.list && Object.keys(skip.components ?? {}).length === 0) {
    // A stream's rows are made into a list only to be written: a skip may stand for them all.
    const wholeStream = skip.list(node);
    if (wholeStream !== null) {
      out.push(wholeStream);
      return;
    }
    skip = { row: skip.row, components: skip.components };
  }
  if (stream || isComprehension(node)) {
    // A row holding a component shows the component's current tree: never stood in for.
    const rows = /** @type {unknown[]} */ (node[DYNAMICS]);
    if ((skip.row || skip.list) && Object.keys(skip.components ?? {}).length > 0 && rows.some(holdsComponent)) {
      skip = { components: skip.components };
    }
    const wholeList = skip.list ? skip.list(node) : null;
    if (wholeList !== null) {
      out.push(wholeList);
      return;
    }
    for (const row of /** @type {unknown[]} */ (node[DYNAMICS])) {
      const instead = skip.row && Array.isArray(row) ? skip.row(row, node.s) : null;
      if (instead !== null) out.push(instead);
      else renderRow(node.s, row, out, skip);
    }
    return;
  }
  const statics = node.s;
  out.push(statics[0]);
  for (let i = 1; i < statics.length; i++) {
    const key = String(i - 1);
    if (key in node) renderDynamic(node[key], out, skip);
    else logError(`a tree is missing its dynamic ${key}:`, node);
    out.push(statics[i]);
  }
}

/**
 * @param {string[]} statics the comprehension's shared statics
 * @param {unknown} row one row of dynamics
 * @param {string[]} out
 * @param {Skips} skip
 */
function renderRow(statics, row, out, skip) {
  if (!Array.isArray(row)) {
    logError("cannot render a comprehension row that is not a list:", row);
    return;
  }
  if (row.length !== statics.length - 1) {
    logError(`a comprehension row has ${row.length} dynamics for ${statics.length} statics:`, row);
  }
  out.push(statics[0]);
  for (let i = 1; i < statics.length; i++) {
    if (i - 1 < row.length) renderDynamic(row[i - 1], out, skip);
    out.push(statics[i]);
  }
}

/**
 * @param {unknown} value
 * @param {string[]} out
 * @param {Skips} skip
 */
function renderDynamic(value, out, skip) {
  if (typeof value === "string") out.push(value);
  else if (typeof value === "number") renderComponent(value, out, skip);
  else if (isObject(value)) renderNode(value, out, skip);
  else logError("cannot render a dynamic that is neither a string nor a tree:", value);
}

/**
 * @param {number} cid
 * @param {string[]} out
 * @param {Skips} skip
 */
function renderComponent(cid, out, skip) {
  const tree = skip.components?.[cid];
  if (!isTree(tree)) {
    logError(`no component for cid ${cid}`, Object.keys(skip.components ?? {}));
    return;
  }
  /** @type {string[]} */
  const own = [];
  renderNode(tree, own, skip);
  const html = own.join("");
  out.push(tree[ROOT] ? componentHTML(cid, html) : html);
}
