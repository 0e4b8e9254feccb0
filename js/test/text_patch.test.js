/**
 * text_patch.js: texts set alone, in a changed row or a small view, only when the page shows
 * exactly the old HTML, and never where a hook, `phx-update` or the parser needs the patch.
 */

import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { patch } from "../src/dom_patch.js";
import { settle, untouched } from "../src/dom_quiet.js";
import { mergeDiff, toHTML } from "../src/rendered.js";
import { patchRowsInPlace } from "../src/row_patch.js";
import { rowsParsed } from "../src/row_skip.js";
import { patchTextsInPlace, startTags, textsSet } from "../src/text_patch.js";
import { usePage } from "./helpers.js";

const { fresh } = usePage();

/** @typedef {import("../src/rendered.js").Tree} Tree */

/** @type {HTMLElement} */
let container;

beforeEach(() => {
  container = fresh();
});

/** A counter's view: `Count: n` in a span beside a button (the statics shared, as merged). */
const COUNTER = ['<button phx-click="inc">+1</button> <span id="n">Count: ', "</span>"];
/** @param {string} n @returns {Tree} */
const counter = (n) => ({ s: COUNTER, 0: n });

/** `html` as the page parses and writes it. @param {string} html */
function parsed(html) {
  const copy = /** @type {Element} */ (container.cloneNode(false));
  copy.innerHTML = html;
  return copy.innerHTML;
}

/**
 * Show `tree`, then apply `diff` through `patchTextsInPlace`; whether it took it, and the
 * texts it set. When it did, the page must be the full render.
 *
 * @param {Tree} tree @param {unknown} diff
 */
function texts(tree, diff) {
  patch(container, toHTML(tree));
  const after = /** @type {Tree} */ (mergeDiff(tree, diff));
  const set = textsSet.count;
  const took = patchTextsInPlace(container, tree, after);
  if (took) assert.equal(container.innerHTML, parsed(toHTML(after)));
  return { took, set: textsSet.count - set };
}

describe("startTags", () => {
  test("finds each start tag's end, stepping over end tags, comments and quoted values", () => {
    const html = '<div id="a"><!-- <p> --><i title="x>y">t</i></div><br>';
    assert.deepEqual(startTags(html), [
      { name: "div", end: 12 },
      { name: "i", end: html.indexOf("t</i>") },
      { name: "br", end: html.length },
    ]);
    assert.deepEqual(startTags("text"), []);
  });

  test("assumes nothing where the HTML is not as the serializer writes it", () => {
    assert.equal(startTags("<p title='x'>a</p>"), null, "single quotes");
    assert.equal(startTags("<P>a</P>"), null, "an upper-case name");
    assert.equal(startTags("<!-- open"), null);
  });

  test("nor where an element may hold what its start tags do not count", () => {
    for (const html of [
      '<script>var s = "</scripts><p>";</script><p>a</p>',
      "<noscript><b>n</b></noscript><p>a</p>",
      "<template><b>x</b></template><i>y</i>",
      "<svg><style><circle></circle></style></svg><p>a</p>",
      "<math><mi>x</mi></math>",
    ]) {
      assert.equal(startTags(html), null, html);
    }
  });
});

describe("patchTextsInPlace", () => {
  test("sets the changed text of a small view, and nothing else", () => {
    const span = () => container.querySelector("#n");
    patch(container, toHTML(counter("1")));
    const [button, before] = [container.querySelector("button"), span()?.firstChild];
    const after = /** @type {Tree} */ (mergeDiff(counter("1"), { 0: "2" }));
    assert.equal(patchTextsInPlace(container, counter("1"), after), true);
    assert.equal(span()?.textContent, "Count: 2");
    assert.equal(span()?.firstChild, before, "the same text node");
    assert.equal(container.querySelector("button"), button);
  });

  test("decodes what the kernel escapes, and empties and fills an element", () => {
    const tree = { s: ["<p>", "</p><b>", "</b>"], 0: "a", 1: "" };
    assert.deepEqual(texts(tree, { 0: "&lt;x&gt; &amp; &#39;y&#39; &#34;z&#34;", 1: "now" }), { took: true, set: 2 });
    assert.equal(container.querySelector("p")?.textContent, `<x> & 'y' "z"`);
    const emptied = { s: ["<p>", "</p>"], 0: "a" };
    assert.deepEqual(texts(emptied, { 0: "" }), { took: true, set: 1 });
    assert.equal(container.querySelector("p")?.childNodes.length, 0);
  });

  test("leaves to the patch what is not a text, or not one it may set", () => {
    for (const [tree, diff, why] of /** @type {[Tree, unknown, string][]} */ ([
      [{ s: ["<p>", "</p>"], 0: "a" }, { 0: "<b>b</b>" }, "markup"],
      [{ s: ["<p>", "</p>"], 0: "a" }, { 0: "a&nbsp;b" }, "an entity the kernel does not write"],
      [{ s: ["<p>", "</p>"], 0: "a" }, { 0: "a\rb" }, "a carriage return"],
      [{ s: ["<pre>", "</pre>"], 0: "a" }, { 0: "\nb" }, "a <pre>"],
      [{ s: ["<textarea>", "</textarea>"], 0: "a" }, { 0: "b" }, "a <textarea>"],
      [{ s: ['<p title="', '">t</p>'], 0: "a" }, { 0: "b" }, "an attribute"],
      [{ s: ["<p><b>x</b>", "</p>"], 0: "a" }, { 0: "b" }, "beside an element"],
      [{ s: ['<div phx-update="ignore"><p>', "</p></div>"], 0: "a" }, { 0: "b" }, "phx-update"],
      [{ s: ['<div id="h" phx-hook="H"><p>', "</p></div>"], 0: "a" }, { 0: "b" }, "a hook around it"],
      [{ s: ["<p>", "</p>"], 0: { s: ["<i>", "</i>"], 0: "a" } }, { 0: { s: ["<b>", "</b>"], 0: "a" } }, "a new subtree"],
      [{ s: ["<p>", "</p>", ""], 0: "a", 1: { s: ["<i>", "</i>"], d: [["x"]] } }, { 0: "b" }, "a view holding a list"],
      [{ s: ['<script>var s = "</scripts><p>";</script><p>', "</p><p>", "</p>"], 0: "A", 1: "B" }, { 0: "A2" }, "a script"],
      [{ s: ["<noscript><b>n</b></noscript><p>", "</p>"], 0: "A" }, { 0: "B" }, "a noscript"],
      [{ s: ["<p>", '</p><input name="q">'], 0: "a" }, { 0: "b" }, "a form control: the patch resets what it shows"],
    ])) {
      assert.equal(texts(tree, diff).took, false, why);
    }
  });

  test("leaves to the patch a page that is not exactly the old HTML", () => {
    patch(container, toHTML(counter("1")));
    container.querySelector("#n")?.classList.add("flash"); // a JS command, say
    const html = container.innerHTML;
    assert.equal(patchTextsInPlace(container, counter("1"), /** @type {Tree} */ (mergeDiff(counter("1"), { 0: "2" }))), false);
    assert.equal(container.innerHTML, html, "nothing touched");
  });

  test("keeps the view untouched for the row patch when it was, and touched when it was not", () => {
    patch(container, toHTML(counter("1")));
    settle(container);
    assert.equal(patchTextsInPlace(container, counter("1"), /** @type {Tree} */ (mergeDiff(counter("1"), { 0: "2" }))), true);
    assert.equal(untouched(container), true);
    container.append("someone else's");
    assert.equal(patchTextsInPlace(container, counter("2"), /** @type {Tree} */ (mergeDiff(counter("2"), { 0: "3" }))), false);
    container.lastChild?.remove();
    assert.equal(patchTextsInPlace(container, counter("2"), /** @type {Tree} */ (mergeDiff(counter("2"), { 0: "3" }))), true);
    assert.equal(untouched(container), false);
  });
});

describe("texts of a changed row", () => {
  /** @param {string[]} cells @returns {Tree} */
  const list = (cells) => ({
    s: ["<ul>", "</ul>"],
    0: { s: ['<li id="r', '"><b>', "</b> ", " pts</li>"], d: cells.map((cell, i) => [String(i), cell, String(i)]) },
  });

  /**
   * Show `before`, patch a change of its first row (which checks every row), then `diff`.
   *
   * @param {Tree} before @param {unknown} diff
   */
  function rowPatch(before, diff) {
    patch(container, toHTML(before));
    const checked = /** @type {Tree} */ (mergeDiff(before, { 0: { k: { 0: { 1: "first" } } } }));
    assert.ok(patchRowsInPlace(container, before, checked));
    const after = /** @type {Tree} */ (mergeDiff(checked, diff));
    const [parsed, set] = [rowsParsed.count, textsSet.count];
    assert.ok(patchRowsInPlace(container, checked, after));
    assert.equal(container.innerHTML, toHTML(after));
    return { parsed: rowsParsed.count - parsed, set: textsSet.count - set };
  }

  test("a row's text in its own element is set; one beside an element is morphed", () => {
    assert.deepEqual(rowPatch(list(["a", "b", "c"]), { 0: { k: { 1: { 1: "B" } } } }), { parsed: 0, set: 1 });
    assert.deepEqual(rowPatch(list(["a", "b", "c"]), { 0: { k: { 1: { 2: "9" } } } }), { parsed: 1, set: 0 });
  });

  test("a row holding a form control is morphed: what the control shows follows the kernel", () => {
    const withInput = /** @type {Tree} */ ({
      s: ["<ul>", "</ul>"],
      0: { s: ['<li id="r', '"><b>', '</b><input name="q"></li>'], d: [["0", "a"], ["1", "b"]] },
    });
    assert.deepEqual(rowPatch(withInput, { 0: { k: { 1: { 1: "B" } } } }), { parsed: 1, set: 0 });
  });

  test("a row with a hook inside is morphed, so the hook hears of it", () => {
    const hooked = /** @type {Tree} */ ({
      s: ["<ul>", "</ul>"],
      0: { s: ['<li id="r', '"><b id="b', '" phx-hook="H">', "</b></li>"], d: [["0", "0", "a"], ["1", "1", "b"]] },
    });
    assert.deepEqual(rowPatch(hooked, { 0: { k: { 1: { 2: "B" } } } }), { parsed: 1, set: 0 });
  });
});
