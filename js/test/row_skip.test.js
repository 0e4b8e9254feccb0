/**
 * row_skip.js: rows the DOM already shows are kept as they are, not rebuilt or re-walked.
 */

import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { patch } from "../src/dom_patch.js";
import { mergeDiff, toHTML } from "../src/rendered.js";
import { learnShapes, rowShape, RowSkipper } from "../src/row_skip.js";
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

  test("a row whose element the HTML parser drops (a <tr> in a <ul>) shows its text, not a dropped placeholder", () => {
    const statics = ['\n<tr id="t', '"><td>', "</td></tr>"];
    let tree = table(statics, [["1", "a"], ["2", "b"]]);
    show(tree);
    assert.equal(container.textContent, "\na\nb", "the parser kept the rows' text");
    tree = /** @type {Tree} */ (mergeDiff(tree, { 0: { k: { 1: { 1: "B" } } } }));
    const html = skipper.html(tree);
    assert.ok(html.includes("data-lw-skip"), "row 1 is skipped by a placeholder");
    assert.equal(patch(container, html), false, "patch reports the placeholder the parser dropped");
    assert.equal(container.textContent, "\na\nb", "nothing was touched");
    skipper.reset();
    show(tree);
    const whole = document.createElement("ul");
    whole.innerHTML = toHTML(tree).slice(4, -5);
    assert.equal(container.firstElementChild?.innerHTML, whole.innerHTML);
    assert.equal(container.textContent, "\na\nB");
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

describe("learnShapes", () => {
  /** @param {() => void} run @returns {number} how many times HTML was parsed */
  function parses(run) {
    // happy-dom gives templates their own innerHTML (rows are parsed in a template).
    const owner = /** @type {any} */ (document.defaultView).HTMLTemplateElement.prototype;
    const original = /** @type {PropertyDescriptor} */ (Object.getOwnPropertyDescriptor(owner, "innerHTML"));
    let count = 0;
    Object.defineProperty(owner, "innerHTML", {
      ...original,
      /** @param {string} html */
      set(html) {
        count++;
        original.set?.call(this, html);
      },
    });
    try {
      run();
    } finally {
      Object.defineProperty(owner, "innerHTML", original);
    }
    return count;
  }

  const STATICS = ["\n  ", ""];
  const ROWS = [
    '<tr id="a"><td>1</td></tr>',
    "plain text",
    '<li id="b">x</li><li id="c">y</li>',
    '<input id="d">',
    '<p id="e" class="x">with <b>markup</b> &amp; entities</p>',
    "<div>no id</div>",
    '<!-- a comment --><span id="f">s</span>',
  ];

  test("learns, in one parse, the same shapes as parsing each row alone", () => {
    const rows = ROWS.map((html) => [html]);
    assert.equal(parses(() => learnShapes(rows, STATICS, document)), 1);
    assert.equal(parses(() => rows.forEach((row) => rowShape(row, STATICS, document))), 0, "all learnt");
    for (const [i, row] of rows.entries()) {
      assert.deepEqual(rowShape(row, STATICS, document), rowShape([ROWS[i]], STATICS, document), ROWS[i]);
    }
  });

  test("learns nothing when a row leaves an element open: each row is parsed alone when asked", () => {
    const rows = [['<li id="a">open'], ['<li id="b">x</li>'], ['<li id="c">y</li>']];
    assert.equal(parses(() => learnShapes(rows, STATICS, document)), 1);
    assert.equal(parses(() => rows.forEach((row) => rowShape(row, STATICS, document))), 3);
    assert.equal(rowShape(rows[0], STATICS, document), null, "no end tag: never a placeholder");
    assert.equal(rowShape(rows[1], STATICS, document)?.id, "b");
  });
});

