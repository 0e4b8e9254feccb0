/**
 * Shared test helpers: a DOM, a fake anywidget model, the render fixtures, console capture.
 *
 * `node --test test/` runs every file of this folder, this one too; run directly, it
 * checks its own helpers (see the end of the file), so it counts as real tests.
 */

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { after, beforeEach, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Window } from "happy-dom";

/** The folder of the render fixtures shared with the Python tests. */
export const FIXTURES_DIR = fileURLToPath(new URL("../../tests/fixtures/render/", import.meta.url));

/**
 * @typedef {object} Fixture
 * @property {string} file the fixture's file name
 * @property {string} description
 * @property {import("../src/rendered.js").Tree} tree
 * @property {string} html
 * @property {{diff: unknown, html: string}[]} diffs
 */

/**
 * Every JSON file of the render fixtures, parsed, in file-name order.
 *
 * @returns {Fixture[]}
 */
export function readFixtures() {
  return readdirSync(FIXTURES_DIR)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((file) => ({ file, ...JSON.parse(readFileSync(FIXTURES_DIR + file, "utf8")) }));
}

/**
 * A fresh happy-dom window. Close it when done (`after(() => closeWindow(window))`).
 *
 * morphdom reads the global `HTMLElement` (there always is one in a browser), so the
 * window's is installed on `globalThis` too; the source itself reads no globals.
 *
 * @returns {Window}
 */
export function createWindow() {
  const window = new Window({
    url: "http://localhost/",
    // Tests never load anything: a form submission that slips through goes nowhere.
    settings: {
      disableJavaScriptFileLoading: true,
      disableCSSFileLoading: true,
      navigation: { disableMainFrameNavigation: true },
    },
  });
  Object.assign(globalThis, { HTMLElement: window.HTMLElement });
  return inOrder(window);
}

/**
 * `window` with `insertAdjacentHTML` inserting in order at `afterend` and `afterbegin`, as
 * browsers do. happy-dom 21 inserts the parsed nodes one at a time right after the element
 * (or at the start of it), so several nodes land in reverse order; the stream patch parses
 * appended rows in place with `afterend` (`stream_patch.js`, `placeRuns`). Chromium runs the
 * same patch without this in `tests/e2e`.
 *
 * @param {Window} window
 * @returns {Window}
 */
export function inOrder(window) {
  const proto = window.Element.prototype;
  const native = proto.insertAdjacentHTML;
  proto.insertAdjacentHTML = function (/** @type {InsertPosition} */ position, /** @type {string} */ html) {
    const where = position.toLowerCase();
    if (where !== "afterend" && where !== "afterbegin") return native.call(this, position, html);
    const template = this.ownerDocument.createElement("template");
    template.innerHTML = html;
    if (where === "afterend") this.after(template.content);
    else this.prepend(template.content);
  };
  return window;
}

/** An IntersectionObserver the test drives: `show(el)` reports `el` entering the viewport. */
export class FakeObserver {
  /** @type {Set<FakeObserver>} */
  static all = new Set();

  /** @param {(entries: {target: Element, isIntersecting: boolean}[]) => void} callback */
  constructor(callback) {
    this.callback = callback;
    /** @type {Set<Element>} */
    this.targets = new Set();
    FakeObserver.all.add(this);
  }

  /** @param {Element} el */
  observe(el) {
    this.targets.add(el);
  }

  /** @param {Element} el */
  unobserve(el) {
    this.targets.delete(el);
  }

  disconnect() {
    this.targets.clear();
    FakeObserver.all.delete(this);
  }

  /** @param {Element} el */
  static show(el) {
    for (const observer of FakeObserver.all) {
      if (observer.targets.has(el)) observer.callback([{ target: el, isIntersecting: true }]);
    }
  }

  static watched() {
    return [...FakeObserver.all].flatMap((observer) => [...observer.targets].map((el) => el.id)).sort();
  }
}

/**
 * A window for one test file, closed after it, whose body is emptied before each test;
 * `fresh()` appends a new `<div>` to the body (a container to patch) and returns it.
 *
 * @returns {{window: Window, document: Document, fresh: (className?: string) => HTMLElement}}
 */
export function usePage() {
  const window = createWindow();
  const document = documentOf(window);
  after(() => closeWindow(window));
  beforeEach(() => document.body.replaceChildren());
  /** @param {string} [className] */
  const fresh = (className = "") => {
    const container = document.createElement("div");
    if (className) container.className = className;
    document.body.append(container);
    return container;
  };
  return { window, document, fresh };
}

/** @param {Window} window */
export async function closeWindow(window) {
  await window.happyDOM.close();
}

/**
 * The happy-dom document, typed as the DOM's own (the source is typed against it).
 *
 * @param {Window} window
 * @returns {Document}
 */
export function documentOf(window) {
  return /** @type {Document} */ (/** @type {unknown} */ (window.document));
}

/**
 * A DOM event of the window's own kind, typed as the DOM's (`"Event"` or `"MouseEvent"`).
 *
 * @param {Window} window
 * @param {string} type the event type, e.g. `"input"`
 * @param {{kind?: "Event" | "MouseEvent"}} [options]
 * @returns {Event}
 */
export function newEvent(window, type, { kind = "Event" } = {}) {
  const event = new window[kind](type, { bubbles: true, cancelable: true });
  return /** @type {Event} */ (/** @type {unknown} */ (event));
}

/**
 * Replace console.error for the duration of a test; return what it was called with.
 *
 * @param {import("node:test").TestContext} t
 * @returns {unknown[][]} one array of arguments per call
 */
export function captureErrors(t) {
  /** @type {unknown[][]} */
  const calls = [];
  t.mock.method(console, "error", (/** @type {unknown[]} */ ...args) => {
    calls.push(args);
  });
  return calls;
}

/** @typedef {import("../src/transport.js").Listener} Listener */

let lastModelId = 0;

/**
 * A stand-in for the frontend model of a widget. anywidget hands `initialize` and
 * `render` a new proxy of the real model each time; `proxy()` does the same. Its synced
 * traits start as the kernel's do (`_lw_id` unique per model), overridable by `traits`.
 */
export class FakeModel {
  /** @param {Record<string, unknown>} [traits] */
  constructor(traits = {}) {
    /** @type {Map<string, Set<Listener>>} */
    this.listeners = new Map();
    /** Every message sent to the kernel. @type {any[]} */
    this.sent = [];
    /** The binary buffers of each message sent, in step with `sent`. @type {unknown[][]} */
    this.buffers = [];
    /** @type {Map<string, unknown>} */
    this.attributes = new Map(
      Object.entries({ url: "/", title: "", sync_url: false, _voila: false, _lw_id: `model-${++lastModelId}`, ...traits }),
    );
    /** Whether the comm is alive (ipywidgets' `comm_live`; the proxy hides it). */
    this.comm_live = true;
  }

  /** @param {string} name @param {Listener} callback */
  on(name, callback) {
    const set = this.listeners.get(name) ?? new Set();
    set.add(callback);
    this.listeners.set(name, set);
  }

  /** @param {string} name @param {Listener} callback */
  off(name, callback) {
    this.listeners.get(name)?.delete(callback);
  }

  /**
   * @param {unknown} content
   * @param {unknown} [_callbacks]
   * @param {unknown[]} [buffers] binary buffers (an upload chunk's bytes), kept in `buffers`
   */
  send(content, _callbacks, buffers) {
    this.sent.push(content);
    this.buffers.push(buffers ?? []);
  }

  /** @param {string} key */
  get(key) {
    return this.attributes.get(key);
  }

  /** @param {string} key @param {unknown} value */
  set(key, value) {
    this.attributes.set(key, value);
  }

  /**
   * Deliver a custom message from the kernel, as the comm does.
   *
   * @param {unknown} content
   */
  emit(content) {
    for (const callback of [...(this.listeners.get("msg:custom") ?? [])]) callback(content, []);
  }

  /**
   * Fire a model event, as Backbone's `trigger` does (e.g. `comm_live_update`).
   *
   * @param {string} name
   */
  trigger(name) {
    for (const callback of [...(this.listeners.get(name) ?? [])]) callback();
  }

  /**
   * The widget manager sets `comm_live` (ipywidgets: on kernel restart, to false).
   *
   * @param {boolean} live
   */
  setCommLive(live) {
    this.comm_live = live;
    this.trigger("comm_live_update");
  }

  /** How many listeners a model event has. @param {string} name */
  listenerCount(name) {
    return this.listeners.get(name)?.size ?? 0;
  }

  /**
   * A new object forwarding to this model, like anywidget's model proxy (which does not
   * expose `comm_live`; `{commLive: true}` makes one that does).
   *
   * @param {{commLive?: boolean}} [options]
   */
  proxy({ commLive = false } = {}) {
    const model = this;
    const proxy = {
      /** @param {string} name @param {Listener} cb */
      on: (name, cb) => this.on(name, cb),
      /** @param {string} name @param {Listener} cb */
      off: (name, cb) => this.off(name, cb),
      /**
       * @param {import("../src/rendered.js").JsonObject} content
       * @param {unknown} [callbacks]
       * @param {unknown[]} [buffers]
       */
      send: (content, callbacks, buffers) => this.send(content, callbacks, buffers),
      /** @param {string} key */
      get: (key) => this.get(key),
      /** @param {string} key @param {unknown} value */
      set: (key, value) => this.set(key, value),
    };
    if (!commLive) return proxy;
    return Object.defineProperty(proxy, "comm_live", { get: () => model.comm_live, enumerable: true });
  }
}

// Run directly (as `node --test test/` does), this file checks its own helpers.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  test("the render fixtures are found and well-formed", () => {
    const fixtures = readFixtures();
    assert.ok(fixtures.length >= 4, `expected the shared fixtures in ${FIXTURES_DIR}`);
    for (const fixture of fixtures) {
      assert.equal(typeof fixture.html, "string", fixture.file);
      assert.ok(Array.isArray(fixture.tree.s), fixture.file);
      assert.ok(Array.isArray(fixture.diffs), fixture.file);
    }
  });

  test("the fake model delivers messages to its listeners until they are removed", () => {
    const model = new FakeModel();
    /** @type {unknown[]} */
    const got = [];
    const proxy = model.proxy();
    const listener = (/** @type {unknown} */ content) => got.push(content);
    proxy.on("msg:custom", listener);
    model.emit({ r: 1 });
    model.proxy().off("msg:custom", listener);
    model.emit({ r: 2 });
    assert.deepEqual(got, [{ r: 1 }]);
    assert.equal(model.listenerCount("msg:custom"), 0);
  });

  test("the window inserts adjacent HTML in order, as a browser does", async () => {
    const window = createWindow();
    const document = documentOf(window);
    document.body.innerHTML = "<ul><li id=a>a</li><li id=z>z</li></ul>";
    const ids = () => Array.from(document.querySelectorAll("li"), (li) => li.id).join();
    document.getElementById("a")?.insertAdjacentHTML("afterend", "<li id=b>b</li><li id=c>c</li>");
    document.querySelector("ul")?.insertAdjacentHTML("afterbegin", "<li id=0>0</li><li id=1>1</li>");
    document.getElementById("z")?.insertAdjacentHTML("beforebegin", "<li id=y>y</li>");
    assert.equal(ids(), "0,1,a,b,c,y,z");
    await closeWindow(window);
  });
}

/**
 * The `innerHTML` accessor `el` inherits (tests wrap it to see or change what a copy parses).
 *
 * @param {Element} el
 * @returns {PropertyDescriptor}
 */
export function innerHTMLOf(el) {
  for (let proto = Object.getPrototypeOf(el); proto; proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, "innerHTML");
    if (descriptor) return descriptor;
  }
  throw new Error("no innerHTML accessor on the element's prototype chain");
}
