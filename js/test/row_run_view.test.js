/**
 * Through a whole view (merge, row patch, hooks, bindings, the rest): once the table is on
 * screen and patched once, a one-cell update, an appended row and a removed row read the same
 * few rows, walk none, record as shown only the rows they put on screen and parse each row
 * they put there once, or none when only a text changed (that text is set instead); a new
 * title looks at no row one by one. At 100 rows as at 3,000.
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { rowsWalked } from "../src/list_skip.js";
import { rowsRead } from "../src/row_patch.js";
import { rowsLooked, rowsParsed, rowsShown } from "../src/row_skip.js";
import { textsSet } from "../src/text_patch.js";
import { settle, useHarness } from "./widget_harness.js";

const { harness } = useHarness();

const ROW = ['\n  <tr id="row-', '"><td>', "</td><td>", "</td></tr>"];

/** @param {number} i @returns {{[j: number]: string}} row i's dynamics, as the wire keys them */
const row = (i) => ({ 0: String(i), 1: `Person ${i}`, 2: String(i % 100) });

/**
 * Show a table of `size` rows in a view, then apply a cell change, a new title, an append and
 * a removal, and count the rows each read and walked.
 *
 * @param {number} size
 */
async function work(size) {
  const model = harness.model();
  const view = harness.display(model);
  const keyed = Object.fromEntries(Array.from({ length: size }, (_, i) => [i, row(i + 1)]));
  model.emit({ r: { s: ["<h1>", "</h1>\n<table><tbody>", "\n</tbody></table>"], 0: "Leaderboard", 1: { s: ROW, k: { ...keyed, kc: size } } } });
  await settle();
  const middle = Math.floor(size / 2);
  /** @type {[string, unknown][]} */
  const updates = [
    ["first cell", { 1: { k: { [middle]: { 2: "a" } } } }],
    ["cell", { 1: { k: { [middle]: { 2: "b" } } } }],
    ["title", { 0: "Other" }],
    ["cell after title", { 1: { k: { [middle]: { 2: "c" } } } }],
    ["append", { 1: { k: { [size]: row(size + 1), kc: size + 1 } } }],
    ["remove", { 1: { k: { m: [[middle, middle + 1, size - middle]], kc: size } } }],
  ];
  const counters = { read: rowsRead, walked: rowsWalked, shown: rowsShown, looked: rowsLooked, parsed: rowsParsed, texts: textsSet };
  /** @type {{[name: string]: {[counter: string]: number}}} */
  const counts = {};
  for (const [name, diff] of updates) {
    const start = Object.fromEntries(Object.entries(counters).map(([key, counter]) => [key, counter.count]));
    model.emit({ d: diff });
    await settle();
    counts[name] = Object.fromEntries(Object.entries(counters).map(([key, counter]) => [key, counter.count - start[key]]));
  }
  assert.equal(view.$("h1")?.textContent, "Other");
  assert.equal(view.el.querySelectorAll("tr").length, size);
  assert.equal(view.el.querySelector(`#row-${middle + 1}`), null, "the changed row, removed last");
  assert.equal(view.el.querySelector("tbody")?.lastElementChild?.id, `row-${size + 1}`);
  return counts;
}

describe("a view's patches of a table", () => {
  test("read, walk and record as shown the same rows per update at 100 rows and at 3,000", async () => {
    const small = await work(100);
    harness.reset();
    const large = await work(3000);
    const { "first cell": first, ...rest } = small;
    const { "first cell": firstLarge, ...restLarge } = large;
    // (Its parses include the shapes learnt while the page was idle after the full render.)
    assert.deepEqual({ ...first, parsed: 0 }, { read: 200, walked: 0, shown: 100, looked: 0, parsed: 0, texts: 0 }, "the first row patch after the full render checks every row");
    assert.deepEqual({ ...firstLarge, parsed: 0 }, { read: 6000, walked: 0, shown: 3000, looked: 0, parsed: 0, texts: 0 });
    assert.deepEqual(rest, restLarge);
    const none = { read: 0, walked: 0, shown: 0, looked: 0, parsed: 0, texts: 0 };
    assert.deepEqual(rest, {
      cell: { ...none, read: 4, shown: 1, texts: 1 },
      title: none,
      "cell after title": { ...none, read: 4, shown: 1, texts: 1 },
      append: { ...none, read: 2, shown: 1, parsed: 1 },
      remove: { ...none, read: 3 },
    });
  });
});
