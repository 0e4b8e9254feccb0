/**
 * A harness for tests of whole widgets: anywidget's `initialize` / `render` driven on fake
 * models, in a happy-dom page, with hook modules served by the test itself.
 *
 * The harness installs the page's window and a hook module loader in `environment` (the
 * only globals the source reads). A hook's "source" is a unique text standing for a hook
 * object the test defines; loading it can be held back until the test releases it.
 *
 * `node --test test/` runs this file too; run directly, it checks the harness itself.
 */

import assert from "node:assert/strict";
import { after, beforeEach, test } from "node:test";
import { pathToFileURL } from "node:url";
import { environment } from "../src/environment.js";
import { resetHookCache } from "../src/hooks.js";
import widget from "../src/index.js";
import { closeWindow, createWindow, documentOf, FakeModel } from "./helpers.js";

/** @typedef {import("happy-dom").Window} HappyWindow */

/**
 * @typedef {object} Displayed one view on the page
 * @property {HTMLElement} el the element given to `render`
 * @property {() => void} cleanup `render`'s cleanup
 * @property {(selector: string) => HTMLElement} $ an element inside the view (asserted)
 * @property {() => string | undefined} html the view's rendered HTML
 */

export class WidgetHarness {
  /** @param {HappyWindow} window */
  constructor(window) {
    this.window = window;
    this.document = documentOf(window);
    /** @type {(() => void)[]} */
    this.cleanups = [];
    /** Hook objects (or errors to throw) by module source. @type {Map<string, unknown>} */
    this.modules = new Map();
    /** Loads held back until released. @type {Map<string, Promise<void>>} */
    this.gates = new Map();
    /** What releases each held load. @type {Map<string, () => void>} */
    this.releases = new Map();
    /** Every source the loader was asked for. @type {string[]} */
    this.requested = [];
    this.lastModule = 0;
    environment.window = /** @type {Window} */ (/** @type {unknown} */ (window));
    environment.loadHookModule = (source) => this.load(source);
  }

  /** Clean up every widget and view, and forget hook modules. */
  reset() {
    for (const cleanup of this.cleanups.splice(0).reverse()) cleanup();
    this.document.body.replaceChildren();
    this.modules.clear();
    this.gates.clear();
    this.releases.clear();
    this.requested = [];
    resetHookCache();
  }

  /**
   * A model, initialized as anywidget would.
   *
   * @param {Record<string, unknown>} [traits]
   * @param {{commLive?: boolean}} [proxyOptions]
   */
  model(traits = {}, proxyOptions = {}) {
    const model = new FakeModel(traits);
    this.cleanups.push(widget.initialize({ model: model.proxy(proxyOptions) }));
    return model;
  }

  /**
   * Display a view of `model` in a new element of the page.
   *
   * @param {FakeModel} model
   * @param {{commLive?: boolean}} [proxyOptions]
   * @returns {Displayed}
   */
  display(model, proxyOptions = {}) {
    const el = this.document.createElement("div");
    this.document.body.append(el);
    const cleanup = widget.render({ model: model.proxy(proxyOptions), el });
    this.cleanups.push(cleanup);
    return {
      el,
      cleanup,
      $: (selector) => {
        const found = el.querySelector(selector);
        assert.ok(found, `no ${selector} in the view`);
        return /** @type {HTMLElement} */ (found);
      },
      html: () => el.querySelector(".lw-view")?.innerHTML,
    };
  }

  /**
   * A hook module whose default export is `hook` (or whose import throws `hook`, when it
   * is an Error); returns its source text.
   *
   * @param {unknown} hook
   * @param {{held?: boolean}} [options] hold the load back until `release(source)`
   * @returns {string}
   */
  hook(hook, { held = false } = {}) {
    const source = `/* test hook ${++this.lastModule} */ export default {};`;
    this.modules.set(source, hook);
    if (held) {
      /** @type {() => void} */
      let open = () => {};
      const gate = /** @type {Promise<void>} */ (new Promise((resolve) => (open = resolve)));
      this.gates.set(source, gate);
      this.releases.set(source, open);
    }
    return source;
  }

  /**
   * Let a held hook module load.
   *
   * @param {string} source
   */
  async release(source) {
    this.releases.get(source)?.();
    await settle();
  }

  /**
   * @private
   * @param {string} source
   * @returns {Promise<unknown>}
   */
  async load(source) {
    this.requested.push(source);
    await this.gates.get(source);
    if (!this.modules.has(source)) throw new Error(`the test defined no module for ${source}`);
    const hook = this.modules.get(source);
    if (hook instanceof Error) throw hook;
    return { default: hook };
  }
}

/** Let pending promise callbacks run (module loads, replies). */
export function settle() {
  return new Promise((resolve) => setImmediate(resolve));
}

// Run directly (as `node --test test/` does), this file checks the harness.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  test("the harness serves hook modules, held ones once released", async () => {
    const window = createWindow();
    const harness = new WidgetHarness(window);
    const source = harness.hook({ a: 1 }, { held: true });
    /** @type {unknown[]} */
    const got = [];
    environment.loadHookModule(source).then((module) => got.push(module));
    await settle();
    assert.deepEqual(got, []);
    await harness.release(source);
    assert.deepEqual(got, [{ default: { a: 1 } }]);
    await assert.rejects(environment.loadHookModule("unknown"), /no module/);
    harness.reset();
    await closeWindow(window);
  });
}

/**
 * A window and a harness for one test file: reset before each test, closed after the file.
 *
 * @returns {{window: import("happy-dom").Window, harness: WidgetHarness}}
 */
export function useHarness() {
  const window = createWindow();
  const harness = new WidgetHarness(window);
  after(() => {
    harness.reset();
    return closeWindow(window);
  });
  beforeEach(() => harness.reset());
  return { window, harness };
}
