/**
 * Streams: comprehensions whose rows the kernel sends once and does not keep as items.
 *
 * On the wire a stream's comprehension carries Phoenix LiveView 1.2's instruction beside its
 * rows: `{"s": [...], "k": {new rows..., "kc": n}, "stream": [ref, inserts, deletes, reset?]}`,
 * where the rows in `"k"` are the ones inserted since the last message, in the order of
 * `inserts` (`[dom_id, at, limit, update_only]` each). The page applies, in order: reset (drop
 * every row), deletes (by DOM id), then each insert in turn: a row whose DOM id is shown
 * already is updated in place; a new one goes to position `at` (-1 appends, 0 prepends, i
 * goes before the row at index i), then `limit` prunes from the other end (negative: keep
 * the last rows; positive: keep the first). A fourth entry, whatever its value, is a reset.
 *
 * This client keeps every row a stream shows (`stream_rows.js`), so that a second view of the
 * widget renders them all, but merging an instruction costs the instruction, not the rows
 * shown: the rows live in one `StreamRows` that successive trees share, and each stream node
 * records the steps its instruction took. The page replays those steps on the container's
 * elements (`stream_patch.js`): new rows parsed and placed, deleted ones removed, an updated
 * row morphed where it is (its element and hook stay). The kernel, for its part, keeps the
 * rows only as rendered JSON.
 */

import { DYNAMICS, KEY_COUNT, KEYED, STATICS, STREAM } from "./constants.js";
import { logError } from "./log.js";
import { StreamRows } from "./stream_rows.js";

/**
 * @typedef {[string, number, number | null, boolean]} StreamInsert
 * One insert: DOM id, position, limit, update only.
 */

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Whether `instruction` has the shape `[ref, inserts, deletes]` or `[ref, inserts, deletes, reset]`.
 *
 * @param {unknown} instruction
 * @returns {instruction is [unknown, StreamInsert[], string[], unknown?]}
 */
function isInstruction(instruction) {
  if (!Array.isArray(instruction) || instruction.length < 3 || instruction.length > 4) return false;
  const [, inserts, deletes] = instruction;
  return (
    Array.isArray(inserts) &&
    inserts.every(
      (i) =>
        Array.isArray(i) &&
        i.length === 4 &&
        typeof i[0] === "string" &&
        Number.isInteger(i[1]) &&
        (i[2] === null || Number.isInteger(i[2])),
    ) &&
    Array.isArray(deletes) &&
    deletes.every((d) => typeof d === "string")
  );
}

/**
 * Apply one stream instruction to `ids` and `rows` (both modified in place), as the page does:
 * the rules on plain arrays, O(rows) per instruction. The client keeps its rows in a
 * `StreamRows`, which applies the same rules at the instruction's cost; the tests check one
 * against the other.
 *
 * @template R
 * @param {string[]} ids the DOM ids of the rows shown, in order
 * @param {R[]} rows the rows shown, in the same order
 * @param {boolean} reset drop every row first
 * @param {string[]} deletes DOM ids to remove
 * @param {StreamInsert[]} inserts the inserts, in order
 * @param {R[]} newRows the inserted rows, one per insert
 */
export function applyStream(ids, rows, reset, deletes, inserts, newRows) {
  if (reset) {
    ids.length = 0;
    rows.length = 0;
  }
  const gone = new Set(deletes);
  if (gone.size > 0) {
    let kept = 0;
    for (let i = 0; i < ids.length; i++) {
      if (gone.has(ids[i])) continue;
      ids[kept] = ids[i];
      rows[kept] = rows[i];
      kept++;
    }
    ids.length = kept;
    rows.length = kept;
  }
  const present = new Set(ids);
  inserts.forEach(([domId, at, limit, updateOnly], n) => {
    const row = newRows[n];
    if (present.has(domId)) {
      rows[ids.indexOf(domId)] = row; // shown already: updated where it is
      return;
    }
    if (updateOnly) return;
    if (at < 0 || at >= ids.length) {
      ids.push(domId);
      rows.push(row);
    } else {
      ids.splice(at, 0, domId);
      rows.splice(at, 0, row);
    }
    present.add(domId);
    if (limit === null) return;
    let start = 0;
    let count = 0;
    if (limit < 0 && ids.length > -limit) count = ids.length + limit;
    else if (limit >= 0 && ids.length > limit) {
      start = limit;
      count = ids.length - limit;
    }
    for (const id of ids.splice(start, count)) present.delete(id);
    rows.splice(start, count);
  });
}

/**
 * What a stream's comprehension node holds beside its statics (hidden from JSON, copies and
 * comparisons, like the rows it stands for).
 *
 * @typedef {object} StreamState
 * @property {StreamRows} rows the rows the stream shows, shared by successive trees
 * @property {number} version `rows.version` when this node was made
 * @property {number} base the version of the node this one was merged from (-1: none, a full render)
 * @property {import("./stream_rows.js").Step[]} log what this node's instruction did, step by step
 * @property {boolean} reset whether the instruction dropped every row first
 */

/** The hidden key of a stream node's state. */
const STATE = "lw_stream";

/**
 * The state of a stream's comprehension node, or undefined for any other node.
 *
 * @param {unknown} node
 * @returns {StreamState | undefined}
 */
export function streamState(node) {
  return typeof node === "object" && node !== null ? /** @type {any} */ (node)[STATE] : undefined;
}

/**
 * A stream's comprehension node: `{"s": statics}`, with its rows (`"d"`, made on demand) and
 * its state as properties that JSON, spreads, `structuredClone` and deep comparisons skip.
 * The rows are shared with the trees merged from it: reading `"d"` of an older tree gives the
 * rows shown now (the page's patch reads only the steps, `streamState(node).log`).
 *
 * @param {string[]} statics
 * @param {StreamState} state
 * @returns {{s: string[]}}
 */
function streamNode(statics, state) {
  const node = { s: statics };
  Object.defineProperty(node, STATE, { value: state, enumerable: false });
  Object.defineProperty(node, DYNAMICS, { get: () => state.rows.rows(), enumerable: false });
  return node;
}

/**
 * A stream's comprehension after `diff`: its instruction applied to the rows `node` shows
 * (none when `node` is null or no stream's, or when the diff brings its statics: a full
 * render). Costs the instruction's size, not the rows shown: the rows live in a
 * `StreamRows` the new node shares with `node`, which must be the latest tree's.
 *
 * @param {{s: string[]} | null} node the comprehension in this client's form, or null
 * @param {Record<string, unknown>} diff the stream's diff, `"k"` and `"stream"` (and `"s"`)
 * @param {(entry: unknown, size: number) => unknown[] | null} readRow turns a wire row into a
 *   list of dynamics (null when malformed)
 * @returns {{s: string[]} | null} null (and a log) when the diff is malformed
 */
export function mergeStream(node, diff, readRow) {
  const instruction = diff[STREAM];
  if (!isInstruction(instruction)) {
    logError('ignoring a stream whose "stream" is not [ref, inserts, deletes(, reset)]:', diff);
    return null;
  }
  const statics = /** @type {string[]} */ (STATICS in diff ? diff[STATICS] : node?.s);
  const keyed = diff[KEYED] ?? { [KEY_COUNT]: 0 };
  const [, inserts, deletes] = instruction;
  if (!Array.isArray(statics) || !isObject(keyed)) {
    logError("ignoring a stream diff without statics or rows:", diff);
    return null;
  }
  const newRows = [];
  for (let i = 0; i < inserts.length; i++) {
    const row = readRow(keyed[i], statics.length - 1);
    if (row === null) {
      logError(`ignoring a stream diff whose row ${i} lacks some of its dynamics:`, diff);
      return null;
    }
    newRows.push(row);
  }
  const previous = node === null || STATICS in diff ? undefined : streamState(node);
  if (previous && previous.version !== previous.rows.version) {
    logError("ignoring a stream diff merged into an older tree than the last one:", diff);
    return null;
  }
  // A full render (statics in the diff), or a node that held no stream: no rows to keep.
  const rows = previous?.rows ?? new StreamRows();
  const reset = instruction.length === 4;
  const log = rows.apply(reset, deletes, inserts, newRows);
  return streamNode(statics, { rows, version: rows.version, base: previous?.version ?? -1, log, reset });
}
