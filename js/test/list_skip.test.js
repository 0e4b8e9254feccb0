/**
 * list_skip.js: a list whose rows are all on screen is one marker in the new HTML, and the
 * patch leaves its rows alone; anything that does not line up is left to the full patch.
 */

import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { patch } from "../src/dom_patch.js";
import { patchAroundLists } from "../src/list_skip.js";
import { mergeDiff, toHTML } from "../src/rendered.js";
import { RowSkipper } from "../src/row_skip.js";
import { usePage } from "./helpers.js";
import { useHarness } from "./widget_harness.js";

const { document, fresh } = usePage();

/** @typedef {import("../src/rendered.js").Tree} Tree */
/** @typedef {import("../src/list_skip.js").SkippedList} SkippedList */

/** @type {HTMLElement} */
let container;
/** @type {RowSkipper} */
let skipper;

beforeEach(() => {
  container = fresh();
  skipper = new RowSkipper(document);
});

const ROW = ['\n  <tr id="r', '"><td>', "</td></tr>"];

/**
 * A title, a table of `n` rows, and `extra` (empty, or a flash element) before the table.
 *
 * @param {number} n
 * @returns {Tree}
 */
function page(n = 3) {
  return {
    s: ['<h1 class="', '">', "</h1>", '\n<table class="t"><tbody>', "\n</tbody></table>"],
    0: "big",
    1: "Title",
    2: "",
    3: { s: ROW, d: Array.from({ length: n }, (_, i) => [String(i), `cell ${i}`]) },
  };
}

/** @param {Tree} tree @param {unknown} diff @returns {Tree} */
function merged(tree, diff) {
  return /** @type {Tree} */ (mergeDiff(tree, diff));
}

/** Show `tree` as the view does the first time (every row rendered). @param {Tree} tree */
function show(tree) {
  patch(container, skipper.html(tree));
  skipper.commit();
}

/**
 * Patch `tree` in around the lists on screen, as the view does.
 *
 * @param {Tree} tree
 * @param {import("../src/dom_patch.js").PatchObserver} [observer]
 */
function patchAround(tree, observer) {
  /** @type {SkippedList[]} */
  const lists = [];
  const html = skipper.html(tree, lists);
  const outcome = patchAroundLists(container, html, lists, observer);
  if (outcome === "patched") skipper.commit();
  return { outcome, html, lists };
}

/** An observer counting the elements the patch looks at. */
function counting() {
  const seen = /** @type {string[]} */ ([]);
  return {
    seen,
    /** @param {Element} fromEl */
    beforeElUpdated: (fromEl) => {
      seen.push(fromEl.id || fromEl.tagName.toLowerCase());
      return true;
    },
  };
}

describe("patchAroundLists", () => {
  test("changes the title without looking at the rows", () => {
    const before = page(50);
    show(before);
    const row = /** @type {HTMLElement} */ (container.querySelector("#r7"));
    row.dataset.mine = "kept"; // not re-walked: a patch of the row would remove it
    const observer = counting();
    const { outcome, html, lists } = patchAround(merged(before, { 1: "Other" }), observer);
    assert.equal(outcome, "patched");
    assert.equal(lists.length, 1);
    assert.ok(html.length < 200, `the table is one marker: ${html}`);
    assert.equal(container.querySelector("h1")?.textContent, "Other");
    assert.equal(container.querySelector("#r7"), row);
    assert.equal(row.dataset.mine, "kept");
    assert.deepEqual(observer.seen, ["h1", "table", "tbody"]);
    delete row.dataset.mine;
    assert.equal(container.innerHTML, toHTML(merged(before, { 1: "Other" })));
  });

  test("brings attributes of the list's ancestors in line", () => {
    const before = {
      s: ['<div class="', '"><ul>', "</ul></div>"],
      0: "a",
      1: { s: ['<li id="x', '">', "</li>"], d: [["1", "one"], ["2", "two"]] },
    };
    show(before);
    const after = merged(before, { 0: "b" });
    assert.equal(patchAround(after).outcome, "patched");
    assert.equal(container.innerHTML, toHTML(after));
  });

  test("works for a list at the top of the view", () => {
    const before = { s: ["", ""], 0: { s: ['<p id="p', '">', "</p>"], d: [["1", "a"], ["2", "b"]] } };
    show(before);
    const first = container.querySelector("#p1");
    const again = { ...before };
    assert.equal(patchAround(again).outcome, "patched");
    assert.equal(container.querySelector("#p1"), first);
    assert.equal(container.innerHTML, toHTML(before));
  });

  test("is not used for a list whose rows are not all on screen", () => {
    const before = page(3);
    show(before);
    const appended = merged(before, { 1: "T", 3: { k: { 3: { 0: "3", 1: "new" }, kc: 4 } } });
    const { lists, html } = patchAround(appended);
    assert.equal(lists.length, 0);
    assert.ok(html.includes("new"));
  });

  for (const [name, change] of /** @type {[string, (tree: Tree) => Tree][]} */ ([
    ["an element appears beside the list's ancestors", (tree) => merged(tree, { 2: "<p>Saved</p>" })],
    [
      "a row's element is gone from the page",
      (tree) => {
        container.querySelector("#r1")?.remove();
        return merged(tree, { 1: "T" });
      },
    ],
    [
      "an ancestor of the list has a hook",
      (tree) => {
        container.querySelector("table")?.setAttribute("phx-hook", "Chart");
        return merged(tree, { 1: "T" });
      },
    ],
  ])) {
    test(`touches nothing when ${name}`, () => {
      const before = page(3);
      show(before);
      const next = change(before);
      const html = container.innerHTML;
      assert.equal(patchAround(next).outcome, "not lined up");
      assert.equal(container.innerHTML, html);
    });
  }
});

describe("a view patching around its lists", () => {
  const { window: page_window, harness } = useHarness();

  /**
   * How many characters of HTML `run` has the page parse (innerHTML of any element or
   * template): what a patch costs, beyond the rows it must render.
   *
   * @param {() => void} run
   */
  function parsedBy(run) {
    const prototypes = [page_window.Element.prototype, page_window.HTMLTemplateElement.prototype];
    const originals = prototypes.map((proto) => /** @type {PropertyDescriptor} */ (Object.getOwnPropertyDescriptor(proto, "innerHTML")));
    let parsed = 0;
    prototypes.forEach((proto, i) => {
      const original = originals[i];
      Object.defineProperty(proto, "innerHTML", {
        ...original,
        /** @param {string} html */
        set(html) {
          parsed += html.length;
          original.set?.call(this, html);
        },
      });
    });
    try {
      run();
    } finally {
      prototypes.forEach((proto, i) => Object.defineProperty(proto, "innerHTML", originals[i]));
    }
    return parsed;
  }

  test("a title, a cell, or both: only what changed is parsed, not the table", () => {
    const model = harness.model();
    const view = harness.display(model);
    let tree = page(200);
    model.emit({ r: tree, h: {} });
    const full = toHTML(tree).length;
    // The first patch learns what each row looks like (parsing it once); later ones do not.
    model.emit({ d: { 1: "Warm" } });
    for (const diff of [{ 1: "New title" }, { 3: { k: { 100: { 1: "changed" } } } }, { 1: "Both", 3: { k: { 7: { 1: "x" } } } }]) {
      const parsed = parsedBy(() => model.emit({ d: diff }));
      tree = merged(tree, diff);
      assert.equal(view.html(), toHTML(tree));
      assert.ok(parsed < 300, `${JSON.stringify(diff)} parsed ${parsed} characters (the page has ${full})`);
    }
  });

  test("rows are learnt while the page is idle after a full render: the first patch parses only what changed", async () => {
    const model = harness.model();
    const view = harness.display(model);
    const tree = page(200);
    model.emit({ r: tree, h: {} });
    await new Promise((resolve) => setTimeout(resolve, 20)); // the page is idle
    const parsed = parsedBy(() => model.emit({ d: { 1: "First" } }));
    assert.equal(view.html(), toHTML(merged(tree, { 1: "First" })));
    assert.ok(parsed < 300, `the first patch parsed ${parsed} characters`);
  });

  test("two views of one widget each patch only what changed, though they show the same ids", () => {
    const model = harness.model();
    const views = [harness.display(model), harness.display(model)];
    let tree = page(200);
    model.emit({ r: tree, h: {} });
    model.emit({ d: { 1: "Warm" } });
    tree = merged(tree, { 1: "Warm" });
    for (const diff of [{ 3: { k: { 100: { 1: "changed" } } } }, { 1: "Both", 3: { k: { 7: { 1: "x" } } } }]) {
      const parsed = parsedBy(() => model.emit({ d: diff }));
      tree = merged(tree, diff);
      for (const view of views) assert.equal(view.html(), toHTML(tree));
      assert.ok(parsed < 600, `${JSON.stringify(diff)} parsed ${parsed} characters for two views`);
    }
  });

  test("random edits leave exactly the full render", () => {
    const model = harness.model();
    const view = harness.display(model);
    let tree = page(20);
    model.emit({ r: tree, h: {} });
    let seed = 11;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    let next = 20;
    for (let step = 0; step < 200; step++) {
      const rows = /** @type {unknown[][]} */ (/** @type {any} */ (tree[3]).d);
      const n = rows.length;
      const at = Math.floor(random() * n);
      const op = random();
      /** @type {any} */
      let diff;
      if (op < 0.3) diff = { 1: `title ${step}` };
      else if (op < 0.4) diff = { 2: random() < 0.5 ? "" : `<p class="flash">step ${step}</p>` };
      else if (op < 0.5) diff = { 0: `c${step}` };
      else if (op < 0.65) diff = { 1: `t${step}`, 3: { k: { [at]: { 1: `edit ${step}` } } } };
      else if (op < 0.8 || n < 2) diff = { 1: `a${step}`, 3: { k: { [n]: { 0: String(next++), 1: "new" }, kc: n + 1 } } };
      else if (op < 0.9) diff = { 3: { k: at < n - 1 ? { m: [[at, at + 1, n - 1 - at]], kc: n - 1 } : { kc: n - 1 } } };
      else diff = { 3: { k: { 0: { 0: String(next++), 1: "first" }, m: [[1, 0, n]], kc: n + 1 } } };
      tree = merged(tree, diff);
      model.emit({ d: diff });
      assert.equal(view.html(), toHTML(tree), `step ${step}: ${JSON.stringify(diff)}`);
    }
  });
});
