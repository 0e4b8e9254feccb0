/**
 * row_patch.js: rows changed in place are patched on their own element; anything else is
 * left to the full patch.
 */

import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { patch } from "../src/dom_patch.js";
import { mergeDiff, toHTML } from "../src/rendered.js";
import { patchRowsInPlace } from "../src/row_patch.js";
import { usePage } from "./helpers.js";

const { fresh } = usePage();

/** @typedef {import("../src/rendered.js").Tree} Tree */

/** @type {HTMLElement} */
let container;

beforeEach(() => {
  container = fresh();
});

const ROW = ['\n<li id="r', '" class="', '">', "</li>"];

/** @returns {Tree} */
function page() {
  return {
    s: ["<h1>", "</h1><ul>", "</ul>"],
    0: "title",
    1: { s: ROW, d: [["1", "a", "x"], ["2", "b", "y"], ["3", "c", "z"]] },
  };
}

/** @param {Tree} tree @param {unknown} diff @returns {Tree} */
function merged(tree, diff) {
  return /** @type {Tree} */ (mergeDiff(tree, diff));
}

/**
 * Merge `diff` and apply it with the fast path, which must take it.
 *
 * @param {Tree} tree @param {unknown} diff @returns {Tree}
 */
function patchTo(tree, diff) {
  const after = merged(tree, diff);
  const result = patchRowsInPlace(container, tree, after);
  assert.ok(result && !result.rest, `the fast path took ${JSON.stringify(diff)}`);
  return after;
}

describe("patchRowsInPlace", () => {
  test("patches only the changed row's element, attributes included", () => {
    const before = page();
    patch(container, toHTML(before));
    const first = /** @type {HTMLElement} */ (container.querySelector("#r1"));
    first.textContent = "not re-walked";
    const after = merged(before, { 1: { k: { 1: { 1: "B", 2: "Y" } } } });
    const rows = patchRowsInPlace(container, before, after);
    assert.deepEqual(rows, { shown: /** @type {any} */ (after[1]).d, rest: false });
    const second = /** @type {HTMLElement} */ (container.querySelector("#r2"));
    assert.equal(second.className, "B");
    assert.equal(second.textContent, "Y");
    assert.equal(container.querySelector("#r1"), first);
    assert.equal(first.textContent, "not re-walked");
  });

  test("removes rows and appends rows with the DOM exactly as a full render makes it", () => {
    let tree = page();
    patch(container, toHTML(tree));
    const third = container.querySelector("#r3");
    tree = patchTo(tree, { 1: { k: { m: [[1, 2, 1]], kc: 2 } } }); // remove row 2
    assert.equal(container.innerHTML, toHTML(tree));
    assert.equal(container.querySelector("#r3"), third);
    tree = patchTo(tree, { 1: { k: { 2: { 0: "4", 1: "d", 2: "w" }, kc: 3 } } }); // append
    assert.equal(container.innerHTML, toHTML(tree));
    tree = patchTo(tree, { 1: { k: { m: [[0, 1, 2]], kc: 2 } } }); // remove the first row
    assert.equal(container.innerHTML, toHTML(tree));
    assert.equal(container.querySelector("#r3"), third);
  });

  test("patches the rows and reports the other differences, which it leaves alone", () => {
    const before = page();
    patch(container, toHTML(before));
    const title = /** @type {HTMLElement} */ (container.querySelector("h1"));
    const after = merged(before, { 0: "other", 1: { k: { 1: { 1: "B" } } } });
    assert.deepEqual(patchRowsInPlace(container, before, after), { shown: /** @type {any} */ (after[1]).d, rest: true });
    assert.equal(container.querySelector("#r2")?.className, "B");
    assert.equal(title.textContent, "title", "the scalar is the caller's");
    assert.deepEqual(patchRowsInPlace(container, after, merged(after, { 0: "again" })), { shown: [], rest: true });
    assert.equal(title.textContent, "title");
  });

  for (const [name, diff] of [
    ["a row inserted in the middle", { 1: { k: { 1: { 0: "9", 1: "n", 2: "m" }, m: [[2, 1, 2]], kc: 4 } } }],
    ["rows moved", { 1: { k: { 0: 1, 1: 0 } } }],
    ["a row's id changed", { 1: { k: { 0: { 0: "9" } } } }],
    ["every row removed", { 1: { k: { kc: 0 } } }],
  ]) {
    test(`leaves it to the full patch when ${name}`, () => {
      const before = page();
      patch(container, toHTML(before));
      const html = container.innerHTML;
      assert.equal(patchRowsInPlace(container, before, merged(before, diff)), null);
      assert.equal(container.innerHTML, html, "nothing touched");
    });
  }

  test("random edits: the fast path, when it applies, leaves exactly the full render", () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    let next = 4;
    let tree = page();
    patch(container, toHTML(tree));
    let fast = 0;
    for (let step = 0; step < 300; step++) {
      const rows = /** @type {any} */ (tree[1]).d;
      const n = rows.length;
      const pick = () => Math.floor(random() * n);
      const op = random();
      /** @type {any} */
      let diff;
      if (n === 0 || op < 0.25) diff = { 1: { k: { [n]: { 0: String(next), 1: `v${next++}`, 2: "x" }, kc: n + 1 } } };
      else if (op < 0.5) diff = { 1: { k: { [pick()]: { 1: `c${step}` } } } };
      else if (op < 0.75) {
        const at = pick();
        diff = { 1: { k: at < n - 1 ? { m: [[at, at + 1, n - 1 - at]], kc: n - 1 } : { kc: n - 1 } } };
      } else if (op < 0.85) diff = { 0: `t${step}` };
      else diff = { 1: { k: { 0: { 0: String(next), 1: `i${next++}`, 2: "y" }, m: [[1, 0, n]], kc: n + 1 } } };
      const after = merged(tree, diff);
      const result = patchRowsInPlace(container, tree, after);
      if (result && !result.rest) fast++;
      else patch(container, toHTML(after));
      assert.equal(container.innerHTML, toHTML(after), `step ${step}: ${JSON.stringify(diff)}`);
      tree = after;
    }
    assert.ok(fast > 100, `the fast path applied ${fast} times`);
  });

  test("leaves it to the full patch when the row's element is missing", () => {
    const before = page();
    patch(container, toHTML(before));
    container.querySelector("#r2")?.remove();
    assert.equal(patchRowsInPlace(container, before, merged(before, { 1: { k: { 1: { 1: "B" } } } })), null);
  });
});
