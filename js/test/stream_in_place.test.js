/**
 * A batch appended after the rows shown is parsed in place, after the row it goes after, by
 * the page's own parser (`stream_patch.js`, `placeRuns`); when those rows do not parse to one
 * element each there, the page is left exactly as it was and the stream's later batches are
 * parsed in a template.
 */

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { patch } from "../src/dom_patch.js";
import { mergeDiff, toHTML } from "../src/rendered.js";
import { patchRowsInPlace } from "../src/row_patch.js";
import { streamWork } from "../src/stream_rows.js";
import { closeWindow, createWindow, documentOf } from "./helpers.js";

const window = createWindow();
const document = documentOf(window);
after(() => closeWindow(window));

/** @typedef {import("../src/rendered.js").Tree} Tree */

const VIEW = ['<ul id="feed" phx-update="stream">', "</ul>"];
const ROW = ['\n<li id="', '">', "</li>"];

/**
 * The stream diff that appends `rows` (`[dom id, text]`), after a reset when `reset`.
 *
 * @param {[string, string][]} rows
 * @param {boolean} [reset]
 */
function appended(rows, reset = false) {
  const k = { ...rows.map(([id, text]) => ({ 0: id, 1: text })), kc: rows.length };
  const inserts = rows.map(([id]) => [id, -1, null, false]);
  return { k, stream: reset ? ["0", inserts, [], true] : ["0", inserts, []] };
}

/**
 * A view showing `rows` in a stream, on the page.
 *
 * @param {[string, string][]} rows
 * @returns {{container: Element, tree: Tree}}
 */
function shown(rows) {
  const tree = /** @type {Tree} */ (mergeDiff(null, { s: VIEW, 0: { s: ROW, ...appended(rows) } }));
  const container = document.createElement("div");
  document.body.append(container);
  patch(container, toHTML(tree));
  return { container, tree };
}

test("a batch goes in parsed in place, in one insertion, and the page is a full render's", () => {
  const { container, tree } = shown([["a-0", "zero"], ["a-1", "one"]]);
  const next = /** @type {Tree} */ (mergeDiff(tree, { 0: appended([["a-2", "two"], ["a-3", "three"]]) }));
  const start = { ...streamWork };
  assert.ok(patchRowsInPlace(container, tree, next), "the stream patch took the batch");
  assert.equal(container.innerHTML, toHTML(next));
  assert.equal(streamWork.inPlace - start.inPlace, 2, "both rows parsed in place");
  assert.equal(streamWork.parsed - start.parsed, 2);
  assert.equal(streamWork.insertions - start.insertions, 1);
});

test("rows that are not one element each in place: the page is left as it was, and the stream's later batches are parsed in a template", () => {
  const { container, tree } = shown([["b-0", "zero"], ["b-1", "one"]]);
  const nodes = Array.from(container.querySelectorAll("*"));
  const html = container.innerHTML;
  // The row's text opens another <li>: the parser closes the row's own there.
  const bad = /** @type {Tree} */ (mergeDiff(tree, { 0: appended([["b-2", "two<li>more"]]) }));
  const start = { ...streamWork };
  assert.equal(patchRowsInPlace(container, tree, bad), null, "the view patches as usual");
  assert.equal(container.innerHTML, html, "the page as it was");
  assert.deepEqual(Array.from(container.querySelectorAll("*")), nodes, "the same elements");
  assert.equal(streamWork.inPlace - start.inPlace, 0);

  // What the view does then: a full patch. A reset shows rows of one element each again.
  const reset = /** @type {Tree} */ (mergeDiff(bad, { 0: appended([["c-0", "zero"]], true) }));
  patch(container, toHTML(reset));
  const next = /** @type {Tree} */ (mergeDiff(reset, { 0: appended([["c-1", "one"], ["c-2", "two"]]) }));
  const again = { ...streamWork };
  assert.ok(patchRowsInPlace(container, reset, next), "the stream patch took the batch");
  assert.equal(container.innerHTML, toHTML(next));
  assert.equal(streamWork.runs - again.runs, 1, "one run");
  assert.equal(streamWork.inPlace - again.inPlace, 0, "parsed in a template");
});

test("two streams, the second's rows not one element each: both left as they were, nothing counted", () => {
  const wire = { s: ['<ul id="one" phx-update="stream">', '</ul><ul id="two" phx-update="stream">', "</ul>"] };
  const first = { ...wire, 0: { s: ROW, ...appended([["e-0", "zero"]]) }, 1: { s: ROW, ...appended([["f-0", "zero"]]) } };
  first[1].stream[0] = "1";
  const tree = /** @type {Tree} */ (mergeDiff(null, first));
  const container = document.createElement("div");
  document.body.append(container);
  patch(container, toHTML(tree));
  const nodes = Array.from(container.childNodes, (node) => Array.from(node.childNodes)).flat();
  const html = container.innerHTML;
  const diff = { 0: appended([["e-1", "one"]]), 1: appended([["f-1", "one<li>more"]]) };
  diff[1].stream[0] = "1";
  const next = /** @type {Tree} */ (mergeDiff(tree, diff));
  const start = { ...streamWork };
  assert.equal(patchRowsInPlace(container, tree, next), null);
  assert.equal(container.innerHTML, html);
  assert.deepEqual(Array.from(container.childNodes, (node) => Array.from(node.childNodes)).flat(), nodes);
  for (const key of /** @type {const} */ (["parsed", "inPlace", "insertions", "runs"])) {
    assert.equal(streamWork[key], start[key], `no rows counted as ${key}`);
  }
});

test("rows holding a custom element, a frame or a form are parsed in a template", () => {
  const texts = ["<x-card>hi</x-card>", '<b is="x-b">hi</b>', '<iframe src="about:blank"></iframe>', '<form><input name="q"></form>'];
  for (const [i, text] of texts.entries()) {
    const { container, tree } = shown([[`d${i}-0`, "zero"]]);
    const next = /** @type {Tree} */ (mergeDiff(tree, { 0: appended([[`d${i}-1`, text]]) }));
    const start = { ...streamWork };
    assert.ok(patchRowsInPlace(container, tree, next), text);
    assert.equal(container.innerHTML, toHTML(next), text);
    assert.equal(streamWork.runs - start.runs, 1, text);
    assert.equal(streamWork.inPlace - start.inPlace, 0, text);
  }
});
