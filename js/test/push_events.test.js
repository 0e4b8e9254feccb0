/**
 * Pushed events (`"e"`): after the patch, once per message to the window as `phx:<type>`,
 * then to the handleEvent callbacks of the receiving widget's hooks (every view's).
 */

import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { parsePushedEvents } from "../src/push_events.js";
import { captureErrors } from "./helpers.js";
import { settle, useHarness } from "./widget_harness.js";

const { window, harness } = useHarness();

const TREE = { s: ['<div id="box" phx-hook="Listener">', "</div>"], 0: "old" };

/** @type {[string, unknown][]} */
let heard = [];
beforeEach(() => (heard = []));

/**
 * A hook recording what its handleEvent callbacks get, with the DOM it sees then.
 *
 * @param {string} label
 */
function listenerHook(label) {
  return {
    /** @this {any} */
    mounted() {
      for (const type of ["ping", "pong"]) {
        this.handleEvent(type, (/** @type {unknown} */ payload) => {
          heard.push([`${label}:${type}:${this.el.textContent}`, payload]);
        });
      }
    },
  };
}

/**
 * Listen to a window event for the rest of the test file's current test.
 *
 * @param {import("node:test").TestContext} t
 * @param {string} type
 * @param {(e: any) => void} listener
 */
function onWindow(t, type, listener) {
  window.addEventListener(type, listener);
  t.after(() => window.removeEventListener(type, listener));
}

/** A widget with its hook's module loaded, shown in `views` views. */
async function widgetWithHook(label = "w", views = 1) {
  const model = harness.model();
  const shown = Array.from({ length: views }, () => harness.display(model));
  model.emit({ r: TREE, h: { Listener: harness.hook(listenerHook(label)) } });
  await settle();
  return { model, shown };
}

describe("pushed events", () => {
  test("the patch of the same message is applied before the phx: event fires", async (t) => {
    const { model, shown } = await widgetWithHook();
    /** @type {string[]} */
    const seen = [];
    onWindow(t, "phx:ping", (e) => seen.push(`${shown[0].$("#box").textContent} ${JSON.stringify(e.detail)}`));
    model.emit({ d: { 0: "new" }, e: [["ping", { n: 1 }]], ref: 1 });
    assert.deepEqual(seen, ['new {"n":1}']);
    assert.deepEqual(heard, [["w:ping:new", { n: 1 }]]);
  });

  test("the window hears each event once per message, however many views the widget has", async (t) => {
    const { model } = await widgetWithHook("w", 2);
    /** @type {unknown[]} */
    const details = [];
    onWindow(t, "phx:ping", (e) => details.push(e.detail));
    model.emit({ e: [["ping", { n: 1 }]], ref: 1 });
    assert.deepEqual(details, [{ n: 1 }]);
  });

  test("the hooks of every view of the widget get the event", async () => {
    const { model } = await widgetWithHook("w", 2);
    model.emit({ e: [["ping", { n: 2 }]] });
    assert.deepEqual(heard, [
      ["w:ping:old", { n: 2 }],
      ["w:ping:old", { n: 2 }],
    ]);
  });

  test("another widget's hooks do not get it", async (t) => {
    const first = await widgetWithHook("first");
    await widgetWithHook("second");
    let windowEvents = 0;
    onWindow(t, "phx:ping", () => windowEvents++);
    first.model.emit({ e: [["ping", { n: 3 }]] });
    assert.deepEqual(heard, [["first:ping:old", { n: 3 }]]);
    assert.equal(windowEvents, 1);
  });

  test("several events keep their order: each goes to the window, then to the hooks", async (t) => {
    const { model } = await widgetWithHook();
    onWindow(t, "phx:ping", (e) => heard.push(["window:ping", e.detail]));
    onWindow(t, "phx:pong", (e) => heard.push(["window:pong", e.detail]));
    model.emit({ d: { 0: "x" }, e: [["ping", 1], ["pong", 2], ["ping", 3]], ref: 4 });
    assert.deepEqual(heard, [
      ["window:ping", 1],
      ["w:ping:x", 1],
      ["window:pong", 2],
      ["w:pong:x", 2],
      ["window:ping", 3],
      ["w:ping:x", 3],
    ]);
  });

  test("a widget without views still dispatches to the window", (t) => {
    const model = harness.model();
    /** @type {unknown[]} */
    const details = [];
    onWindow(t, "phx:lonely", (e) => details.push(e.detail));
    model.emit({ r: { s: ["x"] }, e: [["lonely", { ok: true }]] });
    assert.deepEqual(details, [{ ok: true }]);
  });

  test("malformed entries are logged and skipped; the others are delivered", async (t) => {
    const { model } = await widgetWithHook();
    const errors = captureErrors(t);
    model.emit({ e: [["ping", 1], "pong", ["", 2], ["pong", 3, 4], ["pong", 5]] });
    assert.deepEqual(heard, [
      ["w:ping:old", 1],
      ["w:pong:old", 5],
    ]);
    assert.equal(errors.length, 3);
    model.emit({ e: "ping" });
    assert.equal(errors.length, 4);
  });
});

describe("parsePushedEvents", () => {
  test("keeps [type, payload] pairs in order", () => {
    assert.deepEqual(parsePushedEvents([["a", { x: 1 }], ["b", null]]), [
      ["a", { x: 1 }],
      ["b", null],
    ]);
  });
});
