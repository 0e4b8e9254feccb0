/**
 * Keys on a page of several widgets (page_keys.js, key_bindings.js): which widget's window
 * bindings receive a key, the notebook's shortcuts kept off the keys a focused widget takes
 * (Lumino's `data-lm-suppress-shortcuts`), JupyterLab's line-break guard kept off its
 * fields, and Escape handing the focus back.
 */

import assert from "node:assert/strict";
import { after, beforeEach, describe, test } from "node:test";
import { bindEvents } from "../src/bindings.js";
import { isModifierShortcut, isTextEntry, pageKeysOf, SUPPRESS_SHORTCUTS } from "../src/page_keys.js";
import { closeWindow, createWindow, documentOf, newEvent } from "./helpers.js";

const window = createWindow();
const document = documentOf(window);
after(() => closeWindow(window));

/** @typedef {{key?: string, ctrlKey?: boolean, metaKey?: boolean, altKey?: boolean, shiftKey?: boolean}} Keys */

/** @type {(() => void)[]} */
const unbinds = [];

beforeEach(() => {
  for (const unbind of unbinds.splice(0)) unbind();
  document.body.replaceChildren();
});

/**
 * A widget root holding `html` inside a holder element (a notebook cell, focusable), bound.
 *
 * @param {string} html
 */
function widget(html) {
  const cell = document.createElement("div");
  cell.setAttribute("tabindex", "0");
  cell.className = "cell";
  const root = document.createElement("div");
  root.className = "lw-root";
  root.innerHTML = html;
  cell.append(root);
  document.body.append(cell);
  /** @type {string[]} */
  const pushed = [];
  const unbind = bindEvents(root, (_type, event) => {
    pushed.push(event);
  });
  unbinds.push(unbind);
  return { cell, root, pushed, unbind, $: /** @param {string} s */ (s) => $(root, s) };
}

/**
 * @param {ParentNode} parent
 * @param {string} selector
 * @returns {HTMLElement}
 */
function $(parent, selector) {
  const el = parent.querySelector(selector);
  assert.ok(el, `no ${selector}`);
  return /** @type {HTMLElement} */ (el);
}

/**
 * Press `key` on `target` (a keydown); returns the event.
 *
 * @param {EventTarget} target
 * @param {string} key
 * @param {Keys} [init] modifiers
 */
function press(target, key, init = {}) {
  const event = /** @type {KeyboardEvent} */ (
    /** @type {unknown} */ (new window.KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init }))
  );
  target.dispatchEvent(event);
  return event;
}

/**
 * What a notebook's shortcut handler on the document sees of each keydown: whether Lumino
 * would skip the target (it carries the attribute).
 */
function shortcutSpy() {
  /** @type {boolean[]} */
  const suppressed = [];
  /** @param {Event} e */
  const listener = (e) => suppressed.push(/** @type {Element} */ (e.target).hasAttribute(SUPPRESS_SHORTCUTS));
  // Capture, as Notebook 7 listens; JupyterLab's bubble-phase listener sees the same.
  document.addEventListener("keydown", listener, true);
  unbinds.push(() => document.removeEventListener("keydown", listener, true));
  return suppressed;
}

/** Let timers scheduled with 0 ms run. */
function tick() {
  return new Promise((resolve) => window.setTimeout(resolve, 0));
}

describe("which widget's window bindings receive a key", () => {
  test("before any widget was used, every widget (a one-view page answers at once)", () => {
    const a = widget('<div phx-window-keydown="a"></div>');
    const b = widget('<div phx-window-keydown="b"></div>');
    press(document.body, "x");
    assert.deepEqual([a.pushed, b.pushed], [["a"], ["b"]]);
  });

  test("the widget that has the focus, and only it", () => {
    const a = widget('<button id="go">go</button><div phx-window-keydown="a" phx-key="ArrowUp"></div>');
    const b = widget('<div phx-window-keydown="b"></div>');
    press(a.$("#go"), "ArrowUp");
    press(a.root, "x");
    assert.deepEqual([a.pushed, b.pushed], [["a"], []]);
  });

  test("else the widget last clicked or focused inside", () => {
    const a = widget('<p id="pa">a</p><div phx-window-keydown="a"></div>');
    const b = widget('<p id="pb">b</p><div phx-window-keydown="b"></div>');
    b.$("#pb").dispatchEvent(newEvent(window, "pointerdown"));
    press(document.body, "x");
    a.$("#pa").dispatchEvent(newEvent(window, "focusin"));
    press(document.body, "y");
    assert.deepEqual([a.pushed, b.pushed], [["a"], ["b"]]);
  });

  test("a widget last used and then removed is forgotten: every widget again", () => {
    const a = widget('<p id="pa">a</p><div phx-window-keydown="a"></div>');
    const b = widget('<div phx-window-keydown="b"></div>');
    a.$("#pa").dispatchEvent(newEvent(window, "pointerdown"));
    a.unbind();
    a.cell.remove();
    press(document.body, "x");
    assert.deepEqual([a.pushed, b.pushed], [[], ["b"]]);
  });

  test("none while text is typed into a field outside every widget (a notebook cell)", () => {
    const a = widget('<p id="pa">a</p><div phx-window-keydown="a"></div>');
    a.$("#pa").dispatchEvent(newEvent(window, "pointerdown"));
    const editor = document.createElement("div");
    editor.setAttribute("contenteditable", "true");
    const input = document.createElement("input");
    document.body.append(editor, input);
    press(editor, "x");
    press(input, "y");
    assert.deepEqual(a.pushed, []);
    press(document.body, "z");
    assert.deepEqual(a.pushed, ["a"]);
  });

  test("a nested widget's keys are its own, not its outer widget's", () => {
    const outer = widget('<div phx-window-keydown="outer"></div><div id="slot"></div>');
    const innerRoot = document.createElement("div");
    innerRoot.className = "lw-root";
    innerRoot.innerHTML = '<button id="in">in</button><div phx-window-keydown="inner"></div>';
    outer.$("#slot").append(innerRoot);
    /** @type {string[]} */
    const inner = [];
    unbinds.push(bindEvents(innerRoot, (_t, event) => void inner.push(event)));
    press($(innerRoot, "#in"), "x");
    assert.deepEqual([outer.pushed, inner], [[], ["inner"]]);
  });
});

describe("the notebook's shortcuts, while the focus is inside a widget", () => {
  test("every plain key is the widget's: the focused element and the root carry the attribute during the key", async () => {
    const suppressed = shortcutSpy();
    const a = widget('<button id="go">go</button>');
    for (const key of ["a", "b", "d", "d", "ArrowUp", "Enter", "Escape", "A"]) press(a.$("#go"), key, { shiftKey: key === "A" });
    assert.deepEqual(suppressed, [true, true, true, true, true, true, true, true]);
    assert.equal(a.root.hasAttribute(SUPPRESS_SHORTCUTS), true);
    await tick();
    assert.equal(a.$("#go").hasAttribute(SUPPRESS_SHORTCUTS), false);
    assert.equal(a.root.hasAttribute(SUPPRESS_SHORTCUTS), false);
  });

  test("modifier shortcuts the widget does not name reach the notebook (Ctrl/Cmd+S, Shift+Enter)", () => {
    const suppressed = shortcutSpy();
    const a = widget('<input id="q"><div phx-window-keydown="k"></div>');
    press(a.$("#q"), "s", { ctrlKey: true });
    press(a.$("#q"), "s", { metaKey: true });
    press(a.$("#q"), "Enter", { shiftKey: true });
    press(a.$("#q"), "x", { altKey: true });
    assert.deepEqual(suppressed, [false, false, false, false]);
  });

  test("a modifier shortcut a binding names with phx-key is the widget's", () => {
    const suppressed = shortcutSpy();
    const a = widget('<input id="q"><div phx-window-keydown="save" phx-key="s"></div><input id="own" phx-keydown="run" phx-key="Enter">');
    press(a.$("#q"), "s", { ctrlKey: true });
    press(a.$("#own"), "Enter", { shiftKey: true });
    press(a.$("#own"), "s", { ctrlKey: true }); // its own binding names Enter: s goes on
    assert.deepEqual(suppressed, [true, true, false]);
    assert.deepEqual(a.pushed, ["save", "run"]);
  });

  test("keys outside every widget are the notebook's", () => {
    const suppressed = shortcutSpy();
    widget("<p>w</p>");
    const cell = document.createElement("div");
    document.body.append(cell);
    press(cell, "a");
    assert.deepEqual(suppressed, [false]);
    assert.equal(cell.hasAttribute(SUPPRESS_SHORTCUTS), false);
  });

  test("an attribute the template set itself stays", async () => {
    const a = widget(`<button id="go" ${SUPPRESS_SHORTCUTS}>go</button>`);
    press(a.$("#go"), "a");
    await tick();
    assert.equal(a.$("#go").hasAttribute(SUPPRESS_SHORTCUTS), true);
  });

  test("the root is focusable, not by Tab, so a click anywhere inside focuses the widget", () => {
    const a = widget("<p>w</p>");
    assert.equal(a.root.getAttribute("tabindex"), "-1");
  });

  test("a removed widget takes no more keys", () => {
    const suppressed = shortcutSpy();
    const a = widget('<button id="go">go</button>');
    a.unbind();
    press(a.$("#go"), "a");
    assert.deepEqual(suppressed, [false]);
  });
});

describe("Enter in a field: JupyterLab's line-break guard", () => {
  /**
   * Type Enter into `field` as a browser does: keydown, then the line break's beforeinput;
   * a listener on the field cancels that beforeinput, as JupyterLab's does inside cells.
   *
   * @param {HTMLElement} field
   * @param {Keys} [init]
   * @returns {boolean} whether the line break (and so the implicit submission) went ahead
   */
  function enter(field, init = {}) {
    /** @param {Event} e */
    const labGuard = (e) => e.preventDefault();
    press(field, "Enter", init);
    field.addEventListener("beforeinput", labGuard, { once: true });
    const input = new window.InputEvent("beforeinput", { inputType: "insertLineBreak", bubbles: true, cancelable: true });
    field.dispatchEvent(/** @type {Event} */ (/** @type {unknown} */ (input)));
    field.removeEventListener("beforeinput", labGuard);
    return !input.defaultPrevented;
  }

  test("is kept from the widget's text fields and textareas, so Enter submits and breaks lines", () => {
    const a = widget('<form phx-submit="s"><input id="q"></form><textarea id="t"></textarea>');
    assert.equal(enter(a.$("#q")), true);
    assert.equal(enter(a.$("#t")), true);
  });

  test("still cancels a Shift+Enter the notebook runs the cell with", () => {
    const a = widget('<form phx-submit="s"><input id="q"></form>');
    assert.equal(enter(a.$("#q"), { shiftKey: true }), false);
  });

  test("still guards fields outside every widget", () => {
    widget("<p>w</p>");
    const outside = document.createElement("textarea");
    document.body.append(outside);
    assert.equal(enter(outside), false);
  });
});

describe("Escape", () => {
  test("that no binding takes hands the focus back to what holds the widget", () => {
    const a = widget('<button id="go">go</button>');
    a.$("#go").focus();
    assert.equal(document.activeElement, a.$("#go"));
    press(a.$("#go"), "Escape");
    assert.equal(document.activeElement, a.cell);
  });

  test("that a binding takes keeps the focus", () => {
    const a = widget('<button id="go">go</button><div phx-window-keydown="close" phx-key="Escape"></div>');
    a.$("#go").focus();
    press(a.$("#go"), "Escape");
    assert.equal(document.activeElement, a.$("#go"));
    assert.deepEqual(a.pushed, ["close"]);
  });

  test("that the focused element's own binding takes keeps the focus; a default prevented too", () => {
    const a = widget('<input id="q" phx-keydown="k" phx-key="Escape"><button id="go">go</button>');
    a.$("#q").focus();
    press(a.$("#q"), "Escape");
    assert.equal(document.activeElement, a.$("#q"));
    a.$("#go").addEventListener("keydown", (e) => e.preventDefault());
    a.$("#go").focus();
    press(a.$("#go"), "Escape");
    assert.equal(document.activeElement, a.$("#go"));
  });

  test("with nothing focusable around the widget, the focus leaves it (Voilà)", () => {
    const root = document.createElement("div");
    root.className = "lw-root";
    root.innerHTML = '<button id="go">go</button>';
    document.body.append(root);
    unbinds.push(bindEvents(root, () => {}));
    $(root, "#go").focus();
    press($(root, "#go"), "Escape");
    assert.notEqual(document.activeElement, $(root, "#go"));
  });
});

describe("copies of the module", () => {
  test("share one routing per page (anywidget imports the module once per widget model)", async () => {
    const copy = /** @type {typeof import("../src/page_keys.js")} */ (await import(`../src/page_keys.js?copy=${Date.now()}`));
    const a = widget('<button id="go">go</button><div phx-window-keydown="a"></div>');
    const b = document.createElement("div");
    b.className = "lw-root";
    document.body.append(b);
    const page = copy.pageKeysOf(b);
    assert.ok(page);
    assert.equal(page, pageKeysOf(a.root));
    assert.equal(page.ownerOf(a.$("#go")), a.root);
  });
});

describe("helpers", () => {
  test("modifier shortcuts", () => {
    /** @param {Keys} init */
    const ev = (init) => /** @type {KeyboardEvent} */ (/** @type {unknown} */ (new window.KeyboardEvent("keydown", init)));
    assert.equal(isModifierShortcut(ev({ key: "s", ctrlKey: true })), true);
    assert.equal(isModifierShortcut(ev({ key: "Enter", shiftKey: true })), true);
    assert.equal(isModifierShortcut(ev({ key: "A", shiftKey: true })), false);
    assert.equal(isModifierShortcut(ev({ key: "a" })), false);
  });

  test("text entries", () => {
    const make = /** @param {string} html */ (html) => {
      const box = document.createElement("div");
      box.innerHTML = html;
      return /** @type {Element} */ (box.firstElementChild);
    };
    assert.equal(isTextEntry(make("<input>")), true);
    assert.equal(isTextEntry(make('<input type="search">')), true);
    assert.equal(isTextEntry(make('<input type="checkbox">')), false);
    assert.equal(isTextEntry(make("<textarea></textarea>")), true);
    assert.equal(isTextEntry(make("<button>b</button>")), false);
    assert.equal(isTextEntry(make('<div contenteditable="true"><b>x</b></div>')), true);
    assert.equal(isTextEntry(make("<p>x</p>")), false);
  });
});
