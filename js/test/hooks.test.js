/**
 * Client hooks: lifecycle callbacks around patches, late-loading modules, and failures
 * that show in the error box without stopping the widget.
 */

import assert from "node:assert/strict";
import { after, beforeEach, describe, test } from "node:test";
import { captureErrors, closeWindow, createWindow } from "./helpers.js";
import { settle, WidgetHarness } from "./widget_harness.js";

const window = createWindow();
const harness = new WidgetHarness(window);
after(() => {
  harness.reset();
  return closeWindow(window);
});

/** @type {string[]} */
let log = [];
beforeEach(() => {
  harness.reset();
  log = [];
});

/**
 * A hook logging its callbacks with the element's id and text at that moment.
 *
 * @param {string} name
 */
function recorder(name) {
  /** @param {string} what */
  const entry = (what) =>
    /** @this {any} */
    function () {
      log.push(`${name}.${what} #${this.el.id} ${this.el.textContent}`);
    };
  return {
    mounted: entry("mounted"),
    beforeUpdate: entry("beforeUpdate"),
    updated: entry("updated"),
    destroyed: entry("destroyed"),
    disconnected: entry("disconnected"),
    reconnected: entry("reconnected"),
  };
}

/** Two hooked elements and a plain one; dynamics: a's text, b's text, whether b shows. */
const TREE = {
  s: ['<p id="a" phx-hook="Rec">', '</p><span id="plain">', "</span>", ""],
  0: "1",
  1: "x",
  2: { s: ['<p id="b" phx-hook="Rec">', "</p>"], 0: "2" },
};

/** A widget whose Rec hook is loaded, shown once. */
async function recWidget() {
  const model = harness.model();
  const view = harness.display(model);
  model.emit({ r: TREE, h: { Rec: harness.hook(recorder("Rec")) } });
  await settle();
  return { model, view };
}

describe("hook lifecycle", () => {
  test("mounted runs once per hooked element, after the patch, on an instance of the hook", async () => {
    const hook = recorder("Rec");
    /** @type {any[]} */
    const instances = [];
    hook.mounted = /** @this {any} */ function () {
      instances.push(this);
    };
    const model = harness.model();
    const view = harness.display(model);
    model.emit({ r: TREE, h: { Rec: harness.hook(hook) } });
    await settle();
    assert.equal(instances.length, 2);
    assert.equal(Object.getPrototypeOf(instances[0]), hook);
    assert.equal(instances[0].el, view.$("#a"));
    assert.equal(instances[1].el, view.$("#b"));
    assert.notEqual(instances[0], instances[1]);
    model.emit({ d: { 1: "y" } });
    assert.equal(instances.length, 2, "a patch mounted again");
  });

  test("the first mount sees the patched DOM", async () => {
    await recWidget();
    assert.deepEqual(log, ["Rec.mounted #a 1", "Rec.mounted #b 2"]);
  });

  test("beforeUpdate and updated surround a patch, only for elements that change", async () => {
    const { model } = await recWidget();
    log = [];
    model.emit({ d: { 0: "10" }, ref: 1 });
    assert.deepEqual(log, ["Rec.beforeUpdate #a 1", "Rec.updated #a 10"]);
    log = [];
    model.emit({ d: { 1: "only the plain span" }, ref: 2 });
    assert.deepEqual(log, []);
  });

  test("what a hook did to its element stays until the server renders that element anew", async () => {
    const hook = recorder("Rec");
    hook.mounted = /** @this {any} */ function () {
      this.el.textContent = "drawn by js";
      this.el.setAttribute("data-state", "js");
    };
    const model = harness.model();
    const view = harness.display(model);
    model.emit({ r: TREE, h: { Rec: harness.hook(hook) } });
    await settle();
    model.emit({ d: { 1: "other dynamic" }, ref: 1 });
    model.emit({ r: TREE }); // a whole tree, the same HTML for #a
    assert.equal(view.$("#a").textContent, "drawn by js");
    assert.equal(view.$("#a").getAttribute("data-state"), "js");
    assert.deepEqual(log, [], "a patch that left #a as it was updated it");
    model.emit({ d: { 0: "9" }, ref: 2 });
    assert.equal(view.$("#a").outerHTML, '<p id="a" phx-hook="Rec">9</p>');
    assert.deepEqual(log, ["Rec.beforeUpdate #a drawn by js", "Rec.updated #a 9"]);
  });

  test("destroyed runs when the element leaves; mounted when it comes back", async () => {
    const { model } = await recWidget();
    log = [];
    model.emit({ d: { 2: "" } });
    assert.deepEqual(log, ["Rec.destroyed #b 2"]);
    log = [];
    model.emit({ d: { 2: { s: ['<p id="b" phx-hook="Rec">', "</p>"], 0: "3" } } });
    assert.deepEqual(log, ["Rec.mounted #b 3"]);
  });

  test("an element whose phx-hook changes gets the old hook destroyed and the new mounted", async () => {
    const model = harness.model();
    harness.display(model);
    const h = { One: harness.hook(recorder("One")), Two: harness.hook(recorder("Two")) };
    model.emit({ r: { s: ['<p id="x" phx-hook="', '">t</p>'], 0: "One" }, h });
    await settle();
    model.emit({ d: { 0: "Two" } });
    assert.deepEqual(log, ["One.mounted #x t", "One.destroyed #x t", "Two.mounted #x t"]);
  });

  test("removing the view destroys its instances; the other view's stay", async () => {
    const { model, view } = await recWidget();
    harness.display(model);
    log = [];
    view.cleanup();
    assert.deepEqual(log, ["Rec.destroyed #a 1", "Rec.destroyed #b 2"]);
    log = [];
    model.emit({ d: { 0: "5" } });
    assert.deepEqual(log, ["Rec.beforeUpdate #a 1", "Rec.updated #a 5"]);
  });

  test("a view displayed later mounts its own instances", async () => {
    const { model } = await recWidget();
    log = [];
    harness.display(model);
    assert.deepEqual(log, ["Rec.mounted #a 1", "Rec.mounted #b 2"]);
  });

  test("a module that loads after its elements appeared still mounts them", async () => {
    const model = harness.model();
    harness.display(model);
    const source = harness.hook(recorder("Rec"), { held: true });
    model.emit({ r: TREE, h: { Rec: source } });
    await settle();
    assert.deepEqual(log, []);
    model.emit({ d: { 2: "" } }); // b leaves before the module arrives
    await harness.release(source);
    assert.deepEqual(log, ["Rec.mounted #a 1"]);
  });

  test("each source is imported once, whichever widget sends it", async () => {
    const source = harness.hook(recorder("Rec"));
    for (const model of [harness.model(), harness.model()]) {
      harness.display(model);
      model.emit({ r: TREE, h: { Rec: source } });
      model.emit({ r: TREE, h: { Rec: source } });
    }
    await settle();
    assert.equal(harness.requested.length, 1);
    assert.equal(log.filter((line) => line.includes("mounted")).length, 4);
  });
});

describe("hook mistakes", () => {
  test("an element with phx-hook but no id is logged once and not hooked", async (t) => {
    const errors = captureErrors(t);
    const model = harness.model();
    harness.display(model);
    model.emit({ r: { s: ['<p phx-hook="Rec">', "</p>"], 0: "1" }, h: { Rec: harness.hook(recorder("Rec")) } });
    await settle();
    model.emit({ d: { 0: "2" } });
    assert.deepEqual(log, []);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0][0]), /^\[livewidget\] .*phx-hook="Rec" needs an id/);
  });

  test("an unknown hook name is logged once", async (t) => {
    const errors = captureErrors(t);
    const model = harness.model();
    const view = harness.display(model);
    model.emit({ r: { s: ['<p id="u" phx-hook="Nope">', "</p>"], 0: "1" }, h: {} });
    model.emit({ d: { 0: "2" } });
    harness.display(model);
    await settle();
    assert.equal(errors.length, 1);
    assert.match(String(errors[0][0]), /phx-hook="Nope" names an unknown hook/);
    assert.equal(view.el.querySelector(".lw-error"), null, "an unknown name is no error box");
  });

  /** The widget of the failure tests: a broken hook, a working one and a button. */
  const MIXED = {
    s: ['<p id="bad" phx-hook="Bad">b</p><p id="good" phx-hook="Good">g</p><button phx-click="inc">', "</button>"],
    0: "0",
  };

  /**
   * Show MIXED with `bad` as the Bad hook's module; check the box and that the rest works.
   *
   * @param {import("node:test").TestContext} t
   * @param {unknown} bad
   * @param {RegExp} message
   */
  async function failsVisibly(t, bad, message) {
    const errors = captureErrors(t);
    const model = harness.model();
    const view = harness.display(model);
    model.emit({ r: MIXED, h: { Bad: harness.hook(bad), Good: harness.hook(recorder("Good")) } });
    await settle();
    const box = view.$(".lw-error .lw-error-message");
    assert.match(String(box.textContent), message);
    assert.ok(errors.some((args) => message.test(String(args[0]))), "not logged");
    // The rest keeps working: the good hook, patches, events.
    assert.deepEqual(log, ["Good.mounted #good g"]);
    model.emit({ d: { 0: "1" } });
    assert.equal(view.$(".lw-view button").textContent, "1");
    view.$(".lw-view button").click();
    assert.deepEqual(model.sent.at(-1), { k: "event", type: "click", event: "inc", value: {}, ref: 1 });
  }

  test("a module that fails to import shows an error naming the hook", (t) =>
    failsVisibly(t, new SyntaxError("Unexpected token '}'"), /Hook "Bad" cannot be used: its module failed to import: SyntaxError/));

  test("a module without a default export shows an error naming the hook", (t) =>
    failsVisibly(t, undefined, /Hook "Bad" cannot be used: its module has no default export/));

  test("a callback that throws shows an error naming the hook and the callback", (t) =>
    failsVisibly(
      t,
      {
        mounted() {
          throw new TypeError("boom");
        },
      },
      /Hook "Bad" on #bad failed in mounted: TypeError: boom/,
    ));

  test("a callback whose promise rejects shows an error too", async (t) => {
    const errors = captureErrors(t);
    const model = harness.model();
    const view = harness.display(model);
    const hook = { mounted: async () => Promise.reject(new Error("later")) };
    model.emit({ r: { s: ['<p id="p" phx-hook="Async">x</p>'] }, h: { Async: harness.hook(hook) } });
    await settle();
    assert.match(String(view.$(".lw-error-message").textContent), /Hook "Async" on #p failed in mounted: Error: later/);
    assert.equal(errors.length, 1);
  });
});
