/**
 * row_patch.js on a list it checked before: only the run of rows that changed is read, so a
 * one-cell update costs the same on a short and on a long list; anything else changing the
 * view's DOM makes the next patch check every row again. list_skip.js steps over such a list
 * whole.
 */

import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { patch } from "../src/dom_patch.js";
import { patchAroundLists, rowsWalked } from "../src/list_skip.js";
import { mergeDiff, toHTML } from "../src/rendered.js";
import { patchRowsInPlace, rowsRead } from "../src/row_patch.js";
import { RowSkipper } from "../src/row_skip.js";
import { usePage } from "./helpers.js";

const { document, fresh } = usePage();

/** @typedef {import("../src/rendered.js").Tree} Tree */

/** @type {HTMLElement} */
let container;

beforeEach(() => {
  container = fresh();
});

/** @param {number} i @returns {string[]} */
const row = (i) => [String(i), `Person ${i}`, String(i % 100)];

/**
 * The benchmark's table: a title above `n` rows of one `<tr>` each.
 *
 * @param {number} n
 * @returns {Tree}
 */
function table(n) {
  return {
    s: ["<h1>", "</h1>\n<table><tbody>", "\n</tbody></table>"],
    0: "Leaderboard",
    1: { s: ['\n  <tr id="row-', '"><td>', "</td><td>", "</td></tr>"], d: Array.from({ length: n }, (_, i) => row(i + 1)) },
  };
}

/** @param {Tree} tree @returns {number} */
const count = (tree) => /** @type {any} */ (tree[1]).d.length;

/** @param {Tree} tree @returns {number} the id of the last row */
const lastId = (tree) => Number(/** @type {any} */ (tree[1]).d.at(-1)[0]);

/**
 * Merge `diff` and patch it with the fast path, which must take it; the DOM must be the full
 * render's. Returns the new tree and how many rows the patch read.
 *
 * @param {Tree} tree @param {unknown} diff @returns {[Tree, number]}
 */
function step(tree, diff) {
  const after = /** @type {Tree} */ (mergeDiff(tree, diff));
  const read = rowsRead.count;
  const result = patchRowsInPlace(container, tree, after);
  assert.ok(result && !result.rest, `the fast path took ${JSON.stringify(diff)}`);
  assert.equal(container.innerHTML, toHTML(after));
  return [after, rowsRead.count - read];
}

/** @param {Tree} tree a cell of the middle row changes */
const cell = (tree) => ({ 1: { k: { [Math.floor(count(tree) / 2)]: { 2: `${Math.random()}` } } } });
/** @param {Tree} tree a row appended */
const append = (tree) => ({ 1: { k: { [count(tree)]: Object.assign({}, row(lastId(tree) + 1)), kc: count(tree) + 1 } } });
/** @param {Tree} tree the middle row removed */
const remove = (tree) => {
  const n = count(tree);
  const at = Math.floor(n / 2);
  return { 1: { k: { m: [[at, at + 1, n - 1 - at]], kc: n - 1 } } };
};

/**
 * Rows read by a cell change, an append and a removal once the list is checked.
 *
 * @param {number} n
 * @returns {{first: number, cell: number, append: number, remove: number}}
 */
function readsOn(n) {
  let tree = table(n);
  patch(container, toHTML(tree));
  let first;
  [tree, first] = step(tree, cell(tree)); // checks every row, once
  /** @type {number} */ let onCell;
  /** @type {number} */ let onAppend;
  /** @type {number} */ let onRemove;
  [tree, onCell] = step(tree, cell(tree));
  [tree, onAppend] = step(tree, append(tree));
  [tree, onRemove] = step(tree, remove(tree));
  container.remove();
  container = fresh();
  return { first, cell: onCell, append: onAppend, remove: onRemove };
}

describe("patchRowsInPlace on a list it checked before", () => {
  test("reads the same few rows for one update of 100 rows and of 3,000", () => {
    const short = readsOn(100);
    const long = readsOn(3000);
    assert.equal(short.first, 200, "the first patch checks every row, old and new");
    assert.equal(long.first, 6000);
    const { first: _a, ...perUpdate } = short;
    const { first: _b, ...perUpdateLong } = long;
    assert.deepEqual(perUpdate, perUpdateLong);
    // The changed row, old and new, and the rows on either side of it.
    assert.deepEqual(perUpdate, { cell: 4, append: 2, remove: 3 });
  });

  test("checks every row again when something else removed a row's element", () => {
    let tree = table(50);
    patch(container, toHTML(tree));
    [tree] = step(tree, cell(tree));
    container.querySelector("#row-3")?.remove();
    const html = container.innerHTML;
    assert.equal(patchRowsInPlace(container, tree, /** @type {Tree} */ (mergeDiff(tree, cell(tree)))), null);
    assert.equal(container.innerHTML, html, "nothing touched");
  });

  test("also when the change was seen by the observer's callback before the patch", async () => {
    let tree = table(50);
    patch(container, toHTML(tree));
    [tree] = step(tree, cell(tree));
    container.querySelector("#row-40")?.remove();
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(patchRowsInPlace(container, tree, /** @type {Tree} */ (mergeDiff(tree, cell(tree)))), null);
  });

  test("checks every row again after another patch of the view (the full patch's)", () => {
    let tree = table(50);
    patch(container, toHTML(tree));
    [tree] = step(tree, cell(tree));
    const titled = /** @type {Tree} */ (mergeDiff(tree, { 0: "Other" }));
    patch(container, toHTML(titled));
    let read;
    [tree, read] = step(titled, cell(titled));
    assert.equal(read, 100);
  });

  test("random runs of edits on a checked list leave exactly the full render", () => {
    let seed = 11;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    let tree = table(30);
    patch(container, toHTML(tree));
    let next = 31;
    let fast = 0;
    for (let i = 0; i < 400; i++) {
      const n = count(tree);
      const at = Math.floor(random() * n);
      const op = random();
      /** @type {any} */
      let diff;
      if (op < 0.3) diff = { 1: { k: { [at]: { 1: `c${i}` }, [Math.floor(random() * n)]: { 2: `d${i}` } } } };
      else if (op < 0.5) diff = { 1: { k: { [n]: Object.assign({}, row(next)), [n + 1]: Object.assign({}, row(next + 1)), kc: n + 2 } } };
      else if (op < 0.75 && n > 2) {
        const run = Math.min(2, n - 1 - at);
        diff = { 1: { k: at + run < n ? { m: [[at, at + run, n - at - run]], kc: n - run } : { kc: at } } };
      } else if (op < 0.85) diff = { 1: { k: { 0: 1, 1: 0 } } }; // a move: not the fast path
      else diff = { 1: { k: { [at]: { 0: String(next + 5000) } } } }; // an id changes
      if (op >= 0.5 && op < 0.75 && n <= 2) diff = { 0: `t${i}` };
      next += 2;
      const after = /** @type {Tree} */ (mergeDiff(tree, diff));
      const result = patchRowsInPlace(container, tree, after);
      if (result && !result.rest) fast++;
      else patch(container, toHTML(after));
      assert.equal(container.innerHTML, toHTML(after), `step ${i}: ${JSON.stringify(diff)}`);
      tree = after;
    }
    assert.ok(fast > 150, `the fast path applied ${fast} times`);
  });
});

describe("patchAroundLists on a list the row patch checked", () => {
  /**
   * A table shown, then a cell changed by the row patch (which checks the list); the skipper
   * knows what is on screen, as the view's does.
   *
   * @returns {{tree: Tree, skipper: RowSkipper}}
   */
  function checkedTable() {
    const skipper = new RowSkipper(document);
    const tree = table(50);
    patch(container, skipper.html(tree));
    skipper.commit();
    const [after] = step(tree, cell(tree));
    skipper.showing(/** @type {any} */ (after[1]).d);
    return { tree: after, skipper };
  }

  /** @param {Tree} tree @param {RowSkipper} skipper @returns {[string, number]} */
  function retitle(tree, skipper) {
    const titled = /** @type {Tree} */ (mergeDiff(tree, { 0: "Other" }));
    /** @type {import("../src/list_skip.js").SkippedList[]} */
    const lists = [];
    const html = skipper.html(titled, lists);
    assert.equal(lists.length, 1);
    const walked = rowsWalked.count;
    const outcome = patchAroundLists(container, html, lists);
    if (outcome === "patched") assert.equal(container.innerHTML, toHTML(titled));
    return [outcome, rowsWalked.count - walked];
  }

  test("steps over its rows whole: a new title walks none of them", () => {
    const { tree, skipper } = checkedTable();
    assert.deepEqual(retitle(tree, skipper), ["patched", 0]);
  });

  for (const [name, tamper] of /** @type {[string, () => void][]} */ ([
    ["a row's element was removed", () => container.querySelector("#row-20")?.remove()],
    ["a row's id was changed", () => container.querySelector("#row-20")?.setAttribute("id", "row-x")],
  ])) {
    test(`walks every row when ${name} behind the view's back`, () => {
      const { tree, skipper } = checkedTable();
      tamper();
      assert.deepEqual(retitle(tree, skipper), ["not lined up", 50]);
    });
  }

  test("a list it walked once is stepped over next time, and the row patch then reads only the change", () => {
    const skipper = new RowSkipper(document);
    let tree = table(50);
    patch(container, skipper.html(tree));
    skipper.commit();
    for (const [title, walks] of /** @type {[string, number][]} */ ([["A", 50], ["B", 0], ["C", 0]])) {
      tree = /** @type {Tree} */ (mergeDiff(tree, { 0: title }));
      /** @type {import("../src/list_skip.js").SkippedList[]} */
      const lists = [];
      const html = skipper.html(tree, lists);
      const walked = rowsWalked.count;
      assert.equal(patchAroundLists(container, html, lists), "patched");
      skipper.commit();
      assert.equal(rowsWalked.count - walked, walks, `title ${title}`);
      assert.equal(container.innerHTML, toHTML(tree));
    }
    const [, read] = step(tree, cell(tree));
    assert.equal(read, 4);
  });
});

describe("two lists in one view", () => {
  test("each is read only where it changed, and both stay as the full render", () => {
    const rows = (/** @type {number} */ n, /** @type {string} */ p) => Array.from({ length: n }, (_, i) => [`${p}${i}`, `v${i}`]);
    /** @type {Tree} */
    let tree = {
      s: ["<ul>", "\n</ul><ol>", "\n</ol>"],
      0: { s: ['\n<li id="', '">', "</li>"], d: rows(40, "a") },
      1: { s: ['\n<li id="', '">', "</li>"], d: rows(40, "b") },
    };
    patch(container, toHTML(tree));
    let read;
    [tree, read] = step(tree, { 0: { k: { 3: { 1: "x" } } }, 1: { k: { 5: { 1: "y" } } } });
    assert.equal(read, 160, "both checked, once");
    [tree, read] = step(tree, { 0: { k: { 7: { 1: "x" } } }, 1: { k: { 9: { 1: "y" } } } });
    assert.equal(read, 8);
    [tree, read] = step(tree, { 1: { k: { 40: { 0: "b40", 1: "new" }, kc: 41 } } });
    assert.equal(read, 2);
    [tree, read] = step(tree, { 0: { k: { 0: { 1: "first" } } } });
    assert.equal(read, 3, "the first row: no row before it");
  });
});
