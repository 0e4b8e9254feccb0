/**
 * LiveComponents on the client: merging `"c"` (shared statics, diffs into held components,
 * removals), building their HTML with `data-phx-component`, patching a widget that shows
 * them (only the changed component's element changes, a row holding a component is never
 * stood in for), and `phx-target` routing events with the component's cid.
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { componentHTML, holdsComponent } from "../src/components.js";
import { mergeDiff, toHTML } from "../src/rendered.js";
import { newEvent } from "./helpers.js";
import { settle, useHarness } from "./widget_harness.js";

const { window, harness } = useHarness();

const LI = ['<li id="t', '"><button phx-click="toggle" phx-target="', '">', "</button></li>"];
/** @param {number[]} cids */
const page = (cids) => ({
  s: ["<ul>", "</ul><p>", "</p>"],
  0: { s: ["", ""], k: { ...cids.map((cid) => ({ 0: cid })), kc: cids.length } },
  1: "note",
});

describe("merging components", () => {
  test("a full tree shares statics by cid; a diff updates one component", () => {
    const full = { ...page([1, 2]), c: { 1: { s: LI, 0: "1", 1: "1", 2: "a", r: 1 }, 2: { s: 1, 0: "2", 1: "2", 2: "b", r: 1 } } };
    const tree = mergeDiff(null, full);
    assert.equal(
      toHTML(tree),
      '<ul><li data-phx-component="1" id="t1"><button phx-click="toggle" phx-target="1">a</button></li>' +
        '<li data-phx-component="2" id="t2"><button phx-click="toggle" phx-target="2">b</button></li></ul><p>note</p>',
    );
    const next = mergeDiff(tree, { c: { 2: { 2: "B" } } });
    assert.match(toHTML(next), /phx-target="2">B</);
    assert.match(toHTML(tree), /phx-target="2">b</, "the old tree is left as it was");
  });

  test("a new component shares held statics (negative cid); removed cids are pruned", () => {
    let tree = mergeDiff(null, { ...page([1]), c: { 1: { s: LI, 0: "1", 1: "1", 2: "a", r: 1 } } });
    tree = mergeDiff(tree, { 0: { k: { 1: { 0: 2 }, kc: 2 } }, c: { 2: { s: -1, 0: "2", 1: "2", 2: "b", r: 1 } } });
    assert.deepEqual(Object.keys(/** @type {object} */ (tree?.c)), ["1", "2"]);
    tree = mergeDiff(tree, { 0: { k: { 0: 1, km: true, kc: 1 } }, cd: [1] });
    assert.deepEqual(Object.keys(/** @type {object} */ (tree?.c)), ["2"]);
    assert.equal(toHTML(tree), '<ul><li data-phx-component="2" id="t2"><button phx-click="toggle" phx-target="2">b</button></li></ul><p>note</p>');
  });

  test("the root attribute goes where Phoenix's client puts it, after comments and space", () => {
    assert.equal(componentHTML(4, "\n <!-- x --> <div class='a'>y</div>"), "\n <!-- x --> <div data-phx-component=\"4\" class='a'>y</div>");
    assert.equal(holdsComponent([["a", { s: ["", ""], 0: 3 }]]), true);
    assert.equal(holdsComponent(["a", { s: ["", ""], 0: "3" }]), false);
  });
});

describe("a widget showing components", () => {
  /** @param {object} tree */
  function shown(tree) {
    const model = harness.model();
    const view = harness.display(model);
    model.emit({ r: tree });
    const events = () => model.sent.filter((m) => m.k !== "join");
    return { model, view, events };
  }
  const FULL = {
    ...page([1, 2]),
    c: {
      1: { s: LI, 0: "1", 1: "1", 2: "a", r: 1 },
      2: { s: 1, 0: "2", 1: "2", 2: "b", r: 1 },
    },
  };

  test("phx-target={{ myself }} sends the cid; a CSS selector sends its component's cid", () => {
    const { view, events, model } = shown({
      ...FULL,
      1: '<a id="out" phx-click="poke" phx-target="#t2">poke</a><i phx-click="plain">v</i>',
    });
    view.$("#t1 button").click();
    model.emit({ ref: 1 });
    view.$("#out").click();
    model.emit({ ref: 2 });
    view.$("i").click();
    assert.deepEqual(events(), [
      { k: "event", type: "click", event: "toggle", value: {}, ref: 1, cid: 1 },
      { k: "event", type: "click", event: "poke", value: {}, ref: 2, cid: 2 },
      { k: "event", type: "click", event: "plain", value: {}, ref: 3 },
    ]);
  });

  test("a selector matching several elements sends one event to each owner; none, nothing", (t) => {
    const { view, events, model } = shown({
      ...FULL,
      1: '<a id="all" phx-click="poke" phx-target="li, p">all</a><a id="none" phx-click="poke" phx-target="#nope">x</a>',
    });
    view.$("#all").click();
    model.emit({ ref: 1 });
    model.emit({ ref: 2 });
    model.emit({ ref: 3 });
    const errors = [];
    const original = console.error;
    console.error = (...args) => errors.push(args);
    t.after(() => (console.error = original));
    view.$("#none").click();
    assert.deepEqual(
      events().map((m) => [m.event, m.cid]),
      [
        ["poke", 1],
        ["poke", 2],
        ["poke", undefined],
      ],
    );
    assert.equal(errors.length, 1);
  });

  test("JS().push(target=...) targets a component; a form inside one sends its cid", () => {
    const push = JSON.stringify([["push", { event: "hit", target: 2 }]]).replaceAll('"', "&quot;");
    const form = '<form phx-submit="save" phx-target="{{ myself }}"><input name="t" value="x"></form>';
    const { view, events } = shown({
      s: ['<div><b phx-click="', '">b</b>', "</div>"],
      0: push,
      1: 1,
      c: { 1: { s: [form.replace("{{ myself }}", "1")], r: 1 } },
    });
    view.$("b").click();
    view.$("form").dispatchEvent(newEvent(window, "submit"));
    const sent = events();
    assert.deepEqual(sent[0], { k: "event", type: "click", event: "hit", value: {}, ref: 1, cid: 2 });
    assert.equal(sent[1].event, "save");
    assert.equal(sent[1].cid, 1);
  });

  test("a component's button has its loading class until the answer", () => {
    const { view, model } = shown(FULL);
    view.$("#t2 button").click();
    assert.equal(view.$("#t2 button").classList.contains("phx-click-loading"), true);
    model.emit({ d: { c: { 2: { 2: "B" } } }, ref: 1 });
    assert.equal(view.$("#t2 button").classList.contains("phx-click-loading"), false);
    assert.equal(view.$("#t2 button").textContent, "B");
  });

  test("a component's diff changes its element only; a row holding it is rendered again", () => {
    const { view, model } = shown(FULL);
    const first = view.$("#t1");
    const second = view.$("#t2");
    model.emit({ d: { c: { 2: { 2: "B" } } } });
    assert.equal(view.$("#t2 button").textContent, "B");
    assert.equal(view.$("#t1"), first, "the other component's element is kept");
    assert.equal(view.$("#t2"), second, "morphed in place");
    model.emit({ d: { c: { 1: { 2: "A" } } } });
    model.emit({ d: { c: { 1: { 2: "AA" } } } });
    assert.equal(view.$("#t1 button").textContent, "AA");
    model.emit({ d: { 0: { k: { 0: 1, km: true, kc: 1 } }, cd: [1] } });
    assert.equal(view.el.querySelector("#t1"), null);
    assert.equal(view.$("#t2 button").textContent, "B");
  });
});

describe("hooks inside components", () => {
  test("a hook in a component mounts; pushEventTo(this.el) and pushEventTo(cid) target it", async () => {
    /** @type {any} */
    let instance = null;
    const model = harness.model();
    harness.display(model);
    const hook = {
      /** @this {any} */
      mounted() {
        instance = this;
      },
    };
    model.emit({
      r: { s: ["<main>", "</main>"], 0: 7, c: { 7: { s: ['<div id="h" phx-hook="Inside">', "</div>"], 0: "x", r: 1 } } },
      h: { Inside: harness.hook(hook) },
    });
    await settle();
    assert.ok(instance, "the hook inside the component did not mount");
    instance.pushEvent("to-view", {});
    instance.pushEventTo(instance.el, "to-me", {});
    instance.pushEventTo("#h", "to-sel", {});
    const sent = model.sent.filter((m) => m.k !== "join").map((m) => [m.event, m.cid]);
    assert.deepEqual(sent, [
      ["to-view", undefined],
      ["to-me", 7],
      ["to-sel", 7],
    ]);
  });
});
