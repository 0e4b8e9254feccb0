/**
 * The first reply in the widget's state (`_lw_first`): a view draws it at once, as an
 * ipywidgets view draws its state. Its join (`{"k": "join", "first": true}`) waits: it goes
 * before the page's first message to the kernel. The view's first change before any page
 * joined comes as a diff from the first reply, marked `"first"`, and joins such a page; any
 * other diff before the join's answer is not applied (the join goes out for the whole tree).
 * The kernel's answer to a join may come without a tree, and ends the join all the same.
 */

import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { PAGE_LOADING_START, PAGE_LOADING_STOP } from "../src/page_loading.js";
import widget from "../src/index.js";
import { captureErrors, FakeModel } from "./helpers.js";
import { useHarness } from "./widget_harness.js";

const { window, harness } = useHarness();
const document = harness.document;

const TREE = { s: ['<button id="b" phx-click="inc">+</button><span id="n">', "</span>"], 0: "3" };
const NAV = { url: "/", replace: false, index: 0 };
/**
 * What the kernel sends: UTF-8 JSON in a binary buffer, which ipywidgets hands over as a DataView.
 *
 * @param {unknown} value
 * @param {string} [text] the buffer's text instead of `value`'s JSON
 */
const buffer = (value, text = JSON.stringify(value)) => new DataView(new TextEncoder().encode(text).buffer);
/** The first reply as the `comm_open`'s state carries it: marked "later" (the join may wait). */
const FIRST = buffer({ r: TREE, h: {}, nav: NAV, later: true });

/** @type {string[]} `start:kind` / `stop:kind` of each page-loading event */
let loads = [];
/** @type {any} the listener recording every page-loading event */
const record = (/** @type {CustomEvent} */ e) => {
  loads.push(`${e.type === PAGE_LOADING_START ? "start" : "stop"}:${e.detail.kind}`);
};
beforeEach(() => {
  loads = [];
  window.addEventListener(PAGE_LOADING_START, record);
  window.addEventListener(PAGE_LOADING_STOP, record);
});
afterEach(() => {
  window.removeEventListener(PAGE_LOADING_START, record);
  window.removeEventListener(PAGE_LOADING_STOP, record);
});

/** @param {import("./widget_harness.js").Displayed} view */
const count = (view) => view.$("#n").textContent;

describe("the first reply in the widget's state", () => {
  test("a view shows it, and sends the kernel nothing while it is not used", () => {
    const model = harness.model({ _lw_first: FIRST });
    const view = harness.display(model);
    assert.equal(count(view), "3");
    assert.deepEqual(model.sent, []);
    assert.deepEqual(loads, ["start:initial", "stop:initial"], "the page is loaded: it shows the view");
  });

  test("the view's first change (a diff marked first) applies to it and joins: no join goes out", () => {
    const model = harness.model({ _lw_first: FIRST });
    const view = harness.display(model);
    model.emit({ d: { 0: "4" }, first: true });
    assert.equal(count(view), "4");
    model.emit({ d: { 0: "5" } });
    assert.equal(count(view), "5");
    view.$("#b").click();
    assert.deepEqual(
      model.sent.map((m) => m.k),
      ["event"],
      "joined by the change: the click goes alone",
    );
    assert.deepEqual(loads, ["start:initial", "stop:initial"], "no second page load");
  });

  test("a diff not from the first reply is not applied: the join goes out for the whole tree", () => {
    // A state replayed after a page joined elsewhere carries a stale first reply.
    const model = harness.model({ _lw_first: FIRST });
    const view = harness.display(model);
    for (const message of [{ d: { 0: "8" } }, { d: { 0: "9" }, ref: 4 }]) model.emit(message);
    assert.equal(count(view), "3");
    assert.deepEqual(model.sent, [{ k: "join", first: true }], "one join");
    model.emit({ d: { 0: "10" }, first: true });
    assert.equal(count(view), "3", "its join went out: a diff marked first no longer joins it");
    model.emit({ r: { ...TREE, 0: "11" }, h: {}, nav: NAV });
    assert.equal(count(view), "11");
    model.emit({ d: { 0: "12" } });
    assert.equal(count(view), "12");
  });

  test("an answer without a tree (another page's join showing it) ends the wait: no join goes out", () => {
    const model = harness.model({ _lw_first: FIRST });
    const view = harness.display(model);
    model.emit({ nav: NAV });
    model.emit({ d: { 0: "4" } });
    assert.equal(count(view), "4");
    view.$("#b").click();
    assert.deepEqual(
      model.sent.map((m) => m.k),
      ["event"],
    );
  });

  test("an error alone, or a reply to another page's event, leaves its join waiting", () => {
    const model = harness.model({ _lw_first: FIRST });
    const view = harness.display(model);
    model.emit({ err: { message: "handle_info failed" } });
    model.emit({ ref: 9 });
    assert.equal(count(view), "3");
    view.$("#b").click();
    assert.deepEqual(
      model.sent.map((m) => m.k),
      ["join", "event"],
    );
    model.emit({ nav: NAV });
    assert.deepEqual(loads, ["start:initial", "stop:initial"], "the join's answer started no page load");
  });

  test("a first reply from a state the page asked for (Voilà, a reload) joins at once", () => {
    // Such a page makes the widget's comm only once the state came: it may have missed the
    // view's first change, sent in between.
    const model = harness.model({ _lw_first: buffer({ r: TREE, h: {}, nav: NAV }) });
    const view = harness.display(model);
    assert.equal(count(view), "3");
    assert.deepEqual(model.sent, [{ k: "join", first: true }]);
    model.emit({ d: { 0: "4" }, first: true });
    assert.equal(count(view), "3", "its join went out: its answer brings the tree");
    model.emit({ r: { ...TREE, 0: "4" }, h: {}, nav: NAV });
    assert.equal(count(view), "4");
  });

  test("a store made after the model (by a view, the loader's fallback) joins at once", () => {
    const model = new FakeModel({ _lw_first: FIRST });
    const el = document.createElement("div");
    document.body.append(el);
    const cleanup = widget.render({ model: model.proxy(), el });
    try {
      assert.equal(el.querySelector("#n")?.textContent, "3");
      assert.deepEqual(model.sent, [{ k: "join", first: true }], "it may have missed the view's first change");
    } finally {
      cleanup();
      el.remove();
    }
  });

  test("an answer with a tree (the page moved before the join) replaces the first", () => {
    const model = harness.model({ _lw_first: FIRST });
    const view = harness.display(model);
    model.emit({ r: { ...TREE, 0: "9" }, h: {}, nav: NAV });
    assert.equal(count(view), "9");
    model.emit({ d: { 0: "10" } });
    assert.equal(count(view), "10");
  });

  test("a click on the first tree goes out at once, after the join it waited for", () => {
    const model = harness.model({ _lw_first: FIRST });
    const view = harness.display(model);
    view.$("#b").click();
    assert.deepEqual(
      model.sent.map((m) => m.k),
      ["join", "event"],
    );
  });

  test("a view displayed after the store read it shows it too", () => {
    const model = harness.model({ _lw_first: FIRST });
    harness.display(model);
    const second = harness.display(model);
    assert.equal(count(second), "3");
    second.$("#b").click();
    assert.deepEqual(
      model.sent.map((m) => m.k),
      ["join", "event"],
      "a second view joined again",
    );
  });

  test("the first reply as a plain object (a host without binary buffers) is read too", () => {
    const model = harness.model({ _lw_first: { r: TREE, h: {}, nav: NAV, later: true } });
    const view = harness.display(model);
    assert.equal(count(view), "3");
    view.$("#b").click();
    assert.deepEqual(model.sent[0], { k: "join", first: true });
  });

  test("no first reply, or a malformed one: a plain join, and nothing shown until its answer", (t) => {
    const errors = captureErrors(t);
    const malformed = [buffer(null, "{not json"), buffer({ r: 5 }), { r: 5 }, { d: { 0: "1" } }, { r: TREE, ref: 1 }, "<p>"];
    for (const first of [null, ...malformed]) {
      const model = harness.model({ _lw_first: first });
      const view = harness.display(model);
      assert.deepEqual(model.sent, [{ k: "join" }], JSON.stringify(first));
      assert.equal(view.el.querySelector("#n"), null, JSON.stringify(first));
      model.emit({ d: { 0: "1" } });
      assert.equal(view.el.querySelector("#n"), null, "a diff before the join's tree was applied");
      model.emit({ r: TREE, h: {}, nav: NAV });
      assert.equal(count(view), "3");
    }
    assert.ok(errors.length >= malformed.length, "malformed first replies and early diffs are logged");
  });
});

describe("a page whose address names a route (Voilà, sync_url)", () => {
  test("joins for that route, not showing the first reply of the kernel's URL", () => {
    document.body.setAttribute("data-voila", "voila");
    window.happyDOM.setURL("http://localhost/voila/render/nb.ipynb#/users/9");
    try {
      const model = harness.model({ sync_url: true, _voila: true, _lw_first: FIRST });
      const view = harness.display(model);
      assert.deepEqual(model.sent, [{ k: "join", url: "/users/9" }]);
      assert.equal(view.el.querySelector("#n"), null);
    } finally {
      document.body.removeAttribute("data-voila");
      window.happyDOM.setURL("http://localhost/");
    }
  });
});
