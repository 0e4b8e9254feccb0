/**
 * Bindings inside a whole widget (index.js → store.js → view.js): root state classes,
 * loading states undone by the answer's ref, what JS commands did kept across patches,
 * phx-update="ignore", phx-mounted / phx-remove, fields held while a change is in flight.
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { captureErrors, newEvent } from "./helpers.js";
import { useHarness } from "./widget_harness.js";

const { window, harness } = useHarness();

/**
 * A displayed widget showing `tree`.
 *
 * @param {import("../src/rendered.js").Tree} tree
 */
function shown(tree) {
  const model = harness.model();
  const view = harness.display(model);
  model.emit({ r: tree });
  const root = /** @type {HTMLElement} */ (view.el.querySelector(".lw-root"));
  /** The events sent, without the join. */
  const events = () => model.sent.filter((m) => m.k !== "join");
  return { model, view, root, events };
}

describe("the root's state classes", () => {
  test("phx-loading until the first tree, then phx-connected; phx-error once the comm is gone", () => {
    const model = harness.model();
    const view = harness.display(model);
    const root = /** @type {HTMLElement} */ (view.el.querySelector(".lw-root"));
    assert.deepEqual([...root.classList], ["lw-root", "phx-loading"]);
    model.emit({ r: { s: ["<p>hi</p>"] } });
    assert.deepEqual([...root.classList], ["lw-root", "phx-connected"]);
    model.setCommLive(false);
    assert.deepEqual([...root.classList], ["lw-root", "phx-error"]);
  });
});

describe("loading states and the answer's ref", () => {
  const TREE = { s: ['<button phx-click="slow" class="', '">go</button><span id="n">', "</span>"], 0: "btn", 1: "0" };

  test("a render without the event's ref keeps the loading class; the answer removes it", () => {
    const { view, model, events } = shown(TREE);
    view.$("button").click();
    assert.deepEqual(events(), [{ k: "event", type: "click", event: "slow", value: {}, ref: 1 }]);
    model.emit({ d: { 0: "btn big", 1: "1" } }); // a timer's render, meanwhile
    assert.equal(view.$("button").className, "btn big phx-click-loading");
    model.emit({ d: { 1: "2" }, ref: 1 });
    assert.equal(view.$("button").className, "btn big");
    assert.equal(view.$("#n").textContent, "2");
  });

  test("an error answer ends the loading state too", () => {
    const { view, model } = shown(TREE);
    view.$("button").click();
    model.emit({ err: { message: "boom" }, ref: 1 });
    assert.equal(view.$("button[phx-click]").className, "btn");
  });

  test("phx-disable-with shows the kernel's new text once answered", () => {
    const { view, model } = shown({ s: ['<form phx-submit="save"><button phx-disable-with="Saving">', "</button></form>"], 0: "Save" });
    view.$("button").click();
    assert.equal(view.$("button").textContent, "Saving");
    model.emit({ d: { 0: "Save again" } });
    assert.equal(view.$("button").textContent, "Saving");
    model.emit({ ref: 1 });
    assert.equal(view.$("button").textContent, "Save again");
    assert.equal(view.$("button").hasAttribute("disabled"), false);
  });

  test("phx-disable-with around a list shows its rows once answered, not the patch's placeholders", () => {
    const rows = { s: ['<i id="r', '">', "</i>"], d: [["1", "a"], ["2", "b"]] };
    const { view, model } = shown({ s: ['<h1>', '</h1><button phx-click="go" phx-disable-with="Wait">', "</button>"], 0: "t", 1: rows });
    model.emit({ d: { 0: "t1" } }); // the rows are on screen now: later patches skip them
    view.$("button").click();
    model.emit({ d: { 0: "t2", 1: { k: { 1: { 1: "B" } } } } }); // a render meanwhile
    assert.equal(view.$("button").textContent, "Wait");
    model.emit({ ref: 1 });
    assert.equal(view.$("button").innerHTML, '<i id="r1">a</i><i id="r2">B</i>');
  });

  test("fields keep what the user typed while the form's change is in flight", () => {
    const tree = { s: ['<form phx-change="v"><input name="a" value="', '"><input name="b" value="', '"></form>'], 0: "", 1: "" };
    const { view, model } = shown(tree);
    const a = /** @type {HTMLInputElement} */ (view.$("[name=a]"));
    const b = /** @type {HTMLInputElement} */ (view.$("[name=b]"));
    a.value = "typed";
    a.dispatchEvent(newEvent(window, "input"));
    b.value = "also typed";
    b.dispatchEvent(newEvent(window, "input"));
    model.emit({ d: { 0: "TYPED", 1: "" }, ref: 1 }); // the first answer; the second is in flight
    assert.equal(a.value, "typed");
    assert.equal(b.value, "also typed");
    model.emit({ d: { 0: "TYPED", 1: "ALSO" }, ref: 2 });
    assert.equal(a.value, "TYPED");
    assert.equal(b.value, "ALSO");
  });
});

describe("a submission's answer", () => {
  test("lets the kernel clear the focused field; other renders keep what the user typed", async () => {
    const tree = { s: ['<form phx-submit="save"><input name="n" value="', '"><button>s</button></form><p>', "</p>"], 0: "", 1: "0" };
    const { view, model } = shown(tree);
    const input = /** @type {HTMLInputElement} */ (view.$("input"));
    input.focus();
    input.value = "Ada";
    view.$("form").dispatchEvent(newEvent(window, "submit"));
    model.emit({ d: { 0: "", 1: "saved" }, ref: 1 });
    assert.equal(input.value, "");
    assert.equal(view.el.ownerDocument.activeElement, input);
    await Promise.resolve();
    input.value = "typing";
    model.emit({ d: { 1: "tick" } });
    assert.equal(input.value, "typing");
  });
});

describe("JS commands in a widget", () => {
  test("a menu opened by a command stays open across the kernel's renders", () => {
    const { view, model, events } = shown({
      s: [`<button phx-click='[["toggle",{"to":"#menu"}],["add_class",{"names":["on"]}]]'>menu</button><ul id="menu" style="display: none" class="`, '"><li>', "</li></ul>"],
      0: "m",
      1: "a",
    });
    view.$("button").click();
    assert.notEqual(view.$("#menu").style.display, "none");
    model.emit({ d: { 0: "m wide", 1: "b" } });
    assert.notEqual(view.$("#menu").style.display, "none");
    assert.equal(view.$("#menu").className, "m wide");
    assert.equal(view.$("button").className, "on");
    assert.deepEqual(events(), []);
    view.$("button").click();
    assert.equal(view.$("#menu").style.display, "none");
  });

  test("navigate and patch send the widget's nav message", () => {
    const { view, events } = shown({ s: [`<button phx-click='[["patch",{"href":"/?tab=2"}]]'>p</button><a phx-click='[["navigate",{"href":"/users/1"}]]'>n</a>`] });
    view.$("button").click();
    view.$("a").click();
    assert.deepEqual(events(), [
      { k: "nav", kind: "patch", url: "/?tab=2", replace: false, ref: 1 },
      { k: "nav", kind: "redirect", url: "/users/1", replace: false, ref: 2 },
    ]);
  });

  test("a malformed command logs an error and sends nothing", (t) => {
    const errors = captureErrors(t);
    const { view, events } = shown({ s: [`<button phx-click='[["push",{"event":"x"}],["fly",{}]]'>x</button>`] });
    view.$("button").click();
    assert.deepEqual(events(), []);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0][0]), /\[livewidget\] ignoring the JS commands of phx-click: command 2 is "fly"/);
  });
});

describe("phx-update, phx-mounted, phx-remove", () => {
  test('phx-update="ignore" keeps the children; data-* attributes follow the kernel', () => {
    const { view, model } = shown({ s: ['<div id="chart" phx-update="ignore" data-v="', '" title="', '"><p>', "</p></div>"], 0: "1", 1: "a", 2: "server" });
    view.$("#chart p").textContent = "drawn by a library";
    model.emit({ d: { 0: "2", 1: "b", 2: "server 2" } });
    assert.equal(view.$("#chart p").textContent, "drawn by a library");
    assert.equal(view.$("#chart").dataset.v, "2");
    assert.equal(view.$("#chart").title, "a");
  });

  test("phx-mounted runs when an element enters the view, on the first render too", () => {
    const mounted = `<p id="p" phx-mounted='[["add_class",{"names":["seen"]}]]'>`;
    const { view, model, events } = shown({ s: ["", "<div></div>"], 0: { s: [`${mounted}first</p>`] } });
    assert.equal(view.$("#p").className, "seen");
    model.emit({ d: { 0: "" } });
    model.emit({ d: { 0: { s: [`<div>${mounted}again</p></div>`] } } });
    assert.equal(view.$("#p").className, "seen");
    assert.deepEqual(events(), []);
  });

  test("phx-remove runs when an element leaves; with a transition it stays until it ends", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const gone = `<div id="toast" phx-remove='[["hide",{"transition":[["fade"],[],[]],"time":300}],["push",{"event":"gone"}]]'>hi</div>`;
    const { view, model, events } = shown({ s: ["", "<p>x</p>"], 0: gone });
    model.emit({ d: { 0: "" } });
    assert.deepEqual(events().map((m) => m.event), ["gone"]);
    assert.ok(view.$("#toast").classList.contains("fade"));
    t.mock.timers.tick(300);
    assert.equal(view.el.querySelector("#toast"), null);
  });
});
