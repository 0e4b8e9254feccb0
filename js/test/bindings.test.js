/**
 * bindings.js: phx-click, phx-submit, phx-change, delegated on one widget's root; the
 * payloads they send (payloads.js).
 */

import assert from "node:assert/strict";
import { after, beforeEach, describe, test } from "node:test";
import { bindEvents } from "../src/bindings.js";
import { clickValue, serializeForm } from "../src/payloads.js";
import { captureErrors, closeWindow, createWindow, documentOf, newEvent } from "./helpers.js";

const window = createWindow();
const document = documentOf(window);
after(() => closeWindow(window));

/** @typedef {{type: string, event: string, value: unknown}} Pushed */

/**
 * A widget root holding `html`, bound; returns the root and what it pushed.
 *
 * @param {string} html
 * @returns {{root: HTMLElement, pushed: Pushed[], unbind: () => void}}
 */
function widget(html) {
  const root = document.createElement("div");
  root.className = "lw-root";
  root.innerHTML = html;
  document.body.append(root);
  /** @type {Pushed[]} */
  const pushed = [];
  const unbind = bindEvents(root, (type, event, value) => pushed.push({ type, event, value }));
  return { root, pushed, unbind };
}

/**
 * @template {Element} [T=HTMLElement]
 * @param {ParentNode} parent
 * @param {string} selector
 * @returns {T}
 */
function $(parent, selector) {
  const el = parent.querySelector(selector);
  assert.ok(el, `no ${selector}`);
  return /** @type {T} */ (el);
}

/**
 * Type into a field and fire its `input` event, as a browser does.
 *
 * @param {HTMLInputElement} input
 * @param {string} value
 */
function typeInto(input, value) {
  input.value = value;
  input.dispatchEvent(newEvent(window, "input"));
}

beforeEach(() => document.body.replaceChildren());

describe("phx-click", () => {
  test("sends the event name and the phx-value-* attributes", () => {
    const { root, pushed } = widget(
      '<button phx-click="inc" phx-value-by="5" phx-value-User-Id="u1" data-x="no" value="v">+</button>',
    );
    $(root, "button").click();
    assert.deepEqual(pushed, [{ type: "click", event: "inc", value: { by: "5", "user-id": "u1" } }]);
  });

  test("a click on a child is bound by the closest phx-click ancestor", () => {
    const { root, pushed } = widget('<div phx-click="outer"><span phx-click="inner"><b>x</b></span></div>');
    $(root, "b").click();
    assert.deepEqual(pushed, [{ type: "click", event: "inner", value: {} }]);
  });

  test("clicks on unbound elements send nothing", () => {
    const { root, pushed } = widget("<p><button>plain</button></p>");
    $(root, "button").click();
    assert.deepEqual(pushed, []);
  });

  test("a link to # is not followed", () => {
    const { root, pushed } = widget('<a href="#" phx-click="go">go</a>');
    const event = newEvent(window, "click", { kind: "MouseEvent" });
    $(root, "a").dispatchEvent(event);
    assert.equal(event.defaultPrevented, true);
    assert.equal(pushed.length, 1);
  });

  test("an empty event name is logged, not sent", (t) => {
    const errors = captureErrors(t);
    const { root, pushed } = widget('<button phx-click="">x</button>');
    $(root, "button").click();
    assert.deepEqual(pushed, []);
    assert.equal(errors.length, 1);
  });

  test("clickValue lowercases names and ignores a bare prefix", () => {
    const el = document.createElement("div");
    el.setAttribute("phx-value-a", "1");
    el.setAttribute("phx-value-", "ignored");
    el.setAttribute("phx-valueb", "ignored");
    assert.deepEqual(clickValue(el), { a: "1" });
  });
});

describe("phx-submit", () => {
  const FORM =
    '<form phx-submit="save"><input name="title" value="a b&c"><input type="checkbox" name="done" value="yes" checked>' +
    '<input type="checkbox" name="skip" value="no"><textarea name="body">x=1</textarea>' +
    '<button name="action" value="publish">Publish</button><button name="action" value="draft">Draft</button></form>';

  test("sends the URL-encoded fields with the submitter and prevents the submission", () => {
    const { root, pushed } = widget(FORM);
    /** @type {Event[]} */
    const seen = [];
    document.body.addEventListener("submit", (e) => seen.push(e));
    $(root, 'button[value="draft"]').click();
    assert.deepEqual(pushed, [
      { type: "form", event: "save", value: "title=a+b%26c&done=yes&body=x%3D1&action=draft" },
    ]);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].defaultPrevented, true);
  });

  test("a submission without a submitter sends the fields alone", () => {
    const { root, pushed } = widget(FORM);
    /** @type {HTMLFormElement} */ ($(root, "form")).requestSubmit();
    assert.deepEqual(pushed, [{ type: "form", event: "save", value: "title=a+b%26c&done=yes&body=x%3D1" }]);
  });

  test("a submit button inside the form does not borrow an ancestor's phx-click", () => {
    const { root, pushed } = widget(`<div phx-click="outer">${FORM}</div>`);
    $(root, 'button[value="publish"]').click();
    assert.deepEqual(
      pushed.map((p) => p.type + ":" + p.event),
      ["form:save"],
    );
  });

  test("a submit button with its own phx-click sends its click, then the form", () => {
    const { root, pushed } = widget('<form phx-submit="save"><input name="n" value="1"><button phx-click="pressed">go</button></form>');
    $(root, "button").click();
    assert.deepEqual(pushed, [
      { type: "click", event: "pressed", value: {} },
      { type: "form", event: "save", value: "n=1" },
    ]);
  });

  test("a form without phx-submit or action is kept from navigating, sending nothing", () => {
    const { root, pushed } = widget('<form><input name="n"><button>go</button></form>');
    /** @type {Event[]} */
    const seen = [];
    document.body.addEventListener("submit", (e) => seen.push(e));
    $(root, "button").click();
    assert.deepEqual(pushed, []);
    assert.equal(seen[0].defaultPrevented, true);
  });

  test("serializeForm leaves out disabled fields and unnamed submitters", () => {
    const root = document.createElement("div");
    root.innerHTML = '<form><input name="a" value="1"><input name="b" value="2" disabled><button>x</button></form>';
    const form = /** @type {HTMLFormElement} */ ($(root, "form"));
    assert.equal(serializeForm(form, { submitter: $(root, "button") }), "a=1");
    assert.equal(serializeForm(form, { target: "a" }), "a=1&_target=a");
  });
});

describe("phx-change", () => {
  const FORM = '<form phx-change="validate"><input name="email" value=""><select name="role"><option>a</option><option>b</option></select></form>';

  test("an input event sends the form's fields, unused markers and the changed field's name", () => {
    const { root, pushed } = widget(FORM);
    typeInto($(root, "input"), "me@x");
    assert.deepEqual(pushed, [{ type: "form", event: "validate", value: "email=me%40x&_unused_role=&role=a&_target=email" }]);
  });

  test("a change event after the input event of the same edit is not sent twice", () => {
    const { root, pushed } = widget(FORM);
    const input = /** @type {HTMLInputElement} */ ($(root, "input"));
    typeInto(input, "a");
    input.dispatchEvent(newEvent(window, "change"));
    typeInto(input, "ab");
    assert.deepEqual(
      pushed.map((p) => p.value),
      ["email=a&_unused_role=&role=a&_target=email", "email=ab&_unused_role=&role=a&_target=email"],
    );
  });

  test("a change event alone (a select) is sent with its target", () => {
    const { root, pushed } = widget(FORM);
    const select = /** @type {HTMLSelectElement} */ ($(root, "select"));
    select.value = "b";
    select.dispatchEvent(newEvent(window, "change"));
    assert.deepEqual(pushed, [{ type: "form", event: "validate", value: "_unused_email=&email=&role=b&_target=role" }]);
  });

  test("fields of a form without phx-change send nothing", () => {
    const { root, pushed } = widget('<form phx-submit="s"><input name="n"></form>');
    typeInto($(root, "input"), "1");
    assert.deepEqual(pushed, []);
  });
});

describe("scoping", () => {
  test("each widget hears only its own elements", () => {
    const a = widget('<button phx-click="in-a">a</button><form phx-change="ch-a"><input name="x"></form>');
    const b = widget('<button phx-click="in-b">b</button><form phx-change="ch-b"><input name="y"></form>');
    $(b.root, "button").click();
    typeInto($(b.root, "input"), "1");
    assert.deepEqual(a.pushed, []);
    assert.deepEqual(
      b.pushed.map((p) => p.event),
      ["in-b", "ch-b"],
    );
  });

  test("a phx-click outside the root is not picked up from inside", () => {
    const outer = document.createElement("div");
    outer.setAttribute("phx-click", "outside");
    document.body.append(outer);
    const { root, pushed, unbind } = widget("<span>plain</span>");
    outer.append(root);
    $(root, "span").click();
    assert.deepEqual(pushed, []);
    unbind();
  });

  test("a widget nested in another's root is left to its own bindings", () => {
    const outer = widget('<div phx-click="outer-click"><div id="slot"></div></div>');
    const inner = widget('<button phx-click="inner-click">i</button>');
    $(outer.root, "#slot").append(inner.root);
    $(inner.root, "button").click();
    assert.deepEqual(outer.pushed, []);
    assert.deepEqual(
      inner.pushed.map((p) => p.event),
      ["inner-click"],
    );
  });

  test("unbinding removes every listener", () => {
    const { root, pushed, unbind } = widget(
      '<button phx-click="c">c</button><form phx-change="ch" phx-submit="s"><input name="n"><button name="b" value="1">s</button></form>',
    );
    unbind();
    /** @type {Event[]} */
    const seen = [];
    document.body.addEventListener("submit", (e) => seen.push(e));
    $(root, "button").click();
    typeInto($(root, "input"), "1");
    $(root, "form button").click();
    assert.deepEqual(pushed, []);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].defaultPrevented, false, "the unbound root still prevented the submission");
  });
});
