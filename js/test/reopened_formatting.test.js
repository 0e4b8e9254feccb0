/**
 * Formatting elements the HTML parser reopens (`row_skip.js`, `dom_patch.js`, `list_skip.js`).
 *
 * A `<b>` left open is kept pending by browsers' parsers after the element that closed it and
 * reopened wherever they next insert text or an element, inside later rows too: `<div><b>t</div><div id="r1">x</div>` parses as
 * `<div><b>t</b></div><div id="r1"><b>x</b></div>`. So a row's elements depend on the HTML
 * before it, and a row kept on screen, or parsed alone, may not be what a full parse makes.
 * Found by `tests/e2e/test_differential_chromium.py`. happy-dom's parser reopens nothing, so
 * where a test needs a browser's parse, it gives the container copies that parse as
 * Chromium does (`parsesAsChromium`).
 */

import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { holdsReopened, patch } from "../src/dom_patch.js";
import { reopens } from "../src/formatting.js";
import { patchAroundLists } from "../src/list_skip.js";
import { mergeDiff, toHTML } from "../src/rendered.js";
import { patchRowsInPlace } from "../src/row_patch.js";
import { rowShape, RowSkipper } from "../src/row_skip.js";
import { innerHTMLOf, usePage } from "./helpers.js";

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

const ROW = ['<div id="r', '">', "</div>"];

/**
 * A head (`<div>` + `head` + `</div>`) above a list of div rows.
 *
 * @param {string} head
 * @param {string[][]} rows
 * @returns {Tree}
 */
function page(head, rows) {
  return { s: ["<div>", "</div><div>", "</div>"], 0: head, 1: { s: ROW, d: rows } };
}

/**
 * Make the copies `parseLike` takes of `container` parse `html` as `chromium` (what Chromium
 * makes of it), and any other HTML as happy-dom does.
 *
 * @param {string} html
 * @param {string} chromium
 */
function parsesAsChromium(html, chromium) {
  const cloneNode = container.cloneNode.bind(container);
  const inner = innerHTMLOf(container);
  container.cloneNode = (/** @type {boolean | undefined} */ deep) => {
    const copy = /** @type {Element} */ (cloneNode(deep));
    Object.defineProperty(copy, "innerHTML", {
      get: () => inner.get?.call(copy),
      set: (/** @type {string} */ value) => inner.set?.call(copy, value === html ? chromium : value),
    });
    return copy;
  };
}

describe("rows that leave a formatting element open", () => {
  /** @param {string} body a row's content, in `<div id="r1">…</div>` */
  const shape = (body) => rowShape(["1", body], ROW, document);

  test("have no shape: they are never kept as they are, nor patched alone", () => {
    assert.equal(shape("a<b>x"), null);
    assert.equal(shape("<i>x</i><I>y"), null);
    // An end tag before any start tag closes nothing.
    assert.equal(shape("</i><i>x"), null);
    // Closed ones, stray end tags and tags that only start like one (`<br>`) leave none.
    assert.notEqual(shape("<b>x</b></b><br><BIG>y</Big>"), null);
  });

  test("a table cell's end forgets those opened in it, and only those", () => {
    const cells = ['<tr id="r', '"><td>', "</td></tr>"];
    assert.notEqual(rowShape(["1", "a<b>x</td><td><i>y</i>"], cells, document), null);
    assert.equal(rowShape(["2", "a<b>x"], ['<tr id="r', '"><td>', "</tr>"], document), null);
    assert.equal(shape("<b><table><tr><td>x</td></tr></table>"), null);
    // Nor does an end tag inside a cell close one opened before it.
    assert.equal(shape("<b><table><tr><td></b></td></tr></table>"), null);
  });
});

describe("RowSkipper.html", () => {
  test("keeps no row where the HTML before it leaves a formatting element open", () => {
    const rows = [["1", "a"], ["2", "b"]];
    let tree = page("t", rows);
    patch(container, skipper.html(tree));
    skipper.commit();
    tree = /** @type {Tree} */ (mergeDiff(tree, { 0: "<b>t" }));
    const lists = /** @type {import("../src/list_skip.js").SkippedList[]} */ ([]);
    const html = skipper.html(tree, lists);
    assert.equal(html, '<div><b>t</div><div><div id="r1">a</div><div id="r2">b</div></div>');
    assert.equal(lists.length, 0);
    // Where none is open, the rows are kept.
    tree = /** @type {Tree} */ (mergeDiff(tree, { 0: "<b>t</b>" }));
    patch(container, html);
    skipper.commit();
    assert.match(skipper.html(tree), /data-lw-skip/);
  });
});

describe("a page the parser reopened formatting elements in", () => {
  const HEAD = "<b>t";
  const FULL = '<div><b>t</div><div><div id="r1">a</div><div id="r2">b</div></div>';
  const CHROMIUM = '<div><b>t</b></div><div><div id="r1"><b>a</b></div><div id="r2"><b>b</b></div></div>';

  /** Show the page with an open `<b>` above the rows, parsed as Chromium parses it. */
  function showReopened() {
    const tree = page(HEAD, [["1", "a"], ["2", "b"]]);
    assert.equal(skipper.html(tree), FULL);
    parsesAsChromium(FULL, CHROMIUM);
    assert.ok(patch(container, skipper.html(tree)));
    skipper.commit();
    assert.equal(container.innerHTML, CHROMIUM);
    return /** @type {Tree} */ (mergeDiff(tree, { 0: "t" }));
  }

  test("is patched with the full HTML, not around its lists", () => {
    const tree = showReopened();
    const lists = /** @type {import("../src/list_skip.js").SkippedList[]} */ ([]);
    const html = skipper.html(tree, lists);
    assert.equal(lists.length, 1);
    // The rows on screen hold <b> elements that a parse without the head's <b> has not.
    assert.equal(patchAroundLists(container, html, lists), "not lined up");
    assert.equal(container.innerHTML, CHROMIUM);
  });

  test("is patched with the full HTML, not with row placeholders", () => {
    const tree = showReopened();
    const html = skipper.html(tree);
    assert.match(html, /data-lw-skip/);
    assert.equal(patch(container, html), false);
    assert.equal(container.innerHTML, CHROMIUM, "nothing was touched");
    // The full HTML parses with nothing reopened: rows may be kept again after it.
    skipper.reset();
    assert.ok(patch(container, skipper.html(tree)));
    skipper.commit();
    assert.equal(container.innerHTML, '<div>t</div><div><div id="r1">a</div><div id="r2">b</div></div>');
    const again = skipper.html(tree);
    assert.match(again, /data-lw-skip/, "the rows are kept by placeholders again");
    assert.ok(patch(container, again));
  });
});

describe("reopens: whether a parse may hold or make reopened formatting elements", () => {
  /** @param {string} html @param {string} [parsed] what the parser made, when not happy-dom's */
  const check = (html, parsed) => {
    const target = document.createElement("div");
    target.innerHTML = parsed ?? html;
    return reopens(html, target);
  };

  test("holds for a formatting element left pending, though no copy was made yet (rows still empty)", () => {
    assert.equal(check('<div><b>t</div><div><div id="r1"></div></div>'), true);
    assert.equal(check("<p>x<i>y</p>"), true);
  });

  test("counts no start tag in a comment, a raw-text element or a template's content", () => {
    // Chromium's parse: the pending <b> reopened in the row; the comment's <b> no element.
    const reopened = '<!-- <b> --><div><b>t</b></div><p id="r1"><b>x</b></p>';
    assert.equal(check('<!-- <b> --><div><b>t</div><p id="r1">x</p>', reopened), true);
    assert.equal(check('<template><b>x</b></template><div><b>t</div><p id="r1">x</p>'), true);
    for (const quiet of ["<!-- <b> --><p>x</p>", '<script>"<b>"</script><p>x</p>', "<textarea><b></textarea>", "<template><b>x</template>"]) {
      assert.equal(check(quiet), false, quiet);
    }
  });

  test("does not hold for closed formatting elements, whatever tags look alike", () => {
    for (const html of ['<div><b>t</b></div><div id="r1">x</div>', "<br><abbr>a</abbr><span>s</span><img src=x><ul><li><a href=#>l</a></li></ul>", '<p><strong>s</strong> <em>e</em></p>']) {
      assert.equal(check(html), false, html);
    }
  });

  test("a view whose head leaves a <b> pending above empty rows patches a row whole, not alone", () => {
    const tree = page("<b>t", [["1", ""], ["2", ""]]);
    assert.ok(patch(container, toHTML(tree)));
    assert.equal(holdsReopened(container), true);
    const after = /** @type {Tree} */ (mergeDiff(tree, { 1: { k: { 1: { 1: "x" } } } }));
    assert.equal(patchRowsInPlace(container, tree, after), null, "the row patch declines");
  });
});
