/**
 * Streams (`streams.js`) and append / prepend containers (`append_prepend.js`), from the
 * instruction on a list to the page of a whole widget: positions, update in place (the
 * element and its hook stay), deletes, limits, reset, a second view, kept children.
 */

import assert from "node:assert/strict";
import { after, beforeEach, describe, test } from "node:test";
import { applyStream } from "../src/streams.js";
import { closeWindow, createWindow, FakeObserver } from "./helpers.js";
import { settle, WidgetHarness } from "./widget_harness.js";

const window = createWindow();
const harness = new WidgetHarness(window);
after(() => {
  harness.reset();
  return closeWindow(window);
});
beforeEach(() => harness.reset());

/**
 * @param {string[]} ids
 * @param {boolean} reset
 * @param {string[]} deletes
 * @param {[string, number, number | null][]} inserts
 */
function applied(ids, reset, deletes, inserts) {
  const rows = ids.map((id) => `row ${id}`);
  const list = [...ids];
  applyStream(
    list,
    rows,
    reset,
    deletes,
    inserts.map(([id, at, limit]) => /** @type {[string, number, number | null, boolean]} */ ([id, at, limit, false])),
    inserts.map(([id]) => `new ${id}`),
  );
  assert.deepEqual(rows.map((row) => row.split(" ")[1]), list, "rows follow their ids");
  return { ids: list, rows };
}

describe("applyStream", () => {
  test("-1 appends, 0 prepends, i goes before row i, past the end appends", () => {
    assert.deepEqual(applied(["a", "b"], false, [], [["c", -1, null]]).ids, ["a", "b", "c"]);
    assert.deepEqual(applied(["a", "b"], false, [], [["c", 0, null]]).ids, ["c", "a", "b"]);
    assert.deepEqual(applied(["a", "b"], false, [], [["c", 1, null]]).ids, ["a", "c", "b"]);
    assert.deepEqual(applied(["a", "b"], false, [], [["c", 9, null]]).ids, ["a", "b", "c"]);
  });

  test("inserts apply one by one: several at 0 end up reversed, as in Phoenix", () => {
    assert.deepEqual(applied(["a"], false, [], [["x", 0, null], ["y", 0, null]]).ids, ["y", "x", "a"]);
  });

  test("a shown id is updated where it is, whatever its at", () => {
    const { ids, rows } = applied(["a", "b", "c"], false, [], [["b", 0, null]]);
    assert.deepEqual(ids, ["a", "b", "c"]);
    assert.equal(rows[1], "new b");
  });

  test("deletes come before inserts; reset drops every row first", () => {
    assert.deepEqual(applied(["a", "b", "c"], false, ["b", "zz"], []).ids, ["a", "c"]);
    assert.deepEqual(applied(["a", "b"], false, ["a"], [["a", 0, null]]).rows, ["new a", "row b"]);
    assert.deepEqual(applied(["a", "b"], true, [], [["c", -1, null]]).ids, ["c"]);
  });

  test("a negative limit keeps the last rows, a positive one the first", () => {
    assert.deepEqual(applied(["a", "b", "c"], false, [], [["d", -1, -3]]).ids, ["b", "c", "d"]);
    assert.deepEqual(applied(["a", "b", "c"], false, [], [["d", 0, 3]]).ids, ["d", "a", "b"]);
    assert.deepEqual(applied(["a", "b"], false, [], [["c", -1, 5]]).ids, ["a", "b", "c"]);
    // An update in place prunes nothing (Phoenix limits only rows it adds).
    assert.deepEqual(applied(["a", "b", "c"], false, [], [["a", -1, -1]]).ids, ["a", "b", "c"]);
  });
});

const ROW = ['<li id="', '" phx-hook="Row">', "</li>"];
const STREAM_TREE = {
  s: ['<ul id="msgs" phx-update="stream">', "</ul>"],
  0: {
    s: ROW,
    k: { 0: { 0: "m-1", 1: "a" }, 1: { 0: "m-2", 1: "b" }, kc: 2 },
    stream: ["0", [["m-1", -1, null, false], ["m-2", -1, null, false]], [], true],
  },
};

/**
 * A stream diff: new rows (id, text, at, limit), deletes, and a reset.
 *
 * @param {[string, string, number, number | null][]} rows
 * @param {string[]} [deletes]
 * @param {boolean} [reset]
 */
function streamDiff(rows, deletes = [], reset = false) {
  const k = { ...rows.map(([id, text]) => ({ 0: id, 1: text })), kc: rows.length };
  const inserts = rows.map(([id, , at, limit]) => [id, at, limit, false]);
  return { d: { 0: { k, stream: reset ? ["0", inserts, deletes, true] : ["0", inserts, deletes] } } };
}

/** The ids and texts of the rows on screen. */
function shown(/** @type {import("./widget_harness.js").Displayed} */ view) {
  return Array.from(view.el.querySelectorAll("li")).map((li) => `${li.id}:${li.textContent}`);
}

describe("a stream in a widget", () => {
  /** @type {string[]} */
  let log;

  async function streamWidget() {
    log = [];
    const model = harness.model();
    const view = harness.display(model);
    const hook = {
      /** @this {any} */
      mounted() {
        log.push(`mounted ${this.el.id}`);
      },
      /** @this {any} */
      updated() {
        log.push(`updated ${this.el.id}`);
      },
      /** @this {any} */
      destroyed() {
        log.push(`destroyed ${this.el.id}`);
      },
    };
    model.emit({ r: STREAM_TREE, h: { Row: harness.hook(hook) } });
    await settle();
    return { model, view };
  }

  test("inserts at -1, 0 and i, then a second view shows every row", async () => {
    const { model, view } = await streamWidget();
    model.emit(streamDiff([["m-3", "c", -1, null], ["m-0", "z", 0, null], ["m-9", "i", 2, null]]));
    await settle();
    const expected = ["m-0:z", "m-1:a", "m-9:i", "m-2:b", "m-3:c"];
    assert.deepEqual(shown(view), expected);
    const second = harness.display(model);
    await settle();
    assert.deepEqual(shown(second), expected);
  });

  test("an update in place keeps the element and its hook; a delete destroys it", async () => {
    const { model, view } = await streamWidget();
    const first = view.$("#m-1");
    model.emit(streamDiff([["m-1", "A", 0, null]], ["m-2"]));
    await settle();
    assert.deepEqual(shown(view), ["m-1:A"]);
    assert.equal(view.$("#m-1"), first, "the same element");
    assert.deepEqual([...log].sort(), ["destroyed m-2", "mounted m-1", "mounted m-2", "updated m-1"]);
  });

  test("a limit prunes the other end; a reset replaces every row", async () => {
    const { model, view } = await streamWidget();
    model.emit(streamDiff([["m-3", "c", -1, -2]]));
    await settle();
    assert.deepEqual(shown(view), ["m-2:b", "m-3:c"]);
    model.emit(streamDiff([["m-4", "d", 0, 2]]));
    await settle();
    assert.deepEqual(shown(view), ["m-4:d", "m-2:b"]);
    model.emit(streamDiff([["m-7", "x", -1, null]], [], true));
    await settle();
    assert.deepEqual(shown(view), ["m-7:x"]);
  });

  test("a diff that leaves the stream out keeps its rows", async () => {
    const { model, view } = await streamWidget();
    model.emit({ d: {} });
    await settle();
    assert.deepEqual(shown(view), ["m-1:a", "m-2:b"]);
  });
});

/**
 * A tree with an append / prepend container of rows (id, text) and a counter beside it.
 *
 * @param {string} mode
 * @param {[string, string][]} rows
 */
function containerTree(mode, rows) {
  return {
    s: [`<ul id="list" phx-update="${mode}">`, '</ul><p id="n">', "</p>"],
    0: { s: ['<li id="', '">', "</li>"], k: { ...rows.map(([id, text]) => ({ 0: id, 1: text })), kc: rows.length } },
    1: "0",
  };
}

describe("append and prepend containers", () => {
  /** @type {{mode: string, expected: string[]}[]} */
  const cases = [
    { mode: "append", expected: ["a:1", "b:B", "c:3"] },
    { mode: "prepend", expected: ["c:3", "a:1", "b:B"] },
  ];
  for (const { mode, expected } of cases) {
    test(`${mode}: old children stay, new ones go ${mode === "append" ? "last" : "first"}, a known id updates in place`, async () => {
      const model = harness.model();
      const view = harness.display(model);
      model.emit({ r: containerTree(mode, [["a", "1"], ["b", "2"]]) });
      await settle();
      const b = view.$("#b");
      // What temporary_assigns send: only the new rows (and one update).
      model.emit({ d: { 0: { k: { 0: { 0: "b", 1: "B" }, 1: { 0: "c", 1: "3" }, kc: 2 } }, 1: "1" } });
      await settle();
      assert.deepEqual(shown(view), expected);
      assert.equal(view.$("#b"), b, "updated in place");
      // The assign is reset: no rows at all, yet the page keeps them.
      model.emit({ d: { 0: { k: { kc: 0 } }, 1: "2" } });
      await settle();
      assert.deepEqual(shown(view), expected);
      assert.equal(view.$("#n").textContent, "2");
    });
  }
});

describe("phx-viewport-bottom / phx-viewport-top", () => {
  test("the last child entering the viewport pushes the event once; the watch moves to the new last row", async () => {
    const page = /** @type {any} */ (window);
    const original = page.IntersectionObserver;
    page.IntersectionObserver = FakeObserver;
    try {
      const model = harness.model();
      const view = harness.display(model);
      const tree = structuredClone(STREAM_TREE);
      tree.s[0] = '<ul id="msgs" phx-update="stream" phx-viewport-top="older" phx-viewport-bottom="more">';
      model.emit({ r: tree, h: { Row: harness.hook({}) } });
      await settle();
      assert.deepEqual(FakeObserver.watched().sort(), ["m-1", "m-2"]);
      const events = () => model.sent.filter((m) => /** @type {any} */ (m).k === "event");
      FakeObserver.show(view.$("#m-2"));
      FakeObserver.show(view.$("#m-2")); // still in flight: not pushed again
      assert.deepEqual(
        events().map((m) => [/** @type {any} */ (m).event, /** @type {any} */ (m).value]),
        [["more", { id: "m-2" }]],
      );
      const ref = /** @type {any} */ (events()[0]).ref;
      model.emit({ ...streamDiff([["m-3", "c", -1, null]]), ref });
      await settle();
      assert.deepEqual(FakeObserver.watched().sort(), ["m-1", "m-3"]);
      FakeObserver.show(view.$("#m-3"));
      FakeObserver.show(view.$("#m-1"));
      assert.deepEqual(
        events().map((m) => [/** @type {any} */ (m).event, /** @type {any} */ (m).value]),
        [["more", { id: "m-2" }], ["more", { id: "m-3" }], ["older", { id: "m-1" }]],
      );
      view.cleanup();
      assert.equal(FakeObserver.all.size, 0, "the view's observers end with it");
    } finally {
      page.IntersectionObserver = original;
    }
  });
});
