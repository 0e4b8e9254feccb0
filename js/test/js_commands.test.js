/**
 * JS commands inside one widget's view: checking them (js_command_check.js), running them
 * (js_commands.js) and what they do to elements (js_command_effects.js).
 */

import assert from "node:assert/strict";
import { after, beforeEach, describe, test } from "node:test";
import { bindEvents } from "../src/bindings.js";
import { parseCommands, useDocument } from "../src/js_command_check.js";
import { captureErrors, closeWindow, createWindow, documentOf } from "./helpers.js";

const window = createWindow();
const document = documentOf(window);
useDocument(document);
after(() => closeWindow(window));

/**
 * A widget whose button runs `ops` on click; what it pushed and navigated.
 *
 * @param {unknown} ops the commands (JSON-encoded into phx-click)
 * @param {string} [html] more HTML of the view
 */
function widget(ops, html = "") {
  const root = document.createElement("div");
  root.className = "lw-root";
  const button = document.createElement("button");
  button.id = "btn";
  button.setAttribute("phx-click", typeof ops === "string" ? ops : JSON.stringify(ops));
  button.setAttribute("phx-value-id", "7");
  root.append(button);
  root.insertAdjacentHTML("beforeend", html);
  document.body.append(root);
  /** @type {{type: string, event: string, value: unknown}[]} */
  const pushed = [];
  /** @type {unknown[][]} */
  const navigated = [];
  let ref = 0;
  const unbind = bindEvents(
    root,
    (type, event, value) => {
      pushed.push({ type, event, value });
      return ++ref;
    },
    { navigate: (...args) => navigated.push(args) },
  );
  /** @param {string} selector */
  const $ = (selector) => {
    const el = root.querySelector(selector);
    assert.ok(el, `no ${selector}`);
    return /** @type {HTMLElement} */ (el);
  };
  return { root, button, pushed, navigated, unbind, $, click: () => button.click() };
}

beforeEach(() => document.body.replaceChildren());

describe("checking", () => {
  test("well-formed commands parse", () => {
    const ops = [["push", { event: "x", value: { a: 1 } }], ["toggle", { to: { closest: ".menu" }, time: 100 }]];
    assert.deepEqual(parseCommands(JSON.stringify(ops)), { ops });
  });

  for (const [text, reason] of [
    ["[oops", /not valid JSON/],
    ['{"push": {}}', /not a list/],
    ['[["push"]]', /command 1 is not a \[name, \{args\}\] pair/],
    ['[["explode", {}]]', /"explode", which is no command/],
    ['[["push", {}]]', /lacks its "event"/],
    ['[["hide", {"too": "#x"}]]', /unknown argument "too"/],
    ['[["hide", {"to": "##"}]]', /"to" is not a valid CSS selector/],
    ['[["add_class", {"names": "a b"}]]', /"names" must be a list of class names/],
    ['[["navigate", {"href": "https://elsewhere"}]]', /path inside the widget/],
    ['[["show", {"transition": ["a"]}]]', /three lists of class names/],
    ['[["set_attr", {"attr": ["x"]}]]', /\[name, value\]/],
    ['[["show", {"time": -5}]]', /milliseconds/],
  ]) {
    test(`rejects ${text}`, () => {
      const parsed = parseCommands(/** @type {string} */ (text));
      assert.ok("error" in parsed, `accepted ${text}`);
      assert.match(parsed.error, /** @type {RegExp} */ (reason));
    });
  }

  test("a malformed command logs a [livewidget] error and does nothing, not even its valid part", (t) => {
    const errors = captureErrors(t);
    const w = widget('[["add_class", {"names": ["on"]}], ["push", {"event": ""}]]');
    w.click();
    assert.equal(w.button.className, "");
    assert.deepEqual(w.pushed, []);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0][0]), /^\[livewidget\] ignoring the JS commands of phx-click: command 2 \("push"\): "event" must be a non-empty string/);
  });
});

describe("commands that reach the kernel", () => {
  test("push sends the binding's payload merged with its value, as the binding's type", () => {
    const w = widget([["push", { event: "inc", value: { by: 2 } }], ["push", { event: "again" }]]);
    w.click();
    assert.deepEqual(w.pushed, [
      { type: "click", event: "inc", value: { id: "7", by: 2 } },
      { type: "click", event: "again", value: { id: "7" } },
    ]);
  });

  test("push's loading selector adds elements to the loading class", () => {
    const w = widget([["push", { event: "x", loading: "#panel" }]], '<div id="panel"></div>');
    w.click();
    assert.ok(w.$("#panel").classList.contains("phx-click-loading"));
    assert.ok(w.button.classList.contains("phx-click-loading"));
  });

  test("push in phx-submit sends the form's fields plus its value", () => {
    const root = document.createElement("div");
    root.className = "lw-root";
    root.innerHTML = `<form phx-submit='[["push",{"event":"save","value":{"draft":"1"}}]]'><input name="t" value="a"><button>s</button></form>`;
    document.body.append(root);
    /** @type {unknown[]} */
    const pushed = [];
    bindEvents(root, (type, event, value) => void pushed.push([type, event, value]));
    /** @type {HTMLElement} */ (root.querySelector("button")).click();
    assert.deepEqual(pushed, [["form", "save", "t=a&draft=1"]]);
  });

  test("navigate and patch go through the widget's navigation", () => {
    const w = widget([["patch", { href: "/?q=1" }], ["navigate", { href: "/users/2", replace: true }]]);
    w.click();
    assert.deepEqual(w.navigated, [["patch", "/?q=1", false], ["redirect", "/users/2", true]]);
    assert.deepEqual(w.pushed, []);
  });
});

describe("commands that stay in the page", () => {
  test("show, hide and toggle set display; show-start/end events fire", () => {
    const w = widget([["toggle", { to: "#menu" }]], '<div id="menu" style="display: none">m</div>');
    /** @type {string[]} */
    const seen = [];
    w.$("#menu").addEventListener("phx:show-start", () => seen.push("show-start"));
    w.$("#menu").addEventListener("phx:show-end", () => seen.push("show-end"));
    w.click();
    assert.notEqual(w.$("#menu").style.display, "none");
    w.click();
    assert.equal(w.$("#menu").style.display, "none");
    assert.deepEqual(seen, ["show-start", "show-end"]);
    assert.deepEqual(w.pushed, []);
  });

  test("show takes a display value; hidden-by-stylesheet elements become block", () => {
    const w = widget(
      [["show", { to: "#a", display: "flex" }], ["show", { to: "#b" }]],
      '<style>.gone { display: none }</style><div id="a" hidden></div><div id="b" class="gone"></div>',
    );
    w.click();
    assert.equal(w.$("#a").style.display, "flex");
    assert.equal(w.$("#b").style.display, "block");
  });

  test("a hide with a transition runs the classes, then hides", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const w = widget([["hide", { to: "#m", transition: [["fade"], ["o-100"], ["o-0"]], time: 300 }]], '<div id="m">m</div>');
    w.click();
    assert.deepEqual([...w.$("#m").classList], ["fade", "o-100"]);
    t.mock.timers.tick(0);
    assert.deepEqual([...w.$("#m").classList], ["fade", "o-0"]);
    assert.notEqual(w.$("#m").style.display, "none");
    t.mock.timers.tick(300);
    assert.deepEqual([...w.$("#m").classList], []);
    assert.equal(w.$("#m").style.display, "none");
  });

  test("add_class, remove_class and toggle_class", () => {
    const w = widget(
      [["add_class", { names: ["a", "b"], to: ".t" }], ["remove_class", { names: ["x"], to: ".t" }], ["toggle_class", { names: ["b", "c"], to: ".t" }]],
      '<p class="t x"></p><p class="t"></p>',
    );
    w.click();
    assert.deepEqual(
      [...w.root.querySelectorAll(".t")].map((el) => el.className),
      ["t a c", "t a c"],
    );
  });

  test("transition adds the classes for its time", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const w = widget([["transition", { transition: [["shake"], [], []], time: 100 }]]);
    w.click();
    assert.ok(w.button.classList.contains("shake"));
    t.mock.timers.tick(100);
    assert.ok(!w.button.classList.contains("shake"));
  });

  test("set_attr, remove_attr and toggle_attr (presence, and between two values)", () => {
    const w = widget(
      [
        ["set_attr", { attr: ["aria-expanded", "true"], to: "#m" }],
        ["remove_attr", { attr: "title", to: "#m" }],
        ["toggle_attr", { attr: ["open", "true"], to: "#m" }],
        ["toggle_attr", { attr: ["data-state", "on", "off"], to: "#m" }],
      ],
      '<div id="m" title="t" data-state="on"></div>',
    );
    w.click();
    const m = w.$("#m");
    assert.deepEqual([m.getAttribute("aria-expanded"), m.getAttribute("title"), m.getAttribute("open"), m.dataset.state], ["true", null, "true", "off"]);
    w.click();
    assert.deepEqual([m.getAttribute("open"), m.dataset.state], [null, "on"]);
  });

  test("dispatch fires a CustomEvent with its detail", () => {
    const w = widget([["dispatch", { event: "lw-copy", to: "#m", detail: { text: "hi" } }]], '<div id="m"></div>');
    /** @type {unknown[]} */
    const got = [];
    document.body.addEventListener("lw-copy", (e) => got.push(/** @type {CustomEvent} */ (e).detail));
    w.click();
    assert.deepEqual(got, [{ text: "hi" }]);
  });

  test("focus and focus_first", () => {
    const w = widget([["focus", { to: "#a" }]], '<input id="a"><div id="box"><span></span><button disabled>x</button><input id="b"></div>');
    w.click();
    assert.equal(document.activeElement?.id, "a");
    w.button.setAttribute("phx-click", JSON.stringify([["focus_first", { to: "#box" }]]));
    w.click();
    assert.equal(document.activeElement?.id, "b");
  });

  test("exec runs the commands held by another attribute", () => {
    const w = widget([["exec", { attr: "data-cancel", to: "#m" }]], `<div id="m" data-cancel='[["add_class",{"names":["closed"]}]]'></div>`);
    w.click();
    assert.ok(w.$("#m").classList.contains("closed"));
  });

  test("inner and closest targets", () => {
    const root = document.createElement("div");
    root.className = "lw-root";
    root.innerHTML = `<ul class="menu"><li><button phx-click='[["add_class",{"names":["open"],"to":{"closest":".menu"}}],["add_class",{"names":["hit"],"to":{"inner":"i"}}]]'><i></i></button></li></ul>`;
    document.body.append(root);
    bindEvents(root, () => null);
    /** @type {HTMLElement} */ (root.querySelector("button")).click();
    assert.ok(root.querySelector(".menu")?.classList.contains("open"));
    assert.ok(root.querySelector("i")?.classList.contains("hit"));
  });

  test("selectors only reach the widget's own elements", () => {
    const other = document.createElement("div");
    other.className = "lw-root";
    other.innerHTML = '<div id="menu"></div>';
    document.body.append(other);
    const outside = document.createElement("div");
    outside.className = "target";
    document.body.append(outside);
    const w = widget([["add_class", { names: ["x"], to: "#menu" }], ["add_class", { names: ["x"], to: ".target" }]], '<div id="menu"></div>');
    w.click();
    assert.ok(w.$("#menu").classList.contains("x"));
    assert.equal(other.querySelector("#menu")?.className, "");
    assert.equal(outside.className, "target");
  });
});
