/**
 * Voilà URL sync (sync_url): the widget's URL in the page's hash, back/forward, the join's
 * URL, the title; and nothing at all touched in JupyterLab or outside Voilà.
 */

import assert from "node:assert/strict";
import { after, beforeEach, describe, test } from "node:test";
import { hashUrl, isJupyterApp } from "../src/url_sync.js";
import { closeWindow, createWindow, documentOf } from "./helpers.js";
import { settle, WidgetHarness } from "./widget_harness.js";

const window = createWindow();
const document = documentOf(window);
const harness = new WidgetHarness(window);
after(() => {
  harness.reset();
  return closeWindow(window);
});

const PAGE = "http://localhost/voila/render/nb.ipynb?x=1";
const SYNC = { sync_url: true, _voila: true };
const TREE = { s: ["<p>", "</p>"], 0: "x" };

/** @type {{method: string, state: any, url: string}[]} */
let calls = [];

beforeEach((context) => {
  // The context of the test about to run: its mocks end with it.
  const t = /** @type {import("node:test").TestContext} */ (context);
  harness.reset();
  for (const name of ["data-voila", "data-notebook"]) document.body.removeAttribute(name);
  document.body.setAttribute("data-voila", "voila");
  window.happyDOM.setURL(PAGE);
  document.title = "Voilà";
  calls = [];
  for (const method of /** @type {const} */ (["pushState", "replaceState"])) {
    const original = window.history[method].bind(window.history);
    t.mock.method(window.history, method, (/** @type {any} */ state, /** @type {string} */ title, /** @type {string} */ url) => {
      calls.push({ method, state, url });
      original(state, title, url);
    });
  }
});

/**
 * A displayed widget with these traits, its join answered with `nav` at `url` (index 0).
 *
 * @param {Record<string, unknown>} traits
 * @param {string} [url]
 * @param {string} [title]
 */
function joined(traits, url = "/users/7?tab=posts", title = "User 7") {
  const model = harness.model(traits);
  harness.display(model);
  model.emit({ r: TREE, h: {}, nav: { url, replace: false, index: 0 }, t: title });
  return model;
}

/** @param {string} hash */
async function userEditsHash(hash) {
  window.location.hash = hash;
  await settle();
}

describe("sync_url in Voilà", () => {
  test("the join reply replaces the entry: the hash shows the URL, path and query untouched", () => {
    const model = joined(SYNC);
    const id = model.get("_lw_id");
    assert.deepEqual(calls, [{ method: "replaceState", state: { livewidget: { id, index: 0, url: "/users/7?tab=posts" } }, url: "#/users/7?tab=posts" }]);
    assert.equal(window.location.href, `${PAGE}#/users/7?tab=posts`);
  });

  test("each move pushes an entry, or replaces it when the kernel replaced its own", () => {
    const model = joined(SYNC);
    calls = [];
    model.emit({ d: { 0: "y" }, nav: { url: "/users/8", replace: false, index: 1 }, ref: 1 });
    model.emit({ d: { 0: "z" }, nav: { url: "/users/9", replace: true, index: 1 }, ref: 2 });
    assert.deepEqual(
      calls.map((c) => [c.method, c.url, c.state.livewidget.index]),
      [
        ["pushState", "#/users/8", 1],
        ["replaceState", "#/users/9", 1],
      ],
    );
    assert.equal(window.location.href, `${PAGE}#/users/9`);
  });

  test("the join asks for the route in the page's hash", () => {
    window.happyDOM.setURL(`${PAGE}#/users/9?tab=likes`);
    const model = harness.model(SYNC);
    assert.deepEqual(model.sent, [{ k: "join", url: "/users/9?tab=likes" }]);
  });

  test("a hash that is not a widget path gives a bare join", () => {
    for (const hash of ["#section", "#//evil.example/x", ""]) {
      window.happyDOM.setURL(PAGE + hash);
      assert.deepEqual(harness.model(SYNC).sent, [{ k: "join" }], hash);
    }
  });

  test("back to an entry of this widget sends a go with its index, and the answer replaces", async () => {
    const model = joined(SYNC);
    model.emit({ d: {}, nav: { url: "/users/8", replace: false, index: 1 }, ref: 1 });
    window.history.back();
    await settle();
    assert.deepEqual(model.sent.slice(1), [{ k: "nav", kind: "go", index: 0, url: "/users/7?tab=posts", ref: 1 }]);
    calls = [];
    model.emit({ d: {}, nav: { url: "/users/7?tab=posts", replace: false, index: 0 }, ref: 1 });
    assert.deepEqual(
      calls.map((c) => c.method),
      ["replaceState"],
      "answering a back pushed a new entry",
    );
  });

  test("a hand-edited hash sends one go past the history with that URL", async () => {
    const model = joined(SYNC);
    await userEditsHash("#/hand/made?q=1");
    assert.deepEqual(model.sent.slice(1), [{ k: "nav", kind: "go", index: 1_000_000_000, url: "/hand/made?q=1", ref: 1 }]);
    calls = [];
    model.emit({ r: TREE, nav: { url: "/hand/made?q=1", replace: false, index: 1 }, ref: 1 });
    assert.deepEqual(
      calls.map((c) => c.method),
      ["replaceState"],
    );
  });

  test("a hash that is not a path, or the current URL, sends nothing", async () => {
    const model = joined(SYNC);
    await userEditsHash("#top");
    await userEditsHash("#/users/7?tab=posts");
    assert.equal(model.sent.length, 1);
  });

  test("page_title sets document.title, from the join reply on", () => {
    const model = joined(SYNC);
    assert.equal(document.title, "User 7");
    model.emit({ t: "Later", ref: 1 });
    assert.equal(document.title, "Later");
  });

  test("Voilà's own shell (a jp-LabShell in a data-voila page) is no JupyterLab", () => {
    const shell = document.createElement("div");
    shell.className = "jp-LabShell";
    shell.id = "main";
    document.body.append(shell);
    joined(SYNC);
    assert.equal(calls.length, 1);
    assert.equal(document.title, "User 7");
  });

  test("a removed widget stops listening to the page", async () => {
    const model = joined(SYNC);
    harness.reset();
    await userEditsHash("#/after");
    assert.equal(model.sent.length, 1);
  });
});

describe("where nothing is touched", () => {
  /** @param {() => void} setup makes the page one where the widget must not sync */
  async function untouched(setup, traits = SYNC) {
    setup();
    window.happyDOM.setURL(`${PAGE}#/users/9`);
    const href = window.location.href;
    const model = joined(traits);
    model.emit({ d: {}, nav: { url: "/users/8", replace: false, index: 1 }, t: "Other", ref: 1 });
    await userEditsHash("#/users/10");
    assert.deepEqual(model.sent[0], { k: "join" }, "the join carried the page's hash");
    assert.equal(model.sent.length, 1, "a hash change was sent");
    assert.deepEqual(calls, [], "history was touched");
    assert.equal(document.title, "Voilà", "document.title was touched");
    assert.equal(window.location.href, `${PAGE}#/users/10`, "location was touched");
    assert.notEqual(window.location.href, href);
  }

  test("in JupyterLab (a .jp-LabShell), whatever the traits say", () =>
    untouched(() => {
      document.body.removeAttribute("data-voila");
      const shell = document.createElement("div");
      shell.className = "jp-LabShell";
      document.body.append(shell);
    }));

  test("in Notebook 7 (body[data-notebook])", () =>
    untouched(() => {
      document.body.removeAttribute("data-voila");
      document.body.setAttribute("data-notebook", "notebooks");
    }));

  test("when the kernel is not Voilà's", () => untouched(() => {}, { sync_url: true, _voila: false }));

  test("when sync_url is off", () => untouched(() => {}, { sync_url: false, _voila: true }));
});

describe("helpers", () => {
  test("hashUrl", () => {
    assert.equal(hashUrl("#/a?b=1"), "/a?b=1");
    for (const hash of ["", "#", "#a", "#//x", "/a"]) assert.equal(hashUrl(hash), null, hash);
  });

  test("isJupyterApp", () => {
    const doc = document.implementation.createHTMLDocument("");
    assert.equal(isJupyterApp(doc), false);
    doc.body.innerHTML = '<div id="main" class="jp-LabShell"></div>';
    assert.equal(isJupyterApp(doc), true);
    doc.body.setAttribute("data-voila", "voila");
    assert.equal(isJupyterApp(doc), false);
  });
});
