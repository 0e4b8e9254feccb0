/**
 * dom_patch.js: morphing in place, node identity, the focused control's user state.
 */

import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { focusedElement, patch } from "../src/dom_patch.js";
import { usePage } from "./helpers.js";

const { document, fresh } = usePage();

/** @type {HTMLElement} */
let container;

beforeEach(() => {
  container = fresh("lw-view");
});

/**
 * @template {Element} [T=HTMLElement]
 * @param {string} selector
 * @returns {T}
 */
function $(selector) {
  const el = container.querySelector(selector);
  assert.ok(el, `no ${selector}`);
  return /** @type {T} */ (el);
}

describe("patch", () => {
  test("renders HTML into an empty container", () => {
    patch(container, '<p id="a">hi</p><p>there</p>');
    assert.equal(container.innerHTML, '<p id="a">hi</p><p>there</p>');
  });

  test("updates changed nodes and keeps the identity of unchanged ones", () => {
    patch(container, '<h1 id="t">Title</h1><p class="x">1</p><ul><li>a</li><li>b</li></ul>');
    const title = $("#t");
    const para = $("p");
    const list = $("ul");
    const firstItem = $("li");
    patch(container, '<h1 id="t">Title</h1><p class="y">2</p><ul><li>a</li><li>b</li><li>c</li></ul>');
    assert.equal(container.innerHTML, '<h1 id="t">Title</h1><p class="y">2</p><ul><li>a</li><li>b</li><li>c</li></ul>');
    assert.equal($("#t"), title, "an unchanged element was replaced");
    assert.equal($("p"), para, "a changed element was replaced instead of updated");
    assert.equal($("ul"), list);
    assert.equal($("li"), firstItem);
  });

  test("matches elements by id when they move", () => {
    patch(container, '<div id="one">1</div><div id="two">2</div>');
    const two = $("#two");
    patch(container, '<div id="two">2</div><div id="one">1</div>');
    assert.equal(container.firstElementChild, two);
  });

  test("an id that repeats matches nothing by id, so no element is left behind", () => {
    // A loop with a constant or missing id: morphdom's id index holds one element per id.
    patch(container, '<li id="row-">a</li><li id="row-">b</li>');
    patch(container, '<li id="row-1">a</li><li id="row-">b</li>');
    assert.equal(container.innerHTML, '<li id="row-1">a</li><li id="row-">b</li>');
    patch(container, '<li id="row-">a</li><li id="row-2">b</li><li id="row-">c</li>');
    patch(container, '<li id="row-1">a</li><li id="row-2">b</li><li id="row-">c</li><li id="row-">d</li>');
    assert.equal(container.innerHTML, '<li id="row-1">a</li><li id="row-2">b</li><li id="row-">c</li><li id="row-">d</li>');
  });

  test("a row placeholder whose id repeats asks for the full HTML (it may stand for another row)", () => {
    patch(container, '<li id="x">a</li><li id="x">b</li>');
    assert.equal(patch(container, '<li id="x" data-lw-skip></li><li id="x" data-lw-skip></li>'), false);
    // Once the id is unique, the placeholder keeps its element again.
    patch(container, '<li id="x">a</li><li id="y">b</li>');
    assert.equal(patch(container, '<li id="x" data-lw-skip></li><li id="y">c</li>'), true);
    assert.equal(container.innerHTML, '<li id="x">a</li><li id="y">c</li>');
  });

  test("removes nodes the new HTML lacks", () => {
    patch(container, "<p>a</p><p>b</p><span>c</span>");
    patch(container, "<p>a</p>");
    assert.equal(container.innerHTML, "<p>a</p>");
  });

  test("leaves the container itself alone", () => {
    container.setAttribute("data-keep", "1");
    const clicks = [];
    container.addEventListener("click", () => clicks.push(1));
    patch(container, "<button>b</button>");
    patch(container, "<button>c</button>");
    $("button").click();
    assert.equal(container.getAttribute("data-keep"), "1");
    assert.equal(container.className, "lw-view");
    assert.equal(clicks.length, 1);
  });

  test("the focused input keeps its typed text and caret; its other attributes update", () => {
    patch(container, '<label>n</label><input id="n" name="n" value="1" class="a">');
    const input = /** @type {HTMLInputElement} */ ($("#n"));
    input.focus();
    input.value = "12345";
    input.setSelectionRange(2, 4);
    patch(container, '<label>n!</label><input id="n" name="n" value="999" class="b" placeholder="p">');
    assert.equal($("#n"), input, "the input was replaced");
    assert.equal(document.activeElement, input, "focus was lost");
    assert.equal(input.value, "12345");
    assert.equal(input.selectionStart, 2);
    assert.equal(input.selectionEnd, 4);
    assert.equal(input.className, "b");
    assert.equal(input.getAttribute("placeholder"), "p");
    assert.equal($("label").textContent, "n!", "the rest of the view did not update");
  });

  test("attributes the server dropped are removed from the focused input", () => {
    patch(container, '<input id="n" value="1" readonly data-x="1">');
    const input = /** @type {HTMLInputElement} */ ($("#n"));
    input.focus();
    patch(container, '<input id="n" value="2">');
    assert.equal(document.activeElement, input);
    assert.equal(input.hasAttribute("readonly"), false);
    assert.equal(input.hasAttribute("data-x"), false);
    assert.equal(input.value, "1");
  });

  test("once it loses focus, the input follows the server again", () => {
    patch(container, '<input id="n" value="1">');
    const input = /** @type {HTMLInputElement} */ ($("#n"));
    input.focus();
    input.value = "typed";
    patch(container, '<input id="n" value="server">');
    assert.equal(input.value, "typed");
    input.blur();
    patch(container, '<input id="n" value="server2">');
    assert.equal(input.value, "server2");
  });

  test("an unfocused input takes the server's value", () => {
    patch(container, '<input id="a" value="1"><input id="b" value="x">');
    const a = /** @type {HTMLInputElement} */ ($("#a"));
    const b = /** @type {HTMLInputElement} */ ($("#b"));
    b.focus();
    a.value = "stale";
    patch(container, '<input id="a" value="2"><input id="b" value="y">');
    assert.equal(a.value, "2");
    assert.equal(b.value, "x");
  });

  test("the focused textarea keeps its text and selection", () => {
    patch(container, '<textarea id="t" rows="2">server</textarea>');
    const area = /** @type {HTMLTextAreaElement} */ ($("#t"));
    area.focus();
    area.value = "my long text";
    area.setSelectionRange(3, 7);
    patch(container, '<textarea id="t" rows="5">other</textarea>');
    assert.equal($("#t"), area);
    assert.equal(area.value, "my long text");
    assert.equal(area.selectionStart, 3);
    assert.equal(area.selectionEnd, 7);
    assert.equal(area.getAttribute("rows"), "5");
  });

  test("the focused select keeps the user's choice", () => {
    patch(container, '<select id="s"><option value="a">A</option><option value="b">B</option></select>');
    const select = /** @type {HTMLSelectElement} */ ($("#s"));
    select.focus();
    select.value = "b";
    patch(container, '<select id="s" class="k"><option value="a" selected>A</option><option value="b">B</option></select>');
    assert.equal(select.value, "b");
    assert.equal(select.className, "k");
  });

  test("a focused element that is not a form control is patched normally", () => {
    patch(container, '<button id="b">one</button>');
    const button = /** @type {HTMLButtonElement} */ ($("#b"));
    button.focus();
    patch(container, '<button id="b">two</button>');
    assert.equal(button.textContent, "two");
  });

  test("focusedElement only reports focus inside the container", () => {
    const outside = document.createElement("input");
    document.body.append(outside);
    outside.focus();
    assert.equal(focusedElement(container), null);
    patch(container, "<input>");
    $("input").focus();
    assert.equal(focusedElement(container), $("input"));
  });
});
