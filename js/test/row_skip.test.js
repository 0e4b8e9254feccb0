/**
 * row_skip.js: rows the DOM already shows are kept as they are, not rebuilt or re-walked.
 */

import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { patch } from "../src/dom_patch.js";
import { mergeDiff, toHTML } from "../src/rendered.js";
import { RowSkipper } from "../src/row_skip.js";
import { usePage } from "./helpers.js";

const { document, fresh } = usePage();

/** @typedef {import("../src/rendered.js").Tree} Tree */

/** @type {HTMLElement} */
let container;
/** @type {RowSkipper} */
let skipper;

beforeEach(() => {
  container = fresh();
  skipper = new RowSkipper(document);
});

/** @param {string[]} rowStatics @param {string[][]} rows @returns {Tree} */
function table(rowStatics, rows) {
  return { s: ["<ul>", "</ul>"], 0: { s: rowStatics, d: rows } };
}

/** @param {Tree} tree */
function show(tree) {
  const ok = patch(container, skipper.html(tree));
  skipper.commit();
  return ok;
}

const KEYED = ['\n  <li id="r', '">', "</li>"];

describe("RowSkipper", () => {
  test("unchanged rows keep their elements untouched; the changed row is patched", () => {
    let tree = table(KEYED, [["1", "a"], ["2", "b"], ["3", "c"]]);
    show(tree);
    const [first, second] = container.querySelectorAll("li");
    // A change no diff knows about: a skipped row keeps it, which proves it was not re-walked.
    first.textContent = "touched";
    tree = /** @type {Tree} */ (mergeDiff(tree, { 0: { k: { 1: { 1: "B" } } } }));
    assert.ok(show(tree));
    const items = container.querySelectorAll("li");
    assert.equal(items[0], first);
    assert.equal(items[1], second);
    assert.deepEqual(Array.from(items, (li) => li.textContent), ["touched", "B", "c"]);
  });

  test("moved rows are kept and moved", () => {
    let tree = table(KEYED, [["1", "a"], ["2", "b"], ["3", "c"]]);
    show(tree);
    const third = container.querySelector("#r3");
    tree = /** @type {Tree} */ (mergeDiff(tree, { 0: { k: { m: [[0, 1, 2]], kc: 2 } } }));
    assert.ok(show(tree));
    assert.deepEqual(Array.from(container.querySelectorAll("li"), (li) => li.id), ["r2", "r3"]);
    assert.equal(container.querySelector("#r3"), third);
    assert.equal(container.innerHTML, toHTML(tree));
  });

  test("a row whose element went missing is rendered in full again", () => {
    let tree = table(KEYED, [["1", "a"], ["2", "b"]]);
    show(tree);
    container.querySelector("#r2")?.remove();
    tree = /** @type {Tree} */ (mergeDiff(tree, { 0: { k: { 0: { 1: "A" } } } }));
    assert.equal(show(tree), false, "patch reports the placeholder that found no element");
    skipper.reset();
    show(tree);
    assert.equal(container.innerHTML, toHTML(tree));
    assert.equal(container.querySelector("[data-lw-skip]"), null);
  });

  test("rows without an id, or of several elements, are always rendered in full", () => {
    for (const statics of [["<li>", "</li>"], ['<b id="x', '"></b><i>', "</i>"]]) {
      let tree = table(statics, [["1"], ["2"]]);
      show(tree);
      tree = /** @type {Tree} */ (mergeDiff(tree, { 0: { k: { 1: { 0: "9" } } } }));
      const html = skipper.html(tree);
      assert.ok(!html.includes("data-lw-skip"), html);
      skipper.commit();
    }
  });

  test("the first render of a view has no placeholders", () => {
    const tree = table(KEYED, [["1", "a"]]);
    assert.ok(!skipper.html(tree).includes("data-lw-skip"));
  });
});
