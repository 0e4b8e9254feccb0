/**
 * The anywidget module (index.js → store.js + view.js), driven like anywidget does:
 * `initialize` once per model, `render` once per view, each with a fresh model proxy.
 */

import assert from "node:assert/strict";
import { after, beforeEach, describe, test } from "node:test";
import widget from "../src/index.js";
import { captureErrors, closeWindow, createWindow, documentOf, FakeModel } from "./helpers.js";

const window = createWindow();
const document = documentOf(window);
after(() => closeWindow(window));

const COUNTER = { s: ['<button phx-click="inc">', '</button><span id="n">', "</span>"], 0: "+", 1: "0" };

/** @type {(() => void)[]} */
let cleanups = [];

beforeEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  document.body.replaceChildren();
});

/** A model, initialized as anywidget would. */
function initializedModel() {
  const model = new FakeModel();
  cleanups.push(widget.initialize({ model: model.proxy() }));
  return model;
}

/**
 * Display a view of `model` in a new element of the page.
 *
 * @param {FakeModel} model
 */
function display(model) {
  const el = document.createElement("div");
  document.body.append(el);
  const cleanup = widget.render({ model: model.proxy(), el });
  cleanups.push(cleanup);
  return { el, cleanup, html: () => el.querySelector(".lw-view")?.innerHTML };
}

describe("initialize", () => {
  test("sends a join, once per model", () => {
    const model = initializedModel();
    display(model);
    display(model);
    assert.deepEqual(model.sent, [{ k: "join" }]);
  });

  test("listens to the model once, however many views there are", () => {
    const model = initializedModel();
    display(model);
    display(model);
    assert.equal(model.listenerCount("msg:custom"), 1);
  });

  test("its cleanup stops listening to the model", () => {
    const model = new FakeModel();
    const cleanup = widget.initialize({ model: model.proxy() });
    cleanup();
    assert.equal(model.listenerCount("msg:custom"), 0);
  });
});

describe("render", () => {
  test("shows a connecting placeholder until the first tree", () => {
    const model = initializedModel();
    const view = display(model);
    assert.equal(view.el.querySelector(".lw-root > .lw-view > .lw-connecting")?.textContent, "connecting…");
    model.emit({ r: COUNTER });
    assert.equal(view.el.querySelector(".lw-connecting"), null);
    assert.equal(view.html(), '<button phx-click="inc">+</button><span id="n">0</span>');
  });

  test("ignores diffs until a full tree arrived", (t) => {
    const errors = captureErrors(t);
    const model = initializedModel();
    const view = display(model);
    model.emit({ d: { 1: "5" }, ref: 1 });
    assert.ok(view.el.querySelector(".lw-connecting"));
    assert.equal(errors.length, 1);
    model.emit({ r: COUNTER });
    assert.equal(view.el.querySelector("#n")?.textContent, "0");
  });

  test("every view of a model follows the tree and its diffs", () => {
    const model = initializedModel();
    const first = display(model);
    const second = display(model);
    model.emit({ r: COUNTER });
    const span = first.el.querySelector("#n");
    model.emit({ d: { 1: "1" }, ref: 1 });
    model.emit({ d: { 1: "2" }, ref: 2 });
    for (const view of [first, second]) {
      assert.equal(view.html(), '<button phx-click="inc">+</button><span id="n">2</span>');
    }
    assert.equal(first.el.querySelector("#n"), span, "the view was rebuilt instead of patched");
  });

  test("a view displayed later shows the current tree at once", () => {
    const model = initializedModel();
    display(model);
    model.emit({ r: COUNTER });
    model.emit({ d: { 1: "7" } });
    const late = display(model);
    assert.equal(late.el.querySelector("#n")?.textContent, "7");
    assert.equal(late.el.querySelector(".lw-connecting"), null);
  });

  test("a new tree replaces the old one", () => {
    const model = initializedModel();
    const view = display(model);
    model.emit({ r: COUNTER });
    model.emit({ r: { s: ["<p>", "</p>"], 0: "new" } });
    assert.equal(view.html(), "<p>new</p>");
  });

  test("clicks are sent to the kernel with a ref", () => {
    const model = initializedModel();
    const view = display(model);
    model.emit({ r: COUNTER });
    /** @type {HTMLElement} */ (view.el.querySelector("button")).click();
    /** @type {HTMLElement} */ (view.el.querySelector("button")).click();
    assert.deepEqual(model.sent.slice(1), [
      { k: "event", type: "click", event: "inc", value: {}, ref: 1 },
      { k: "event", type: "click", event: "inc", value: {}, ref: 2 },
    ]);
  });

  test("its cleanup removes the view and its listeners, and the others keep working", () => {
    const model = initializedModel();
    const gone = display(model);
    const kept = display(model);
    model.emit({ r: COUNTER });
    const button = /** @type {HTMLElement} */ (gone.el.querySelector("button"));
    gone.cleanup();
    assert.equal(gone.el.children.length, 0);
    gone.el.append(button);
    button.click();
    model.emit({ d: { 1: "3" } });
    assert.deepEqual(model.sent, [{ k: "join" }]);
    assert.equal(kept.el.querySelector("#n")?.textContent, "3");
  });

  test("a model that was never initialized still gets one store for its views", () => {
    const model = new FakeModel();
    const first = display(model);
    const second = display(model);
    assert.deepEqual(model.sent, [{ k: "join" }]);
    model.emit({ r: COUNTER });
    assert.equal(first.el.querySelector("#n")?.textContent, "0");
    assert.equal(second.el.querySelector("#n")?.textContent, "0");
  });
});

describe("errors", () => {
  const ERR = { err: { message: "ZeroDivisionError: <b>division</b> by zero", traceback: "Traceback…\n  <i>x</i>" }, ref: 1 };

  test("show a box in every view, beside the rendered HTML, as text", () => {
    const model = initializedModel();
    const views = [display(model), display(model)];
    model.emit({ r: COUNTER });
    model.emit(ERR);
    for (const { el } of views) {
      const box = el.querySelector(".lw-root > .lw-error");
      assert.ok(box, "no error box");
      assert.equal(box.nextElementSibling?.className, "lw-view");
      assert.equal(box.querySelector(".lw-error-message")?.textContent, ERR.err.message);
      const traceback = box.querySelector("pre.lw-error-traceback");
      assert.equal(traceback?.textContent, ERR.err.traceback);
      assert.equal(box.querySelector("b, i"), null, "the text was parsed as HTML");
    }
  });

  test("survive patches and are dismissed per view", () => {
    const model = initializedModel();
    const [first, second] = [display(model), display(model)];
    model.emit({ r: COUNTER });
    model.emit(ERR);
    model.emit({ d: { 1: "9" } });
    assert.ok(first.el.querySelector(".lw-error"), "a patch removed the error box");
    /** @type {HTMLElement} */ (first.el.querySelector(".lw-error-dismiss")).click();
    assert.equal(first.el.querySelector(".lw-error"), null);
    assert.ok(second.el.querySelector(".lw-error"));
    assert.equal(model.sent.length, 1, "dismissing sent an event");
  });

  test("an empty traceback shows no traceback block; a newer error replaces the box", () => {
    const model = initializedModel();
    const view = display(model);
    model.emit(ERR);
    model.emit({ err: { message: "second", traceback: "" } });
    const boxes = view.el.querySelectorAll(".lw-error");
    assert.equal(boxes.length, 1);
    assert.equal(boxes[0].querySelector(".lw-error-message")?.textContent, "second");
    assert.equal(boxes[0].querySelector(".lw-error-traceback"), null);
  });
});
