/**
 * scripts.js: a template's static `<script>` runs each time its element enters the page
 * (first render, branch switch, added row), never again while a patch merely keeps it.
 *
 * These tests use a happy-dom window that evaluates scripts, as a browser does: a script
 * parsed through `innerHTML` or a `<template>` stays inert there too, so a count that moves
 * proves our copy ran.
 */

import assert from "node:assert/strict";
import { after, beforeEach, describe, test } from "node:test";
import { Window } from "happy-dom";
import widget from "../src/index.js";
import { patch } from "../src/dom_patch.js";
import { mergeDiff, toHTML } from "../src/rendered.js";
import { patchRowsInPlace } from "../src/row_patch.js";
import { ScriptRunner } from "../src/scripts.js";
import { streamWork } from "../src/stream_rows.js";
import { closeWindow, documentOf, FakeModel, inOrder } from "./helpers.js";

const window = inOrder(new Window({
  url: "http://localhost/",
  settings: {
    enableJavaScriptEvaluation: true,
    suppressInsecureJavaScriptEnvironmentWarning: true,
    disableJavaScriptFileLoading: true,
    disableCSSFileLoading: true,
    navigation: { disableMainFrameNavigation: true },
  },
}));
Object.assign(globalThis, { HTMLElement: window.HTMLElement });
const document = documentOf(window);
after(() => closeWindow(window));

/** The page's counter, which the templates' scripts increment. */
const page = /** @type {{hits: number, modules: number}} */ (/** @type {unknown} */ (window));

/** @type {(() => void)[]} */
let cleanups = [];

beforeEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  document.body.replaceChildren();
  page.hits = 0;
  page.modules = 0;
});

const SCRIPT = "<script>window.hits++</script>";

/** @typedef {import("../src/rendered.js").Tree} Tree */

/** A model with one view displayed; returns the model and the view's element. */
function displayed() {
  const model = new FakeModel();
  cleanups.push(widget.initialize({ model: model.proxy() }));
  const el = document.createElement("div");
  document.body.append(el);
  cleanups.push(widget.render({ model: model.proxy(), el }));
  return { model, el };
}

/** A page with a title, a counter and a branch (dynamic 2) that may hold a script. */
function branchPage() {
  return {
    s: ['<h1 id="t">', '</h1><span id="n">', "</span>", ""],
    0: "title",
    1: "0",
    2: { s: [`<div class="branch">${SCRIPT}</div>`] },
  };
}

describe("through the widget", () => {
  test("a script runs once on the first render, not on unrelated updates", () => {
    const { model, el } = displayed();
    model.emit({ r: branchPage() });
    assert.equal(page.hits, 1);
    const script = el.querySelector(".branch script");
    for (let i = 1; i <= 5; i++) model.emit({ d: { 1: String(i) } });
    assert.equal(el.querySelector("#n")?.textContent, "5");
    assert.equal(page.hits, 1, "a kept script ran again");
    assert.equal(el.querySelector(".branch script"), script, "the script's element was replaced");
  });

  test("a branch switch that brings the script back runs it again", () => {
    const { model, el } = displayed();
    model.emit({ r: branchPage() });
    model.emit({ d: { 2: "" } });
    assert.equal(el.querySelector("script"), null);
    assert.equal(page.hits, 1);
    model.emit({ d: { 2: { s: [`<div class="branch">${SCRIPT}</div>`] } } });
    assert.equal(page.hits, 2);
    model.emit({ d: { 0: "other title" } });
    assert.equal(page.hits, 2);
  });

  test("a branch with another script at the same place runs that script", () => {
    const { model, el } = displayed();
    model.emit({ r: branchPage() });
    model.emit({ d: { 2: { s: ['<div class="branch"><script>window.hits += 100</script></div>'] } } });
    assert.equal(page.hits, 101);
    assert.equal(el.querySelectorAll("script").length, 1);
  });

  test("a row added with a script runs it; the rows kept do not", () => {
    const { model, el } = displayed();
    const row = ['\n<li id="r', `">${SCRIPT}</li>`];
    model.emit({ r: { s: ["<ul>", "</ul>"], 0: { s: row, d: [["1"], ["2"]] } } });
    assert.equal(page.hits, 2);
    const first = el.querySelector("#r1");
    model.emit({ d: { 0: { k: { 2: { 0: "3" }, kc: 3 } } } });
    assert.equal(page.hits, 3);
    assert.equal(el.querySelector("#r1"), first);
    assert.equal(el.querySelectorAll("li script").length, 3);
  });

  test("stream rows appended in one run run their scripts, the tag in any case", () => {
    const { model, el } = displayed();
    const row = ['\n<li id="', `"><SCRIPT>window.hits++</SCRIPT>`, "</li>"];
    /** @param {string[]} ids */
    const stream = (ids) => ({
      k: { ...ids.map((id) => ({ 0: id, 1: id })), kc: ids.length },
      stream: ["0", ids.map((id) => [id, -1, null, false]), []],
    });
    model.emit({ r: { s: ['<ul id="s" phx-update="stream">', "\n</ul>"], 0: { s: row, ...stream(["a"]) } } });
    assert.equal(page.hits, 1);
    const runs = streamWork.runs;
    model.emit({ d: { 0: stream(["b", "c"]) } });
    assert.equal(streamWork.runs - runs, 1, "the rows went in as one run");
    assert.equal(page.hits, 3);
    assert.deepEqual(Array.from(el.querySelectorAll("li"), (li) => li.id), ["a", "b", "c"]);
  });

  test("a module script runs, with its attributes kept", async () => {
    const { model, el } = displayed();
    model.emit({ r: { s: ['<script type="module" data-role="setup">window.modules++</script>'] } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(page.modules, 1);
    const script = el.querySelector("script");
    assert.equal(script?.getAttribute("type"), "module");
    assert.equal(script?.getAttribute("data-role"), "setup");
  });
});

describe("ScriptRunner", () => {
  /** A runner and the observer that feeds it. */
  function runner() {
    const scripts = new ScriptRunner();
    /** @type {import("../src/dom_patch.js").PatchObserver} */
    const observer = {
      beforeElUpdated: (fromEl, toEl) => {
        scripts.beforeElUpdated(fromEl, toEl);
        return true;
      },
      nodeAdded: (el) => scripts.nodeAdded(el),
    };
    return { scripts, observer };
  }

  test("swaps each new script for a copy, once, nested ones included", () => {
    const container = document.createElement("div");
    document.body.append(container);
    const { scripts, observer } = runner();
    patch(container, `<section><div>${SCRIPT}</div>${SCRIPT}</section>`, observer);
    const parsed = Array.from(container.querySelectorAll("script"));
    assert.equal(page.hits, 0, "a parsed script ran by itself");
    assert.equal(scripts.run(container), 2);
    assert.equal(page.hits, 2);
    const copies = Array.from(container.querySelectorAll("script"));
    assert.ok(copies.every((copy, i) => copy !== parsed[i]));
    assert.equal(scripts.run(container), 0, "a second run started scripts again");
    patch(container, `<section><div>${SCRIPT}</div>${SCRIPT}</section><p>more</p>`, observer);
    assert.equal(scripts.run(container), 0);
    assert.equal(page.hits, 2);
  });

  test("rows appended by the rows' fast path (only their root reported) run their scripts", () => {
    const container = document.createElement("div");
    document.body.append(container);
    const { scripts, observer } = runner();
    /** @type {Tree} */
    const before = { s: ["<ul>", "</ul>"], 0: { s: ['\n<li id="r', `"><b>${SCRIPT}</b></li>`], d: [["1"]] } };
    patch(container, toHTML(before), observer);
    scripts.run(container);
    const after = /** @type {Tree} */ (mergeDiff(before, { 0: { k: { 1: { 0: "2" }, kc: 2 } } }));
    assert.ok(patchRowsInPlace(container, before, after, observer), "the fast path took the append");
    assert.equal(scripts.run(container), 1);
    assert.equal(page.hits, 2);
    assert.equal(container.innerHTML, toHTML(after));
  });

  test("leaves SVG scripts and scripts removed before the run alone", () => {
    const container = document.createElement("div");
    document.body.append(container);
    const { scripts, observer } = runner();
    patch(container, '<svg><script>window.hits++</script></svg>', observer);
    assert.equal(scripts.run(container), 0);
    patch(container, `<p>${SCRIPT}</p>`, observer);
    patch(container, "<p>gone</p>", observer);
    assert.equal(scripts.run(container), 0);
    assert.equal(page.hits, 0);
  });
});
