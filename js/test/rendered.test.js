/**
 * rendered.js: the shared fixtures, then merge and render edge cases.
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fromWire, isTree, mergeDiff, rowsChecked, toHTML } from "../src/rendered.js";
import { captureErrors, readFixtures } from "./helpers.js";

/** @typedef {import("../src/rendered.js").Tree} Tree */

/**
 * @param {unknown} value
 * @returns {Tree}
 */
function tree(value) {
  assert.ok(isTree(value), "not a tree");
  return value;
}

describe("render fixtures (shared with the Python client)", () => {
  const fixtures = readFixtures();

  test("there are fixtures to run", () => {
    assert.ok(fixtures.length > 0);
  });

  for (const fixture of fixtures) {
    test(`${fixture.file}: ${fixture.description}`, (t) => {
      const errors = captureErrors(t);
      let current = mergeDiff(null, fixture.tree);
      assert.equal(toHTML(current), fixture.html, "initial tree");
      fixture.diffs.forEach(({ diff, html }, index) => {
        const before = structuredClone(current);
        const next = mergeDiff(current, diff);
        assert.deepEqual(current, before, `diff ${index} mutated the tree it merged into`);
        assert.equal(toHTML(next), html, `after diff ${index}: ${JSON.stringify(diff)}`);
        current = next;
      });
      assert.deepEqual(errors, [], "a fixture logged an error");
    });
  }
});

describe("mergeDiff", () => {
  const base = tree({ s: ["<p>", "|", "</p>"], 0: "a", 1: { s: ["<i>", "</i>"], 0: "b" } });

  test("merges into nested trees and shares unchanged branches", () => {
    const next = tree(mergeDiff(base, { 1: { 0: "c" } }));
    assert.equal(toHTML(next), "<p>a|<i>c</i></p>");
    assert.equal(toHTML(base), "<p>a|<i>b</i></p>");
    const unchanged = tree(mergeDiff(base, { 0: "z" }));
    assert.equal(unchanged[1], base[1], "the untouched subtree is shared");
  });

  test("a top-level diff with statics replaces the tree", () => {
    const replacement = { s: ["<b>", "</b>"], 0: "x" };
    assert.equal(mergeDiff(base, replacement), replacement);
    assert.equal(mergeDiff(null, replacement), replacement);
  });

  test("a comprehension diff keeps the statics unless it carries new ones", () => {
    const list = tree({ s: ["<ul>", "</ul>"], 0: { s: ["<li>", "</li>"], d: [["a"]] } });
    const rows = tree(mergeDiff(list, { 0: { d: [["b"], ["c"]] } }));
    assert.equal(toHTML(rows), "<ul><li>b</li><li>c</li></ul>");
    const restyled = tree(mergeDiff(rows, { 0: { s: ["<li><b>", "</b></li>"], d: [["d"]] } }));
    assert.equal(toHTML(restyled), "<ul><li><b>d</b></li></ul>");
    assert.equal(mergeDiff(list, { 0: {} })?.[0], list[0], "an empty comprehension diff keeps it");
  });

  test("comprehension rows may hold nested trees", () => {
    const list = tree({ s: ["", ""], 0: { s: ["<a>", "</a>"], d: [[{ s: ["<b>", "</b>"], 0: "1" }]] } });
    assert.equal(toHTML(list), "<a><b>1</b></a>");
  });

  test("keys that are not dynamics are ignored", (t) => {
    const errors = captureErrors(t);
    const next = tree(mergeDiff(base, { 0: "q", t: "title", "01": "bad", "-1": "bad" }));
    assert.deepEqual(Object.keys(next).sort(), ["0", "1", "s"]);
    assert.equal(toHTML(next), "<p>q|<i>b</i></p>");
    assert.equal(errors.length, 0);
  });

  const malformed = [
    ["a diff that is not an object", "nope"],
    ["a diff that is a list", [1, 2]],
    ["a diff that is null", null],
    ["statics that are not a list", { s: "abc" }],
    ["statics that are not strings", { s: ["<a>", 1] }],
    ["empty statics", { s: [] }],
    ["a dynamic that is a number but no cid", { 0: 5.5 }],
    ["a dynamic that is null", { 0: null }],
    ["a subtree with bad statics", { 1: { s: [null] } }],
    ["a statics-less diff for a string dynamic", { 0: { 0: "x" } }],
    ["a statics-less diff for a dynamic the tree lacks", { 7: { 0: "x" } }],
    ["a dynamic beyond the statics", { 2: "x" }],
  ];
  for (const [what, diff] of malformed) {
    test(`logs and skips ${what}`, (t) => {
      const errors = captureErrors(t);
      const snapshot = structuredClone(base);
      const next = mergeDiff(base, diff);
      assert.ok(errors.length >= 1, "nothing was logged");
      assert.match(String(errors[0][0]), /^\[livewidget\] /);
      assert.equal(toHTML(next), toHTML(base), "the bad part changed the HTML");
      assert.deepEqual(base, snapshot, "the tree was mutated");
      assert.deepEqual(Object.keys(next ?? {}).sort(), ["0", "1", "s"], "a key was added");
    });
  }

  test("a comprehension diff whose rows are not a list is logged and skipped", (t) => {
    const errors = captureErrors(t);
    const list = tree({ s: ["", ""], 0: { s: ["<li>", "</li>"], d: [["a"]] } });
    const next = mergeDiff(list, { 0: { d: "rows" } });
    assert.equal(toHTML(next), "<li>a</li>");
    assert.equal(errors.length, 1);
  });

  test("a statics-less diff before any tree is logged and returns null", (t) => {
    const errors = captureErrors(t);
    assert.equal(mergeDiff(null, { 0: "x" }), null);
    assert.equal(errors.length, 1);
  });
});

describe("Phoenix's keyed shape on the wire", () => {
  const wire = () =>
    tree({
      s: ["<h1>", "</h1><ul>", "</ul>"],
      0: "t",
      1: { s: ["<li>", "</li>"], k: { 0: { 0: "a" }, 1: { 0: { s: ["<b>", "</b>"], 0: "b" } }, kc: 2 } },
    });

  test("a full tree's comprehensions become row lists, nested trees converted too", (t) => {
    const errors = captureErrors(t);
    const input = wire();
    const snapshot = structuredClone(input);
    const next = tree(mergeDiff(null, input));
    assert.deepEqual(next[1], { s: ["<li>", "</li>"], d: [["a"], [{ s: ["<b>", "</b>"], 0: "b" }]] });
    assert.equal(toHTML(next), "<h1>t</h1><ul><li>a</li><li><b>b</b></li></ul>");
    assert.deepEqual(input, snapshot, "the wire tree was mutated");
    assert.deepEqual(errors, []);
  });

  test("comprehensions inside rows and inside new rows are converted", (t) => {
    const errors = captureErrors(t);
    const inner = (/** @type {string} */ x) => ({ s: ["<i>", "</i>"], k: { 0: { 0: x }, kc: 1 } });
    let current = mergeDiff(null, { s: ["", ""], 0: { s: ["<p>", "</p>"], k: { 0: { 0: inner("x") }, kc: 1 } } });
    assert.equal(toHTML(current), "<p><i>x</i></p>");
    current = mergeDiff(current, { 0: { k: { 1: { 0: inner("y") }, kc: 2 } } });
    assert.equal(toHTML(current), "<p><i>x</i></p><p><i>y</i></p>");
    current = mergeDiff(current, { 0: { k: { 0: [1, { 0: { k: { 1: { 0: "z" }, kc: 2 } } }], 1: 0, km: true, kc: 2 } } });
    assert.equal(toHTML(current), "<p><i>y</i><i>z</i></p><p><i>x</i></p>");
    assert.deepEqual(errors, []);
  });

  test("a tree without keyed comprehensions is returned as it came", () => {
    const plain = tree({ s: ["<p>", "</p>"], 0: { s: ["<li>", "</li>"], d: [["a"]] } });
    assert.equal(fromWire(plain), plain);
    assert.equal(mergeDiff(null, plain), plain);
  });

  test('"km" is read as a flag and "kc" absent keeps the count', (t) => {
    const errors = captureErrors(t);
    const list = mergeDiff(null, wire());
    const swapped = mergeDiff(list, { 1: { k: { 0: 1, 1: 0, km: true, kc: 2 } } });
    assert.equal(toHTML(swapped), "<h1>t</h1><ul><li><b>b</b></li><li>a</li></ul>");
    const edited = mergeDiff(swapped, { 1: { k: { 1: { 0: "c" } } } });
    assert.equal(toHTML(edited), "<h1>t</h1><ul><li><b>b</b></li><li>c</li></ul>");
    assert.deepEqual(errors, []);
  });

  test("a keyed merge checks the rows it writes, at 100 rows as at 3,000; rows of the older \"d\" form are checked all", (t) => {
    const errors = captureErrors(t);
    /** @param {number} n @param {boolean} keyed */
    const checked = (n, keyed) => {
      const rows = Array.from({ length: n }, (_, i) => (keyed ? { 0: `r${i}` } : [`r${i}`]));
      const list = keyed ? { s: ["<li>", "</li>"], k: { ...rows, kc: n } } : { s: ["<li>", "</li>"], d: rows };
      let current = mergeDiff(null, { s: ["<ul>", "</ul>"], 0: list });
      const start = rowsChecked.count;
      current = mergeDiff(current, { 0: { k: { 5: { 0: "cell" } } } }); // one cell
      current = mergeDiff(current, { 0: { k: { [n]: { 0: "new" }, kc: n + 1 } } }); // an append
      current = mergeDiff(current, { 0: { k: { m: [[7, 8, n - 7]], kc: n } } }); // a removal
      assert.equal(toHTML(current).split("<li>").length - 1, n);
      return rowsChecked.count - start;
    };
    assert.equal(checked(100, true), checked(3000, true));
    assert.equal(checked(100, true), 1 + 2, "the changed row; the appended row (written, and past the old end)");
    assert.equal(checked(100, false) - checked(100, true), 100, "the first merge into a \"d\" list checks it whole");
    assert.deepEqual(errors, []);
  });

  test('a keyed merge into a "d" list holding a row that is not a list is refused, as before', (t) => {
    const errors = captureErrors(t);
    const current = mergeDiff(null, { s: ["<ul>", "</ul>"], 0: { s: ["<li>", "</li>"], d: [["a"], "b"] } });
    assert.deepEqual(mergeDiff(current, { 0: { k: { 0: { 0: "c" } } } }), current);
    assert.equal(errors.length, 1);
  });

  const malformed = [
    ['"k" that is not an object', { s: ["<i>", "</i>"], k: [] }],
    ['no "kc"', { s: ["<i>", "</i>"], k: { 0: { 0: "a" } } }],
    ['a negative "kc"', { s: ["<i>", "</i>"], k: { kc: -1 } }],
    ["a row missing", { s: ["<i>", "</i>"], k: { 0: { 0: "a" }, kc: 2 } }],
    ["a row missing a dynamic", { s: ["<i>", "|", "</i>"], k: { 0: { 0: "a" }, kc: 1 } }],
    ["a row that is a list", { s: ["<i>", "</i>"], k: { 0: ["a"], kc: 1 } }],
    ["a bad comprehension inside a row", { s: ["<i>", "</i>"], k: { 0: { 0: { s: ["x"], k: 3 } }, kc: 1 } }],
  ];
  for (const [what, comprehension] of malformed) {
    test(`a full tree with ${what} is logged and refused`, (t) => {
      const errors = captureErrors(t);
      const before = tree({ s: ["<p>", "</p>"], 0: "old" });
      assert.equal(mergeDiff(before, { s: ["<p>", "</p>"], 0: comprehension }), before);
      assert.deepEqual(mergeDiff(before, { 0: comprehension }), before);
      assert.ok(errors.length >= 2, "each refusal is logged");
    });
  }
});

describe("toHTML", () => {
  test("interleaves statics and dynamics, recursing", () => {
    const html = toHTML(tree({ s: ["a", "c", "e"], 0: "b", 1: { s: ["<", ">"], 0: "d" } }));
    assert.equal(html, "abc<d>e");
  });

  test("null renders nothing", () => {
    assert.equal(toHTML(null), "");
  });

  test("a missing dynamic logs and renders as empty", (t) => {
    const errors = captureErrors(t);
    assert.equal(toHTML(tree({ s: ["<a>", "</a><b>", "</b>"], 0: "1" })), "<a>1</a><b></b>");
    assert.equal(errors.length, 1);
    assert.match(String(errors[0][0]), /missing its dynamic 1/);
  });

  test("malformed dynamics and rows log and render as empty, without throwing", (t) => {
    const errors = captureErrors(t);
    const bad = tree({
      s: ["[", "|", "|", "|", "]"],
      0: 42,
      1: { nope: true },
      2: { s: ["<li>", "</li>"], d: ["not a row", ["ok"], ["x", "extra"]] },
      3: "fine",
    });
    assert.equal(toHTML(bad), "[||<li>ok</li><li>x</li>|fine]");
    assert.equal(errors.length, 4);
    for (const call of errors) assert.match(String(call[0]), /^\[livewidget\] /);
  });

  test("a row shorter than its statics renders what it has", (t) => {
    const errors = captureErrors(t);
    const list = tree({ s: ["", ""], 0: { s: ["<td>", "</td><td>", "</td>"], d: [["1"]] } });
    assert.equal(toHTML(list), "<td>1</td><td></td>");
    assert.equal(errors.length, 1);
  });
});
