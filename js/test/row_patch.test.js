/**
 * row_patch.js: rows changed in place are patched on their own element; anything else is
 * left to the full patch.
 */

import assert from "node:assert/strict";
import { after, beforeEach, describe, test } from "node:test";
import { patch } from "../src/dom_patch.js";
import { mergeDiff, toHTML } from "../src/rendered.js";
import { patchRowsInPlace } from "../src/row_patch.js";
import { closeWindow, createWindow, documentOf } from "./helpers.js";

const window = createWindow();
const document = documentOf(window);
after(() => closeWindow(window));

/** @typedef {import("../src/rendered.js").Tree} Tree */

/** @type {HTMLElement} */
let container;

beforeEach(() => {
  document.body.replaceChildren();
  container = document.createElement("div");
  document.body.append(container);
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

describe("patchRowsInPlace", () => {
  test("patches only the changed row's element, attributes included", () => {
    const before = page();
    patch(container, toHTML(before));
    const first = /** @type {HTMLElement} */ (container.querySelector("#r1"));
    first.textContent = "not re-walked";
    const after = merged(before, { 1: { k: { 1: { 1: "B", 2: "Y" } } } });
    const rows = patchRowsInPlace(container, before, after);
    assert.deepEqual(rows, [after[1] && /** @type {any} */ (after[1]).d[1]]);
    const second = /** @type {HTMLElement} */ (container.querySelector("#r2"));
    assert.equal(second.className, "B");
    assert.equal(second.textContent, "Y");
    assert.equal(container.querySelector("#r1"), first);
    assert.equal(first.textContent, "not re-walked");
  });

  for (const [name, diff] of [
    ["a scalar changed", { 0: "other" }],
    ["a row appended", { 1: { k: { 3: { 0: "4", 1: "d", 2: "w" }, kc: 4 } } }],
    ["a row removed", { 1: { k: { m: [[1, 2, 1]], kc: 2 } } }],
    ["a row's id changed", { 1: { k: { 0: { 0: "9" } } } }],
  ]) {
    test(`leaves it to the full patch when ${name}`, () => {
      const before = page();
      patch(container, toHTML(before));
      const html = container.innerHTML;
      assert.equal(patchRowsInPlace(container, before, merged(before, diff)), null);
      assert.equal(container.innerHTML, html, "nothing touched");
    });
  }

  test("leaves it to the full patch when the row's element is missing", () => {
    const before = page();
    patch(container, toHTML(before));
    container.querySelector("#r2")?.remove();
    assert.equal(patchRowsInPlace(container, before, merged(before, { 1: { k: { 1: { 1: "B" } } } })), null);
  });
});
