/**
 * Page-loading events (`phx:page-loading-start` / `-stop`): their kinds and details, and that
 * every start gets exactly one stop (answers, errors, failed sends, a destroyed view or widget).
 */

import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { PAGE_LOADING_START, PAGE_LOADING_STOP, PageLoading } from "../src/page_loading.js";
import { settle, useHarness } from "./widget_harness.js";

const { window, harness } = useHarness();
const document = harness.document;

const TREE = { s: ["<p id='n'>", "</p>"], 0: "1" };
const LINKS = {
  s: [
    '<a id="p" href="/?q=1" data-phx-link="patch">patch</a><a id="r" href="/users/9" data-phx-link="redirect">redirect</a>' +
      '<button id="slow" phx-click="[[&quot;push&quot;,{&quot;event&quot;:&quot;save&quot;,&quot;page_loading&quot;:true}]]">save</button>' +
      '<button id="plain" phx-click="[[&quot;push&quot;,{&quot;event&quot;:&quot;save&quot;}]]">plain</button>' +
      '<button id="nav" phx-click="[[&quot;navigate&quot;,{&quot;href&quot;:&quot;/users/3&quot;}]]">nav</button><p id="n">',
    "</p>",
  ],
  0: "1",
};

/** @type {{type: "start" | "stop", kind: string, to?: string, pop?: boolean, target?: unknown}[]} */
let seen = [];
/** @type {any} the listener recording every page-loading event */
const record = (/** @type {CustomEvent} */ e) => {
  seen.push({ type: e.type === PAGE_LOADING_START ? "start" : "stop", ...e.detail });
};

beforeEach(() => {
  seen = [];
  window.addEventListener(PAGE_LOADING_START, record);
  window.addEventListener(PAGE_LOADING_STOP, record);
});
afterEach(() => {
  window.removeEventListener(PAGE_LOADING_START, record);
  window.removeEventListener(PAGE_LOADING_STOP, record);
});

/** `type:kind` of each event seen, e.g. `["start:patch", "stop:patch"]`. */
const kinds = () => seen.map((e) => `${e.type}:${e.kind}`);

/** A displayed widget whose join was answered; the events seen so far are cleared. */
function joined() {
  const model = harness.model();
  const view = harness.display(model);
  model.emit({ r: LINKS, h: {}, nav: { url: "/", replace: false, index: 0 } });
  seen = [];
  return { model, view };
}

/** @param {HTMLElement} el */
function click(el) {
  el.dispatchEvent(/** @type {any} */ (new window.MouseEvent("click", /** @type {any} */ ({ bubbles: true, cancelable: true, button: 0 }))));
}

describe("page loading around the join", () => {
  test("an initial pair: start when the widget joins, stop once its tree is shown", () => {
    const model = harness.model();
    const view = harness.display(model);
    assert.deepEqual(seen, [{ type: "start", kind: "initial", to: "/" }]);
    /** @type {string | undefined} */
    let shownAtStop;
    window.addEventListener(PAGE_LOADING_STOP, /** @type {any} */ (() => (shownAtStop ??= view.html())), { once: true });
    model.emit({ r: TREE, h: {} });
    assert.deepEqual(kinds(), ["start:initial", "stop:initial"]);
    assert.match(String(shownAtStop), /<p id="n">1<\/p>/, "the stop came before the tree was shown");
  });

  test("a widget disposed of before its join was answered stops its page load", () => {
    harness.model();
    harness.reset();
    assert.deepEqual(kinds(), ["start:initial", "stop:initial"]);
  });
});

describe("page loading around live navigation", () => {
  test("a patch link: a patch pair from the click to the kernel's answer", () => {
    const { model, view } = joined();
    click(view.$("#p"));
    assert.deepEqual(seen, [{ type: "start", kind: "patch", to: "/?q=1" }]);
    model.emit({ d: { 0: "2" }, nav: { url: "/?q=1", replace: false, index: 1 }, ref: 1 });
    assert.deepEqual(seen.at(-1), { type: "stop", kind: "patch", to: "/?q=1" });
    assert.equal(seen.length, 2);
  });

  test("a redirect link: a redirect pair, the new view's initial pair nested inside", () => {
    const { model, view } = joined();
    click(view.$("#r"));
    model.emit({ r: TREE, h: {}, nav: { url: "/users/9", replace: false, index: 1 }, ref: 1 });
    assert.deepEqual(kinds(), ["start:redirect", "start:initial", "stop:initial", "stop:redirect"]);
    assert.ok(seen.every((e) => e.to === "/users/9"));
  });

  test("a redirect kept in the page's layout (a diff with the new view's hooks) nests initial too", () => {
    const { model, view } = joined();
    click(view.$("#r"));
    model.emit({ d: { 0: "x" }, h: {}, nav: { url: "/users/9", replace: false, index: 1 }, ref: 1 });
    assert.deepEqual(kinds(), ["start:redirect", "start:initial", "stop:initial", "stop:redirect"]);
  });

  test("JS().navigate: a redirect pair as for a link", () => {
    const { model, view } = joined();
    click(view.$("#nav"));
    assert.deepEqual(seen, [{ type: "start", kind: "redirect", to: "/users/3" }]);
    model.emit({ r: TREE, h: {}, nav: { url: "/users/3", replace: false, index: 1 }, ref: 1 });
    assert.deepEqual(kinds(), ["start:redirect", "start:initial", "stop:initial", "stop:redirect"]);
  });

  test("the kernel answering with an error stops the page load", () => {
    const { model, view } = joined();
    click(view.$("#p"));
    model.emit({ err: { message: "handle_params failed" }, ref: 1 });
    assert.deepEqual(kinds(), ["start:patch", "stop:patch"]);
    assert.ok(view.el.querySelector(".lw-error"), "the error is shown");
  });

  test("a failed send stops the page load at once", () => {
    const { model, view } = joined();
    model.send = () => {
      throw new Error("comm closed");
    };
    click(view.$("#p"));
    assert.deepEqual(kinds(), ["start:patch", "stop:patch"]);
  });

  test("the view destroyed mid-navigation: the answer still stops it", () => {
    const { model, view } = joined();
    click(view.$("#r"));
    view.cleanup();
    model.emit({ r: TREE, h: {}, nav: { url: "/users/9", replace: false, index: 1 }, ref: 1 });
    assert.deepEqual(kinds(), ["start:redirect", "start:initial", "stop:initial", "stop:redirect"]);
  });

  test("the widget disposed of mid-navigation: its page loads stop, once", () => {
    const { model, view } = joined();
    click(view.$("#p"));
    harness.reset();
    assert.deepEqual(kinds(), ["start:patch", "stop:patch"]);
    model.emit({ d: { 0: "2" }, ref: 1 });
    assert.equal(seen.length, 2, "a late answer fired a second stop");
  });

  test("the comm going away stops what is in flight", () => {
    const { model, view } = joined();
    click(view.$("#p"));
    model.setCommLive(false);
    assert.deepEqual(kinds(), ["start:patch", "stop:patch"]);
  });

  test("a redirect the kernel decided in an event's answer gets a redirect pair around it", () => {
    const { model, view } = joined();
    click(view.$("#plain"));
    assert.equal(seen.length, 0, "a push without page_loading fired page-loading events");
    model.emit({ r: TREE, h: {}, nav: { url: "/users/1", replace: false, index: 1 }, ref: 1 });
    assert.deepEqual(kinds(), ["start:redirect", "start:initial", "stop:initial", "stop:redirect"]);
    assert.equal(seen[0].to, "/users/1");
  });

  test("a push_patch in an event's answer fires nothing (as in Phoenix)", () => {
    const { model, view } = joined();
    click(view.$("#plain"));
    model.emit({ d: { 0: "2" }, nav: { url: "/?q=2", replace: false, index: 1 }, ref: 1 });
    assert.deepEqual(seen, []);
  });
});

describe("page loading of JS().push(..., page_loading=True)", () => {
  test("an element pair, its target the element that ran the command, until the answer", () => {
    const { model, view } = joined();
    click(view.$("#slow"));
    assert.equal(seen.length, 1);
    assert.equal(seen[0].kind, "element");
    assert.equal(seen[0].target, view.$("#slow"));
    assert.deepEqual(model.sent.at(-1).event, "save");
    model.emit({ d: { 0: "2" }, ref: 1 });
    assert.deepEqual(kinds(), ["start:element", "stop:element"]);
  });

  test("an error answer stops it too", () => {
    const { model, view } = joined();
    click(view.$("#slow"));
    model.emit({ err: { message: "boom" }, ref: 1 });
    assert.deepEqual(kinds(), ["start:element", "stop:element"]);
  });
});

describe("page loading around back / forward (sync_url in Voilà)", () => {
  test("a redirect pair marked pop, stopped by the answer", async () => {
    document.body.setAttribute("data-voila", "voila");
    try {
      const model = harness.model({ sync_url: true, _voila: true });
      harness.display(model);
      model.emit({ r: TREE, h: {}, nav: { url: "/a", replace: false, index: 0 } });
      model.emit({ d: {}, nav: { url: "/b", replace: false, index: 1 }, ref: 1 });
      seen = [];
      window.history.back();
      await settle();
      assert.deepEqual(seen, [{ type: "start", kind: "redirect", to: "/a", pop: true }]);
      model.emit({ d: { 0: "a" }, nav: { url: "/a", replace: false, index: 0 }, ref: 1 });
      assert.deepEqual(kinds(), ["start:redirect", "stop:redirect"]);
    } finally {
      document.body.removeAttribute("data-voila");
    }
  });
});

describe("PageLoading", () => {
  test("stop is idempotent; around() stops even when the action throws; no window, no events", () => {
    const loading = new PageLoading(() => /** @type {any} */ (window));
    const stop = loading.start({ kind: "patch", to: "/x" });
    stop();
    stop();
    assert.throws(() => loading.around({ kind: "initial", to: "/y" }, () => {
      throw new Error("patch failed");
    }));
    assert.deepEqual(kinds(), ["start:patch", "stop:patch", "start:initial", "stop:initial"]);
    assert.equal(loading.count, 0);
    const silent = new PageLoading(() => null);
    silent.start({ kind: "patch", to: "/" });
    silent.stopAll();
    assert.equal(seen.length, 4);
  });
});

test("a page_loading that is not a boolean is refused: the command does nothing", () => {
  const { model, view } = joined();
  const button = view.$("#plain");
  button.setAttribute("phx-click", JSON.stringify([["push", { event: "save", page_loading: "yes" }]]));
  const before = model.sent.length;
  click(button);
  assert.equal(model.sent.length, before, "a malformed command was sent");
  assert.equal(seen.length, 0);
});
