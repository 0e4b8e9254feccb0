/**
 * A review of the patch around lists (`list_skip.js`) and of rows patched in place beside
 * other changes (`row_patch.js`), on whole widgets: after every update the view shows exactly
 * what a full render shows, hooks hear about exactly the elements the server changed, and
 * what the full patch keeps (a focused control, `phx-update="ignore"`, JS commands' and
 * loading states' changes, an element that moved, with its hook) is kept.
 */

import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { mergeDiff, toHTML } from "../src/rendered.js";
import { settle, useHarness } from "./widget_harness.js";

const { harness } = useHarness();
const document = harness.document;

/** @typedef {import("../src/rendered.js").Tree} Tree */
/** @typedef {import("./widget_harness.js").Displayed} Displayed */

/** @type {string[]} */
let log = [];
beforeEach(() => {
  log = [];
});

/** A hook logging its callbacks with its element's id and text at that moment. */
function recorder() {
  /** @param {string} what */
  const entry = (what) =>
    /** @this {any} */
    function () {
      log.push(`${what} #${this.el.id} ${this.el.textContent}`);
    };
  return { mounted: entry("mounted"), updated: entry("updated"), destroyed: entry("destroyed") };
}

/** @param {Tree} tree @param {unknown} diff @returns {Tree} */
function merged(tree, diff) {
  return /** @type {Tree} */ (mergeDiff(tree, diff));
}

/**
 * The HTML a fresh page makes of `html` (the view's innerHTML is compared with this, so that
 * what the parser does to a template, like closing an `<li>`, is on both sides).
 *
 * @param {string} html
 */
function parsed(html) {
  const div = document.createElement("div");
  div.innerHTML = html;
  return div.innerHTML;
}

/**
 * A widget showing `tree`, with the Rec hook loaded; `emit(diff)` sends a diff and returns
 * the merged tree.
 *
 * @param {Tree} tree
 */
async function widget(tree) {
  const model = harness.model();
  const view = harness.display(model);
  model.emit({ r: tree, h: { Rec: harness.hook(recorder()) } });
  await settle();
  let current = tree;
  return {
    model,
    view,
    /** @param {unknown} diff */
    emit(diff) {
      current = merged(current, diff);
      model.emit({ d: diff });
      return current;
    },
    /** The view shows exactly the full render of the tree merged so far. */
    check(message = "") {
      assert.equal(view.html(), parsed(toHTML(current)), message);
    },
  };
}

/** Rows `<li id="rN">text</li>` with `ws` before each. @param {string} ws */
const ITEMS = (ws = "") => [ws + '<li id="r', '">', "</li>"];

describe("rows patched in place beside other changes", () => {
  test("a row changing inside a hooked element: the hook hears it, and a later render shows", async () => {
    const w = await widget({
      s: ["<h1>", '</h1><ul id="h" phx-hook="Rec">', "</ul><ol>", "</ol>"],
      0: "T",
      1: { s: ITEMS(), d: [["1", "A"]] },
      2: { s: ['<li id="q', '">', "</li>"], d: [["1", "x"], ["2", "y"]] },
    });
    log = [];
    w.emit({ 1: { k: { 0: { 1: "B" } } } });
    w.check();
    assert.deepEqual(log, ["updated #h B"], "the hooked element's content changed");
    // Back to what the hook saw at first, beside a move the rows' fast path leaves alone.
    w.emit({ 1: { k: { 0: { 1: "A" } } }, 2: { k: { 0: 1, 1: 0 } } });
    w.check("the hooked element shows its row as rendered");
  });

  test('rows inside phx-update="ignore" stay as they were, alone or beside other changes', async () => {
    const w = await widget({
      s: ["<h1>", '</h1><div id="ig" phx-update="ignore"><ul>', "</ul></div>"],
      0: "T",
      1: { s: ITEMS(), d: [["1", "A"], ["2", "B"]] },
    });
    const before = String(w.view.html());
    w.emit({ 1: { k: { 0: { 1: "X" } } } });
    assert.equal(w.view.html(), before);
    w.emit({ 0: "T2", 1: { k: { 1: { 1: "Y" }, 2: { 0: "3", 1: "Z" }, kc: 3 } } });
    assert.equal(w.view.html(), before.replace("T", "T2"));
  });

  test("a JS command's class on a row's element stays when that row changes in place", async () => {
    const w = await widget({
      s: ["<h1>", `</h1><button id="b" phx-click='[["add_class",{"names":["on"],"to":"#r1"}]]'>b</button><ul>`, "</ul>"],
      0: "T",
      1: { s: ITEMS(), d: [["1", "A"], ["2", "B"]] },
    });
    w.view.$("#b").click();
    assert.equal(w.view.$("#r1").className, "on");
    w.emit({ 1: { k: { 0: { 1: "X" } } } });
    assert.equal(w.view.$("#r1").className, "on", "a row changed alone");
    w.emit({ 0: "T2", 1: { k: { 0: { 1: "Y" } } } });
    assert.equal(w.view.$("#r1").className, "on", "a row changed beside the title");
    assert.equal(w.view.$("#r1").textContent, "Y");
  });

  test("a row's loading class stays when the row changes while its event is in flight", async () => {
    const w = await widget({
      s: ["<h1>", "</h1><ul>", "</ul>"],
      0: "T",
      1: { s: ['<li phx-click="pick" id="r', '">', "</li>"], d: [["1", "A"], ["2", "B"]] },
    });
    w.view.$("#r1").click();
    w.emit({ 0: "T2", 1: { k: { 0: { 1: "X" } } } });
    assert.equal(w.view.$("#r1").className, "phx-click-loading");
    assert.equal(w.view.$("#r1").textContent, "X");
  });

  test("a focused textarea row keeps what the user typed when the server changes it", async () => {
    const w = await widget({
      s: ["<h1>", "</h1><div>", "</div>"],
      0: "T",
      1: { s: ['<textarea id="n', '" class="', '">', "</textarea>"], d: [["1", "a", "one"], ["2", "a", "two"]] },
    });
    const note = /** @type {HTMLTextAreaElement} */ (w.view.$("#n1"));
    note.focus();
    note.value = "typed";
    w.emit({ 0: "T2", 1: { k: { 0: { 1: "b", 2: "server" } } } });
    assert.equal(document.activeElement, note);
    assert.equal(note.value, "typed");
    assert.equal(note.className, "b", "its other attributes follow the server");
  });
});

describe("rows whose HTML lacks the element's end tag", () => {
  test("are rendered in full, not as placeholders that leave their text beside them", async () => {
    const w = await widget({
      s: ["<h1>", "</h1><ul>", "</ul>"],
      0: "T",
      1: { s: ['\n<li id="r', '">', ""], d: [["1", "A"], ["2", "B"]] },
    });
    w.emit({ 0: "T1" });
    w.check("a title change");
    w.emit({ 0: "T2", 1: { k: { 1: { 1: "Y" } } } });
    w.check("a row and the title");
  });
});

describe("patching around lists", () => {
  test("a focused select holding a list keeps the user's choice when something else changes", async () => {
    const w = await widget({
      s: ["<h1>", '</h1><select id="s"><option value="">', "</option>", "</select>"],
      0: "T",
      1: "pick",
      2: { s: ['<option id="o', '" value="', '">', "</option>"], d: [["1", "1", "A"], ["2", "2", "B"]] },
    });
    const select = /** @type {HTMLSelectElement} */ (w.view.$("#s"));
    select.value = "2";
    select.focus();
    w.emit({ 0: "T1" });
    assert.equal(select.value, "2");
    assert.equal(w.view.$("h1").textContent, "T1");
  });

  test("an element moving from beside a list to elsewhere keeps its identity and its hook", async () => {
    const moving = '<input id="q" name="q"><p id="k" phx-hook="Rec">k</p>';
    const w = await widget({
      s: ['<div id="a">', '</div><div id="b">', "</div><ul>", "</ul>"],
      0: moving,
      1: "",
      2: { s: ITEMS(), d: [["1", "A"], ["2", "B"]] },
    });
    const input = /** @type {HTMLInputElement} */ (w.view.$("#q"));
    const hooked = w.view.$("#k");
    input.focus();
    input.value = "typed";
    log = [];
    w.emit({ 0: "", 1: moving });
    w.check();
    assert.equal(w.view.$("#k"), hooked);
    assert.equal(w.view.$("#q"), input);
    assert.equal(input.value, "typed");
    assert.deepEqual(log, []);
  });

  test("two lists in one parent, with and without whitespace around their rows", async () => {
    const w = await widget({
      s: ["<h1>", "</h1><ul>", "", "", "</ul>"],
      0: "T",
      1: { s: ITEMS("\n  "), d: [["1", "a"], ["2", "b"]] },
      2: { s: ['<li id="s', '">', "</li>"], d: [["1", "c"], ["2", "d"]] },
      3: { s: ['<li id="t', '">', "</li> "], d: [["1", "e"]] },
    });
    const row = w.view.$("#s2");
    w.emit({ 0: "T1" });
    w.check();
    assert.equal(w.view.$("#s2"), row);
    w.emit({ 0: "T2", 2: { k: { 2: { 0: "3", 1: "x" }, kc: 3 } }, 3: { k: { 0: { 1: "E" } } } });
    w.check();
    w.emit({ 0: "T3", 1: { k: { kc: 0 } } });
    w.check();
    w.emit({ 0: "T4", 1: { k: { 0: { 0: "9", 1: "back" }, kc: 1 } } });
    w.check();
  });

  test("a list in a table without tbody, in a select, beside a template comment like a marker", async () => {
    const w = await widget({
      s: ["<h1>", "</h1><table>", '</table><select id="s" multiple="">', "</select><!--lw-list:0--><div>", "</div>"],
      0: "T",
      1: { s: ['\n<tr id="r', '"><td>', "</td></tr>"], d: [["1", "a"], ["2", "b"]] },
      2: { s: ['<option id="o', '">', "</option>"], d: [["1", "x"]] },
      3: { s: ITEMS(" "), d: [["1", "y"]] },
    });
    for (const diff of [{ 0: "T1" }, { 0: "T2", 1: { k: { 0: { 1: "A" } } } }, { 0: "T3", 2: { k: { kc: 0 } } }]) {
      w.emit(diff);
      w.check(JSON.stringify(diff));
    }
  });

  test("a hook beside a list hears only its own changes; hooks in unchanged rows hear nothing", async () => {
    const w = await widget({
      s: ['<div id="box"><h1>', '</h1><p id="k" phx-hook="Rec">', "</p><ul>", "</ul></div>"],
      0: "T",
      1: "k",
      2: { s: ['<li phx-hook="Rec" id="r', '">', "</li>"], d: [["1", "a"], ["2", "b"]] },
    });
    log = [];
    w.emit({ 0: "T1" });
    w.check();
    assert.deepEqual(log, []);
    w.emit({ 0: "T2", 1: "k2" });
    w.check();
    assert.deepEqual(log, ["updated #k k2"]);
  });

  test("a focused input beside a list keeps what the user typed", async () => {
    const w = await widget({
      s: ["<h1>", '</h1><div><input id="i" name="i" value="', '"><ul>', "</ul></div>"],
      0: "T",
      1: "server",
      2: { s: ITEMS(), d: [["1", "a"]] },
    });
    const input = /** @type {HTMLInputElement} */ (w.view.$("#i"));
    input.focus();
    input.value = "typed";
    w.emit({ 0: "T1", 1: "server 2" });
    assert.equal(w.view.$("#i"), input);
    assert.equal(input.value, "typed");
    assert.equal(w.view.$("h1").textContent, "T1");
  });

  test("a row's element removed behind the view's back comes back with the next render", async () => {
    const w = await widget({
      s: ["<h1>", "</h1><ul>", "</ul><ol>", "</ol>"],
      0: "T",
      1: { s: ITEMS(), d: [["1", "a"], ["2", "b"]] },
      // Rows with different whitespace: not one marker, but placeholders.
      2: { s: ["", '<li id="q', '">', "</li>"], d: [["\n", "1", "x"], [" ", "2", "y"]] },
    });
    w.view.$("#q2").remove();
    w.emit({ 0: "T1" });
    w.check();
  });

  test("a subtree whose statics change, holding a list, beside a list on screen", async () => {
    const inner = { s: ['<li id="n', '">', "</li>"], d: [["1", "a"], ["2", "b"]] };
    const w = await widget({
      s: ["<h1>", "</h1><div>", "</div><ul>", "</ul>"],
      0: "T",
      1: { s: ['<ol class="x">', "</ol>"], 0: inner },
      2: { s: ITEMS(), d: [["1", "a"]] },
    });
    w.emit({ 0: "T1", 1: { s: ['<section><ol class="y">', "</ol></section>"], 0: inner } });
    w.check();
    w.emit({ 0: "T2", 1: { 0: { k: { 0: { 1: "A" } } } } });
    w.check();
    w.emit({ 1: { s: ['<ol class="x">', "</ol>"], 0: inner } });
    w.check();
  });

  test("nested lists: an inner list changes beside the title, then the outer rows move", async () => {
    const section = (/** @type {string} */ id) => [id, { s: ITEMS(), d: [[`${id}1`, "a"], [`${id}2`, "b"]] }];
    const w = await widget({
      s: ["<h1>", "</h1><div>", "</div>"],
      0: "T",
      1: { s: ['\n<section id="s', '"><ul>', "</ul></section>"], d: [section("1"), section("2")] },
    });
    for (const diff of [
      { 0: "T1" },
      { 0: "T2", 1: { k: { 1: { 1: { k: { 0: { 1: "A" }, 2: { 0: "23", 1: "c" }, kc: 3 } } } } } },
      { 0: "T3" },
      { 1: { k: { 0: 1, 1: 0 } } },
      { 0: "T4", 1: { k: { 0: { 1: { k: { kc: 1 } } } } } },
    ]) {
      w.emit(diff);
      w.check(JSON.stringify(diff));
    }
  });
});

/**
 * A keyed diff turning `before` into `after`, rows given as arrays whose `at`-th value is
 * the key.
 *
 * @param {string[][]} before
 * @param {string[][]} after
 * @param {number} at
 */
function keyedDiff(before, after, at) {
  /** @type {{[key: string]: unknown}} */
  const k = {};
  const was = new Map(before.map((row, i) => [row[at], i]));
  after.forEach((row, i) => {
    const j = was.get(row[at]);
    if (j === undefined) {
      k[i] = Object.fromEntries(row.map((value, x) => [x, value]));
      return;
    }
    /** @type {{[key: string]: string}} */
    const changes = {};
    row.forEach((value, x) => {
      if (value !== before[j]?.[x]) changes[x] = value;
    });
    const changed = Object.keys(changes).length > 0;
    if (j === i) {
      if (changed) k[i] = changes;
    } else k[i] = changed ? [j, changes] : j;
  });
  k.kc = after.length;
  return { k };
}

describe("random updates of a page full of lists", () => {
  /** Hooked elements by id in `html`, with their outer HTML. @param {string} html */
  function hooked(html) {
    const div = document.createElement("div");
    div.innerHTML = html;
    return new Map(Array.from(div.querySelectorAll("[phx-hook]")).map((el) => [el.id, el.outerHTML]));
  }

  for (let run = 0; run < 12; run++) {
    test(`run ${run}: the full render, and hooks hearing each change of their element`, async () => {
      let seed = 7919 * (run + 1);
      const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
      /** @param {number} n */
      const pick = (n) => Math.floor(random() * n);
      let id = 0;
      /**
       * Rows [whitespace, id, text] after a random change.
       *
       * @param {string[][]} rows
       * @param {string} prefix
       * @param {number} step
       */
      const mutate = (rows, prefix, step) => {
        const out = rows.map((row) => row.slice());
        const op = random();
        if (op < 0.3 && out.length) out[pick(out.length)][2] = `${prefix}e${step}`;
        else if (op < 0.5) out.push([out[0]?.[0] ?? "\n", `${prefix}${++id}`, `n${step}`]);
        else if (op < 0.6 && out.length) out.splice(pick(out.length), 1);
        else if (op < 0.7) out.unshift([out[0]?.[0] ?? "\n", `${prefix}${++id}`, `f${step}`]);
        else if (op < 0.75 && out.length > 1) out.splice(pick(out.length), 0, ...out.splice(pick(out.length), 1));
        else if (op < 0.8) return [];
        else if (op < 0.85 && out.length) out[pick(out.length)][0] = random() < 0.5 ? "\n  " : " ";
        return out;
      };
      /** @param {string} prefix @param {number} n */
      const fresh = (prefix, n) => Array.from({ length: n }, () => ["\n", `${prefix}${++id}`, "t"]);
      const LI = ["", '<li id="', '">', "</li>"];
      /** @param {string[][]} rows */
      const list = (rows) => ({ s: LI, d: rows });
      const HOOKED_LI = ['<li phx-hook="Rec" id="', '">', "</li>"];
      const SECTION = ['\n<section id="', '"><h2>', "</h2><ul>", "</ul></section>"];
      /** @type {{[name: string]: string[][]}} */
      const rows = { A: fresh("a", 3), B: fresh("b", 2), C: fresh("c", 2), G: fresh("g", 2), H: fresh("h", 2), R: fresh("r", 2) };
      const sections = ["e1", "e2", "e3"];
      /** @type {{[section: string]: string[][]}} */
      const inner = Object.fromEntries(sections.map((s) => [s, fresh(`${s}x`, 2)]));
      const switches = [
        (/** @type {string[][]} */ d) => ({ s: ['<ol class="x">', "</ol>"], 0: list(d) }),
        (/** @type {string[][]} */ d) => ({ s: ['<div class="y"><p>', "</p><ol>", "</ol></div>"], 0: "p", 1: list(d) }),
      ];
      let switchRows = fresh("w", 2);
      /** @type {any} */
      let tree = {
        s: [
          '<h1 class="', '">', "</h1>", '<div id="box" class="', '"><p id="hk" phx-hook="Rec">', '</p><ul id="l1">',
          '</ul></div><ul id="two">', "", '</ul><div id="nest">', '</div><div id="sw">',
          '</div><ul id="hl" phx-hook="Rec">', '</ul><div id="ig" phx-update="ignore"><ul>', '</ul></div><ul id="hr">', "</ul>",
        ],
        0: "c", 1: "T", 2: "", 3: "b", 4: "k",
        5: list(rows.A), 6: list(rows.B), 7: list(rows.C),
        8: { s: SECTION, d: sections.map((s) => [s, "h", list(inner[s])]) },
        9: switches[0](switchRows),
        10: list(rows.G), 11: list(rows.H),
        12: { s: HOOKED_LI, d: rows.R.map(([, rid, text]) => [rid, text]) },
      };
      const w = await widget(tree);
      const ignored = w.view.$("#ig").innerHTML;
      let live = hooked(toHTML(tree));
      for (let step = 0; step < 60; step++) {
        /** @type {any} */
        const diff = {};
        if (random() < 0.3) diff[1] = `T${step}`;
        if (random() < 0.15) diff[2] = random() < 0.5 ? "" : `<p class="flash">${step}</p>`;
        if (random() < 0.15) diff[3] = `b${step}`;
        if (random() < 0.15) diff[4] = `k${step}`;
        if (random() < 0.1) diff[0] = `c${step}`;
        for (const [key, name] of /** @type {[number, string][]} */ ([[5, "A"], [6, "B"], [7, "C"], [10, "G"], [11, "H"]])) {
          if (random() < 0.25) {
            const next = mutate(rows[name], name.toLowerCase(), step);
            diff[key] = keyedDiff(rows[name], next, 1);
            rows[name] = next;
          }
        }
        if (random() < 0.2) {
          const next = mutate(rows.R, "r", step).map(([, rid, text]) => ["", rid, text]);
          diff[12] = keyedDiff(rows.R.map(([, rid, text]) => [rid, text]), next.map(([, rid, text]) => [rid, text]), 0);
          rows.R = next;
        }
        if (random() < 0.2) {
          const at = pick(sections.length);
          const next = mutate(inner[sections[at]], `${sections[at]}x`, step);
          diff[8] = { k: { [at]: { 2: keyedDiff(inner[sections[at]], next, 1) } } };
          inner[sections[at]] = next;
        }
        if (random() < 0.15) {
          const next = mutate(switchRows, "w", step);
          if (random() < 0.5) diff[9] = switches[pick(2)](next);
          else diff[9] = { [tree[9].s.length === 2 ? 0 : 1]: keyedDiff(switchRows, next, 1) };
          switchRows = next;
        }
        if (Object.keys(diff).length === 0) diff[1] = `Z${step}`;
        log = [];
        tree = w.emit(JSON.parse(JSON.stringify(diff)));
        const what = `step ${step}: ${JSON.stringify(diff)}`;
        const expected = document.createElement("div");
        expected.innerHTML = toHTML(tree);
        /** @type {Element} */ (expected.querySelector("#ig")).innerHTML = ignored;
        assert.equal(w.view.html(), expected.innerHTML, what);
        // Hooks: mounted for elements that came, destroyed for those gone, updated for exactly
        // those the server changed.
        const now = hooked(toHTML(tree));
        const heard = (/** @type {string} */ what) => new Set(log.filter((line) => line.startsWith(`${what} `)).map((line) => line.split(" ")[1].slice(1)));
        assert.deepEqual(heard("mounted"), new Set([...now.keys()].filter((key) => !live.has(key))), `mounted, ${what}`);
        assert.deepEqual(heard("destroyed"), new Set([...live.keys()].filter((key) => !now.has(key))), `destroyed, ${what}`);
        const changed = [...now].filter(([key, html]) => live.has(key) && live.get(key) !== html).map(([key]) => key);
        assert.deepEqual(heard("updated"), new Set(changed), `updated, ${what}`);
        live = now;
      }
    });
  }
});
