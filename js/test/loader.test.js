/**
 * loader.js: the bundle is imported once per page and digest, from the shared model the
 * widgets name, else from the kernel (only when asked to); failures are forgotten; the
 * stylesheet is added once.
 */

import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { addStylesheet, loadBundle } from "../src/loader.js";
import { closeWindow, createWindow, documentOf } from "./helpers.js";

const window = createWindow();
const document = documentOf(window);
after(() => closeWindow(window));

const MODULE = { default: { render() {} } };
let digests = 0;

/** A digest no other test uses (the page's cache is global). */
function freshDigest() {
  digests += 1;
  return `test-digest-${digests}`;
}

/**
 * A widget model naming a shared bundle model of `digest` (or none with `shared: null`).
 *
 * @param {string} digest
 * @param {{shared?: object | null, manager?: boolean}} [options]
 */
function widgetModel(digest, { shared = { source: "SOURCE", css: "CSS", digest }, manager = true } = {}) {
  /** @type {Map<string, (content: unknown) => void>} */
  const listeners = new Map();
  /** @type {object[]} */
  const sent = [];
  const models = new Map(shared ? [["bundle-1", { get: (/** @type {string} */ k) => /** @type {any} */ (shared)[k] }]] : []);
  const model = {
    get: (/** @type {string} */ name) => (name === "_lw_bundle" ? "IPY_MODEL_bundle-1" : undefined),
    on: (/** @type {string} */ name, /** @type {(content: unknown) => void} */ cb) => listeners.set(name, cb),
    off: (/** @type {string} */ name) => listeners.delete(name),
    send: (/** @type {object} */ content) => sent.push(content),
    widget_manager: manager
      ? {
          get_model: async (/** @type {string} */ id) => {
            const found = models.get(id);
            if (!found) throw new Error("widget model not found");
            return found;
          },
        }
      : undefined,
  };
  return { model, sent, fromKernel: (/** @type {unknown} */ content) => listeners.get("msg:custom")?.(content) };
}

/** An importer that counts what it imports. */
function importer() {
  /** @type {string[]} */
  const imported = [];
  const importSource = async (/** @type {string} */ source) => {
    imported.push(source);
    return MODULE;
  };
  return { imported, importSource };
}

describe("loadBundle", () => {
  test("widgets naming the shared model share one import", async () => {
    const digest = freshDigest();
    const { imported, importSource } = importer();
    const loads = [1, 2, 3].map(() => loadBundle(widgetModel(digest).model, false, digest, importSource));
    const bundles = await Promise.all(loads);
    assert.deepEqual(imported, ["SOURCE"]);
    assert.ok(bundles.every((b) => b === bundles[0]));
    assert.equal(bundles[0].module, MODULE);
    assert.equal(bundles[0].css, "CSS");
  });

  test("without the shared model the kernel is asked, once, and only when allowed", async () => {
    const digest = freshDigest();
    const { imported, importSource } = importer();
    const first = widgetModel(digest, { shared: null });
    await assert.rejects(loadBundle(first.model, false, digest, importSource));
    assert.deepEqual(first.sent, []); // initialize's attempt: no message (anywidget holds replies)
    const asking = loadBundle(first.model, true, digest, importSource);
    const other = loadBundle(widgetModel(digest, { manager: false }).model, true, digest, importSource);
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(first.sent, [{ k: "bundle" }]);
    first.fromKernel({ k: "other" }); // not the answer: still waiting
    first.fromKernel({ k: "bundle", src: "FROM KERNEL", css: "K" });
    const [a, b] = await Promise.all([asking, other]);
    assert.equal(a, b);
    assert.deepEqual(imported, ["FROM KERNEL"]);
    assert.equal(a.css, "K");
  });

  test("a shared model of another digest is not used", async () => {
    const digest = freshDigest();
    const { imported, importSource } = importer();
    const { model, sent, fromKernel } = widgetModel(digest, { shared: { source: "OLD", css: "", digest: "older" } });
    const loading = loadBundle(model, true, digest, importSource);
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(sent, [{ k: "bundle" }]);
    fromKernel({ k: "bundle", src: "NEW" });
    await loading;
    assert.deepEqual(imported, ["NEW"]);
  });

  test("a failed import is forgotten, and the next widget tries again", async () => {
    const digest = freshDigest();
    let calls = 0;
    const failing = async () => {
      calls += 1;
      if (calls === 1) throw new Error("network");
      return MODULE;
    };
    await assert.rejects(loadBundle(widgetModel(digest).model, false, digest, failing), /network/);
    const bundle = await loadBundle(widgetModel(digest).model, false, digest, failing);
    assert.equal(bundle.module, MODULE);
    assert.equal(calls, 2);
  });
});

describe("addStylesheet", () => {
  test("adds the stylesheet to the document once, and to each shadow root once", () => {
    const el = /** @type {HTMLElement} */ (/** @type {unknown} */ (document.createElement("div")));
    document.body.append(/** @type {any} */ (el));
    addStylesheet(el, ".lw-root{color:red}");
    addStylesheet(el, ".lw-root{color:red}");
    assert.equal(document.head.querySelectorAll("style[id^='livewidget-css-']").length, 1);
    const host = document.createElement("div");
    document.body.append(host);
    const shadow = host.attachShadow({ mode: "open" });
    const inner = /** @type {HTMLElement} */ (/** @type {unknown} */ (document.createElement("div")));
    shadow.append(/** @type {any} */ (inner));
    addStylesheet(inner, ".lw-root{color:red}");
    addStylesheet(inner, ".lw-root{color:red}");
    assert.equal(shadow.querySelectorAll("style").length, 1);
    assert.equal(document.head.querySelectorAll("style[id^='livewidget-css-']").length, 1);
  });
});
