/**
 * Links inside a view (`data-phx-link`) and the navigation state of replies.
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isWidgetPath, parseNavigation } from "../src/navigation.js";
import { storeById } from "../src/registry.js";
import { captureErrors } from "./helpers.js";
import { useHarness } from "./widget_harness.js";

const { window, harness } = useHarness();

const LINKS = {
  s: [
    '<a id="p" href="/users/8?tab=posts" data-phx-link="patch" data-phx-link-state="push"><b>patch</b></a>' +
      '<a id="r" href="/users/9" data-phx-link="redirect" data-phx-link-state="replace">redirect</a>' +
      '<a id="blank" href="/users/1" data-phx-link="patch" target="_blank">new tab</a>' +
      '<a id="plain" href="/plain">plain</a>' +
      '<a id="js" href="javascript:alert(1)" data-phx-link="patch">js</a>' +
      '<a id="odd" href="/x" data-phx-link="jump">odd</a>',
  ],
};

/** A widget showing LINKS, and the URL of its page before any click. */
function linkWidget() {
  const model = harness.model();
  const view = harness.display(model);
  model.emit({ r: LINKS });
  return { model, view, pageUrl: window.location.href };
}

/**
 * Click `el` as a user would; returns the event (to look at defaultPrevented).
 *
 * @param {HTMLElement} el
 * @param {MouseEventInit} [init]
 */
function click(el, init = {}) {
  const event = new window.MouseEvent("click", /** @type {any} */ ({ bubbles: true, cancelable: true, button: 0, ...init }));
  el.dispatchEvent(/** @type {any} */ (event));
  return /** @type {Event} */ (/** @type {unknown} */ (event));
}

describe("data-phx-link", () => {
  test("a patch link sends its raw href; the page does not navigate", () => {
    const { model, view, pageUrl } = linkWidget();
    const event = click(view.$("#p"));
    assert.equal(event.defaultPrevented, true);
    assert.deepEqual(model.sent.at(-1), { k: "nav", kind: "patch", url: "/users/8?tab=posts", replace: false, ref: 1 });
    assert.equal(window.location.href, pageUrl);
  });

  test("a click on an element inside the link follows the link", () => {
    // (Only the message is checked: happy-dom runs a link's activation as the click
    // bubbles through it, before the root's listener; browsers run it after dispatch.)
    const { model, view } = linkWidget();
    assert.equal(click(view.$("#p b")).defaultPrevented, true);
    assert.deepEqual(model.sent.at(-1), { k: "nav", kind: "patch", url: "/users/8?tab=posts", replace: false, ref: 1 });
  });

  test("a redirect link with data-phx-link-state=replace sends replace: true", () => {
    const { model, view } = linkWidget();
    assert.equal(click(view.$("#r")).defaultPrevented, true);
    assert.deepEqual(model.sent.at(-1), { k: "nav", kind: "redirect", url: "/users/9", replace: true, ref: 1 });
  });

  test("refs are shared with events, one sequence per widget", () => {
    const { model, view } = linkWidget();
    click(view.$("#p"));
    click(view.$("#r"));
    assert.deepEqual(
      model.sent.slice(1).map((m) => m.ref),
      [1, 2],
    );
  });

  for (const [what, init] of /** @type {[string, MouseEventInit][]} */ ([
    ["ctrl", { ctrlKey: true }],
    ["meta", { metaKey: true }],
    ["shift", { shiftKey: true }],
    ["alt", { altKey: true }],
    ["middle button", { button: 1 }],
  ])) {
    test(`a ${what}-click is left to the browser`, () => {
      const { model, view } = linkWidget();
      assert.equal(click(view.$("#p"), init).defaultPrevented, false);
      assert.equal(model.sent.length, 1, "the click was sent");
    });
  }

  test("a target=_blank link is left to the browser", () => {
    const { model, view } = linkWidget();
    assert.equal(click(view.$("#blank")).defaultPrevented, false);
    assert.equal(model.sent.length, 1);
  });

  test("a link without data-phx-link is not ours", () => {
    const { model, view } = linkWidget();
    click(view.$("#plain"));
    assert.equal(model.sent.length, 1);
  });

  test("a link to somewhere else than a path, or of an unknown kind, is logged and not followed", (t) => {
    const errors = captureErrors(t);
    const { model, view } = linkWidget();
    assert.equal(click(view.$("#js")).defaultPrevented, true);
    assert.equal(click(view.$("#odd")).defaultPrevented, true);
    assert.equal(model.sent.length, 1);
    assert.equal(errors.length, 2);
  });

  test("each view's links go to its own widget; a removed view's links send nothing", () => {
    const { model, view } = linkWidget();
    const other = harness.model();
    harness.display(other).el;
    other.emit({ r: LINKS });
    const link = view.$("#p");
    click(link);
    view.cleanup();
    view.el.append(link);
    click(link);
    assert.equal(model.sent.length, 2);
    assert.equal(other.sent.length, 1);
  });
});

describe("navigation state", () => {
  test("the store keeps the URL, history index and title the kernel reports", (t) => {
    captureErrors(t);
    const model = harness.model({ url: "/start", title: "" });
    const store = storeById(String(model.get("_lw_id")));
    assert.ok(store);
    assert.equal(store.currentUrl, "/start");
    assert.equal(store.historyIndex, null);
    assert.equal(store.title, null);
    model.emit({ r: { s: ["x"] }, nav: { url: "/users/7?tab=posts", replace: false, index: 0 }, t: "User 7" });
    model.emit({ d: {}, nav: { url: "/users/8", replace: false, index: 1 }, ref: 1 });
    assert.deepEqual([store.currentUrl, store.historyIndex, store.title], ["/users/8", 1, "User 7"]);
    model.emit({ nav: { url: "http://evil", replace: false, index: 2 }, t: 5 });
    assert.deepEqual([store.currentUrl, store.historyIndex, store.title], ["/users/8", 1, "User 7"]);
  });

  test("parseNavigation checks every field", (t) => {
    const errors = captureErrors(t);
    assert.deepEqual(parseNavigation({ url: "/a", replace: true, index: 3 }), { url: "/a", replace: true, index: 3 });
    assert.deepEqual(parseNavigation({ url: "/a", index: 0 }), { url: "/a", replace: false, index: 0 });
    for (const bad of [null, { url: "a", index: 0 }, { url: "/a", index: -1 }, { url: "/a", index: 1.5 }, { url: "/a", replace: "yes", index: 0 }]) {
      assert.equal(parseNavigation(bad), null);
    }
    assert.equal(errors.length, 5);
  });

  test("isWidgetPath accepts paths only", () => {
    assert.equal(isWidgetPath("/users/8?x=1#y"), true);
    for (const bad of ["users", "//evil.example/x", "http://x/", "", null, "/" + "a".repeat(5000)]) {
      assert.equal(isWidgetPath(bad), false, String(bad).slice(0, 20));
    }
  });
});
