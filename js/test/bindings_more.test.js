/**
 * bindings.js beyond clicks and forms: keys and focus (key_bindings.js), click-away,
 * window bindings scoped to their widget, rate limits, used fields (`_unused_` markers),
 * loading states.
 */

import assert from "node:assert/strict";
import { after, beforeEach, describe, test } from "node:test";
import { bindEvents } from "../src/bindings.js";
import { serializeForm, unusedName } from "../src/payloads.js";
import { captureErrors, closeWindow, createWindow, documentOf, newEvent } from "./helpers.js";

const window = createWindow();
const document = documentOf(window);
after(() => closeWindow(window));

/** @typedef {{type: string, event: string, value: unknown}} Pushed */

let lastRef = 0;

/**
 * A widget root holding `html`, bound; events get refs, answered by `answer()`.
 *
 * @param {string} html
 */
function widget(html) {
  const root = document.createElement("div");
  root.className = "lw-root";
  root.innerHTML = html;
  document.body.append(root);
  /** @type {Pushed[]} */
  const pushed = [];
  /** @type {Map<number, () => void>} */
  const waiting = new Map();
  /** @type {{kind: string, url: string, replace: boolean}[]} */
  const navigated = [];
  const unbind = bindEvents(
    root,
    (type, event, value, onAnswer) => {
      pushed.push({ type, event, value });
      const ref = ++lastRef;
      if (onAnswer) waiting.set(ref, onAnswer);
      return ref;
    },
    { navigate: (kind, url, replace) => navigated.push({ kind, url, replace }) },
  );
  /** Answer every event in flight. */
  const answer = () => {
    for (const [ref, onAnswer] of [...waiting]) {
      waiting.delete(ref);
      onAnswer();
    }
  };
  return { root, pushed, unbind, answer, navigated, $: /** @param {string} s */ (s) => $(root, s) };
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
 * @param {EventTarget} target
 * @param {"keydown" | "keyup"} type
 * @param {string} key
 */
function press(target, type, key) {
  const event = new window.KeyboardEvent(type, { key, bubbles: true, cancelable: true });
  target.dispatchEvent(/** @type {Event} */ (/** @type {unknown} */ (event)));
}

/**
 * @param {HTMLInputElement} input
 * @param {string} value
 */
function typeInto(input, value) {
  input.value = value;
  input.dispatchEvent(newEvent(window, "input"));
}

/** @param {Element} el @param {string} type */
function fire(el, type) {
  el.dispatchEvent(newEvent(window, type));
}

beforeEach(() => document.body.replaceChildren());

describe("phx-keydown / phx-keyup", () => {
  test("send the key, the phx-value-* and a field's value; phx-key filters", () => {
    const { $, pushed } = widget('<input name="q" value="cat" phx-keydown="key" phx-key="enter" phx-value-id="7"><div phx-keyup="up">x</div>');
    press($("input"), "keydown", "a");
    press($("input"), "keydown", "Enter");
    press($("div"), "keyup", "Escape");
    assert.deepEqual(pushed, [
      { type: "keydown", event: "key", value: { key: "Enter", id: "7", value: "cat" } },
      { type: "keyup", event: "up", value: { key: "Escape" } },
    ]);
  });

  test("a key event without a key (autofill) sends nothing", () => {
    const { $, pushed } = widget('<input phx-keydown="key">');
    $("input").dispatchEvent(newEvent(window, "keydown"));
    assert.deepEqual(pushed, []);
  });

  test("the key binding is the focused element's own, not an ancestor's", () => {
    const { $, pushed } = widget('<div phx-keydown="outer"><input></div>');
    press($("input"), "keydown", "a");
    assert.deepEqual(pushed, []);
  });
});

describe("phx-window-keydown / phx-window-keyup", () => {
  test("fire for keys anywhere on the page, for this widget's elements only", () => {
    const a = widget('<div id="a" phx-window-keydown="k" phx-value-w="a"></div>');
    const b = widget('<div id="b" phx-window-keyup="k" phx-key="Escape" phx-value-w="b"></div>');
    press(document.body, "keydown", "x");
    press(document.body, "keyup", "x");
    press(document.body, "keyup", "Escape");
    assert.deepEqual(a.pushed, [{ type: "keydown", event: "k", value: { key: "x", w: "a" } }]);
    assert.deepEqual(b.pushed, [{ type: "keyup", event: "k", value: { key: "Escape", w: "b" } }]);
  });

  test("the focused element's own key binding takes the key", () => {
    const { $, pushed } = widget('<input phx-keydown="own"><div phx-window-keydown="win"></div>');
    press($("input"), "keydown", "q");
    assert.deepEqual(pushed.map((p) => p.event), ["own"]);
  });

  test("are removed with the view", () => {
    const { pushed, unbind } = widget('<div phx-window-keydown="k"></div>');
    unbind();
    press(document.body, "keydown", "x");
    assert.deepEqual(pushed, []);
  });

  test("a nested widget's window binding is its own", () => {
    const outer = widget('<div class="lw-root" id="inner"><div phx-window-keydown="inner"></div></div>');
    press(document.body, "keydown", "x");
    assert.deepEqual(outer.pushed, []);
  });
});

describe("phx-focus / phx-blur and their window twins", () => {
  test("focus and blur of the element itself send its values", () => {
    const { $, pushed } = widget('<input name="n" value="v" phx-focus="in" phx-blur="out" phx-value-k="1">');
    fire($("input"), "focusin");
    fire($("input"), "focusout");
    assert.deepEqual(pushed, [
      { type: "focus", event: "in", value: { k: "1", value: "v" } },
      { type: "blur", event: "out", value: { k: "1", value: "v" } },
    ]);
  });

  test("phx-window-focus / phx-window-blur fire when the window gains or loses focus", () => {
    const { pushed, unbind } = widget('<div phx-window-focus="back" phx-window-blur="away"></div>');
    window.dispatchEvent(new window.Event("blur"));
    window.dispatchEvent(new window.Event("focus"));
    unbind();
    window.dispatchEvent(new window.Event("blur"));
    assert.deepEqual(pushed.map((p) => [p.type, p.event]), [["blur", "away"], ["focus", "back"]]);
  });
});

describe("phx-click-away", () => {
  test("fires for clicks outside the element while it is visible", () => {
    const { $, pushed } = widget('<div id="menu" phx-click-away="close" phx-value-m="1"><b>in</b></div><p>out</p>');
    $("b").click();
    assert.deepEqual(pushed, []);
    $("p").click();
    document.body.click(); // outside the widget too
    assert.deepEqual(pushed, [
      { type: "click", event: "close", value: { m: "1" } },
      { type: "click", event: "close", value: { m: "1" } },
    ]);
    $("#menu").style.display = "none";
    $("p").click();
    assert.equal(pushed.length, 2);
  });

  test("runs before the click's own binding, which may show the element", () => {
    const { $, pushed } = widget(
      `<button phx-click='[["show",{"to":"#menu"}]]'>open</button><div id="menu" style="display:none" phx-click-away="away"></div>`,
    );
    $("button").click();
    assert.notEqual($("#menu").style.display, "none");
    assert.deepEqual(pushed, []);
  });
});

describe("phx-debounce / phx-throttle", () => {
  test("debounce sends the last change once, with the latest fields, after the quiet time", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const { $, pushed } = widget('<form phx-change="v"><input name="q" phx-debounce="300"></form>');
    const input = /** @type {HTMLInputElement} */ ($("input"));
    typeInto(input, "a");
    t.mock.timers.tick(200);
    typeInto(input, "ab");
    t.mock.timers.tick(299);
    assert.equal(pushed.length, 0);
    t.mock.timers.tick(1);
    assert.deepEqual(pushed.map((p) => p.value), ["q=ab&_target=q"]);
  });

  test("a pending debounce is sent when the field loses focus; 'blur' waits for it", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const { $, pushed } = widget('<form phx-change="v"><input name="a" phx-debounce="1000"><input name="b" phx-debounce="blur"></form>');
    typeInto(/** @type {HTMLInputElement} */ ($("[name=a]")), "1");
    fire($("[name=a]"), "focusout");
    typeInto(/** @type {HTMLInputElement} */ ($("[name=b]")), "2");
    t.mock.timers.tick(5000);
    assert.equal(pushed.length, 1);
    fire($("[name=b]"), "focusout");
    assert.deepEqual(pushed.map((p) => p.value), ["a=1&_unused_b=&b=&_target=a", "a=1&b=2&_target=b"]);
  });

  test("a submit sends the pending debounced change first", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const { $, pushed } = widget('<form phx-change="v" phx-submit="s"><input name="q" phx-debounce="500"><button>go</button></form>');
    typeInto(/** @type {HTMLInputElement} */ ($("input")), "x");
    $("button").click();
    t.mock.timers.tick(1000);
    assert.deepEqual(pushed.map((p) => p.event), ["v", "s"]);
  });

  test("debounce on a button delays its click", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const { $, pushed } = widget('<button phx-click="c" phx-debounce="100">b</button>');
    $("button").click();
    $("button").click();
    assert.equal(pushed.length, 0);
    t.mock.timers.tick(100);
    assert.equal(pushed.length, 1);
  });

  test("throttle sends at once, drops the rest of the interval, then sends again", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const { $, pushed } = widget('<button phx-click="c" phx-throttle="1000">b</button>');
    $("button").click();
    $("button").click();
    t.mock.timers.tick(999);
    $("button").click();
    assert.equal(pushed.length, 1);
    t.mock.timers.tick(1);
    $("button").click();
    assert.equal(pushed.length, 2);
  });

  test("a throttled keydown of another key goes through", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const { pushed } = widget('<div phx-window-keydown="k" phx-throttle="500"></div>');
    press(document.body, "keydown", "ArrowUp");
    press(document.body, "keydown", "ArrowUp");
    press(document.body, "keydown", "ArrowDown");
    assert.deepEqual(pushed.map((p) => /** @type {{key: string}} */ (p.value).key), ["ArrowUp", "ArrowDown"]);
  });

  test("a value that is not milliseconds is logged and nothing is sent", (t) => {
    const errors = captureErrors(t);
    const { $, pushed } = widget('<button phx-click="c" phx-debounce="soon">b</button><i phx-click="d" phx-throttle="-1">i</i>');
    $("button").click();
    $("i").click();
    assert.deepEqual(pushed, []);
    assert.equal(errors.length, 2);
    assert.match(String(errors[0][0]), /^\[livewidget\] .*phx-debounce="soon" is not a whole number of milliseconds or "blur"/);
  });

  test("pending debounces end with the view", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const { $, pushed, unbind } = widget('<button phx-click="c" phx-debounce="100">b</button>');
    $("button").click();
    unbind();
    t.mock.timers.tick(1000);
    assert.deepEqual(pushed, []);
  });
});

describe("used fields", () => {
  const FORM =
    '<form phx-change="v" phx-submit="s"><input type="hidden" name="user[id]" value="1">' +
    '<input name="user[name]"><input name="user[email]"><select name="user[tags][]" multiple><option selected>a</option></select>' +
    '<button name="go" value="1">go</button></form>';

  test("fields the user has not changed get an _unused_ marker before their value", () => {
    const { $, pushed } = widget(FORM);
    typeInto(/** @type {HTMLInputElement} */ ($("[name='user[name]']")), "Ada");
    typeInto(/** @type {HTMLInputElement} */ ($("[name='user[email]']")), "a@b");
    const [first, second] = pushed.map((p) => decodeURIComponent(String(p.value)));
    assert.equal(first, "user[id]=1&user[name]=Ada&user[_unused_email]=&user[email]=&user[_unused_tags][]=&user[tags][]=a&_target=user[name]");
    assert.equal(second, "user[id]=1&user[name]=Ada&user[email]=a@b&user[_unused_tags][]=&user[tags][]=a&_target=user[email]");
  });

  test("a submit sends no markers and starts the form over", () => {
    const { $, pushed } = widget(FORM);
    typeInto(/** @type {HTMLInputElement} */ ($("[name='user[name]']")), "Ada");
    $("button").click();
    typeInto(/** @type {HTMLInputElement} */ ($("[name='user[email]']")), "x");
    const values = pushed.map((p) => decodeURIComponent(String(p.value)));
    assert.equal(values[1], "user[id]=1&user[name]=Ada&user[email]=&user[tags][]=a&go=1");
    assert.match(values[2], /user\[_unused_name\]=&user\[name\]=Ada/);
  });

  test("unusedName puts the prefix on the last name part, as Phoenix does", () => {
    assert.equal(unusedName("email"), "_unused_email");
    assert.equal(unusedName("user[email]"), "user[_unused_email]");
    assert.equal(unusedName("user[address][city]"), "user[address][_unused_city]");
    assert.equal(unusedName("tags[]"), "_unused_tags[]");
  });

  test("serializeForm without `used` adds no markers", () => {
    const { $ } = widget(FORM);
    const form = /** @type {HTMLFormElement} */ ($("form"));
    assert.equal(decodeURIComponent(serializeForm(form)), "user[id]=1&user[name]=&user[email]=&user[tags][]=a");
  });

  test("phx-change on a field wins over its form's", () => {
    const { $, pushed } = widget('<form phx-change="form"><input name="a" phx-change="field"><input name="b"></form>');
    typeInto(/** @type {HTMLInputElement} */ ($("[name=a]")), "1");
    typeInto(/** @type {HTMLInputElement} */ ($("[name=b]")), "2");
    assert.deepEqual(pushed.map((p) => p.event), ["field", "form"]);
  });
});

describe("loading states", () => {
  test("a click puts phx-click-loading on its element until the answer", () => {
    const { $, answer } = widget('<button phx-click="slow">go</button>');
    $("button").click();
    assert.ok($("button").classList.contains("phx-click-loading"));
    answer();
    assert.equal($("button").className, "");
    assert.equal($("button").hasAttribute("class"), false, "as the kernel wrote it: no class at all");
  });

  test("an element that had classes keeps them, and its class attribute, after the answer", () => {
    const { $, answer } = widget('<button class="" phx-click="a">a</button><b class="x" phx-click="b">b</b>');
    $("button").click();
    $("b").click();
    answer();
    assert.equal($("button").getAttribute("class"), "");
    assert.equal($("b").getAttribute("class"), "x");
  });

  test("keys, focus and blur have their own loading classes", () => {
    const { $, answer } = widget('<input phx-keyup="k" phx-blur="b">');
    press($("input"), "keyup", "a");
    fire($("input"), "focusout");
    assert.deepEqual([...$("input").classList], ["phx-keyup-loading", "phx-blur-loading"]);
    answer();
    assert.deepEqual([...$("input").classList], []);
  });

  test("a change marks the field and its form", () => {
    const { $, answer } = widget('<form phx-change="v"><input name="q"></form>');
    typeInto(/** @type {HTMLInputElement} */ ($("input")), "x");
    assert.ok($("form").classList.contains("phx-change-loading"));
    assert.ok($("input").classList.contains("phx-change-loading"));
    answer();
    assert.ok(!$("form").classList.contains("phx-change-loading"));
  });

  test("a submit disables buttons, makes fields read-only, shows phx-disable-with; the answer restores", () => {
    const { $, answer } = widget(
      '<form phx-submit="save"><input name="n"><button phx-disable-with="Saving…"><b>Save</b></button><button type="button" disabled>x</button></form>',
    );
    $("button").click();
    assert.ok($("form").classList.contains("phx-submit-loading"));
    assert.equal($("input").hasAttribute("readonly"), true);
    assert.equal($("button").textContent, "Saving…");
    assert.equal($("button").hasAttribute("disabled"), true);
    answer();
    assert.equal($("button").innerHTML, "<b>Save</b>");
    assert.equal($("button").hasAttribute("disabled"), false);
    assert.equal($("button[type=button]").hasAttribute("disabled"), true); // it was disabled before
    assert.equal($("input").hasAttribute("readonly"), false);
    assert.equal($("form").className, "");
  });

  test("phx-disable-with works on a phx-click button too", () => {
    const { $, answer } = widget('<button phx-click="go" phx-disable-with="Wait">Go</button>');
    $("button").click();
    assert.equal($("button").textContent, "Wait");
    answer();
    assert.equal($("button").textContent, "Go");
  });
});
