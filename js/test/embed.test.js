/**
 * Embedded widgets (`embed.js`): the placeholders' bookkeeping across patches, with a fake
 * widget manager, and the whole widget (index.js) showing one through re-renders.
 */

import assert from "node:assert/strict";
import { after, beforeEach, describe, test } from "node:test";
import { patch } from "../src/dom_patch.js";
import { CLASS_EMBED_ERROR, displayWidget, Embeds, keepsEmbed, managerOf, modelOf } from "../src/embed.js";
import widget from "../src/index.js";
import { captureErrors, FakeModel, usePage } from "./helpers.js";

const { document, fresh } = usePage();

/** A placeholder as `livewidget/template/_embed.py` renders it. @param {string} id */
const placeholder = (id) => `<div id="lw-embed-${id}" class="lw-embed" data-lw-embed="${id}"></div>`;

/** Let promises (the fake manager's) settle. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * A fake of ipywidgets' widget manager: each view is a `<div class="fake-view">` naming
 * its model, whose Lumino widget records the messages it gets.
 */
class FakeManager {
  constructor() {
    /** Every view made, in order. @type {any[]} */
    this.views = [];
    /** Models that do not exist. @type {Set<string>} */
    this.missing = new Set();
    /** Models whose comm is still opening: how many more `get_model` calls fail. @type {Map<string, number>} */
    this.opening = new Map();
    /** How many times `get_model` was called. */
    this.lookups = 0;
  }

  /** @param {string} id */
  async get_model(id) {
    this.lookups++;
    const opening = this.opening.get(id) ?? 0;
    if (opening > 0) this.opening.set(id, opening - 1);
    if (this.missing.has(id) || opening > 0) throw new Error("widget model not found");
    return { id };
  }

  /** @param {any} model */
  async create_view(model) {
    const el = document.createElement("div");
    el.className = "fake-view";
    el.textContent = model.id;
    /** @type {string[]} */
    const messages = [];
    const view = {
      el,
      removed: false,
      messages,
      remove: () => {
        view.removed = true;
        el.remove();
      },
      luminoWidget: {
        node: el,
        isAttached: false,
        /** @param {{type: string}} msg */
        processMessage: (msg) => {
          messages.push(msg.type);
          if (msg.type === "after-attach") view.luminoWidget.isAttached = true;
          if (msg.type === "after-detach") view.luminoWidget.isAttached = false;
        },
      },
    };
    this.views.push(view);
    return view;
  }

  /** The views not removed. */
  get live() {
    return this.views.filter((view) => !view.removed);
  }
}

/** @type {FakeManager} */
let manager;
beforeEach(() => {
  manager = new FakeManager();
});

/**
 * Patch `container` into `html`, then let the embeds catch up, as the view does.
 *
 * @param {Element} container @param {Embeds} embeds @param {string} html
 */
async function render(container, embeds, html) {
  patch(container, html);
  embeds.afterPatch();
  await settle();
}

describe("keepsEmbed", () => {
  test("keeps a placeholder that names the same widget, and only then", () => {
    const el = (/** @type {string} */ html) => {
      const box = document.createElement("div");
      box.innerHTML = html;
      return box.firstElementChild;
    };
    const a = /** @type {Element} */ (el(placeholder("a")));
    assert.equal(keepsEmbed(a, /** @type {Element} */ (el(placeholder("a")))), true);
    assert.equal(keepsEmbed(a, /** @type {Element} */ (el(placeholder("b")))), false);
    assert.equal(keepsEmbed(a, /** @type {Element} */ (el("<div></div>"))), false);
    assert.equal(keepsEmbed(/** @type {Element} */ (el("<div></div>")), /** @type {Element} */ (el("<div></div>"))), false);
  });
});

describe("Embeds", () => {
  test("makes one view per placeholder and keeps it, same element, through 100 patches", async () => {
    const container = fresh();
    const embeds = new Embeds(container, () => manager);
    await render(container, embeds, `<p>0</p>${placeholder("m1")}`);
    const shown = container.querySelector(".fake-view");
    assert.ok(shown);
    Object.assign(shown, { marked: true });
    for (let i = 1; i <= 100; i++) await render(container, embeds, `<p>${i}</p>${placeholder("m1")}<span>${i}</span>`);
    assert.equal(manager.views.length, 1);
    assert.equal(container.querySelector(".fake-view"), shown);
    assert.equal(/** @type {any} */ (shown).marked, true);
    assert.equal(container.querySelector("p")?.textContent, "100");
    assert.deepEqual(manager.views[0].messages, ["before-attach", "after-attach"]);
  });

  test("the placeholder's attributes follow the kernel while its view stays", async () => {
    const container = fresh();
    const embeds = new Embeds(container, () => manager);
    await render(container, embeds, placeholder("m1"));
    await render(container, embeds, placeholder("m1").replace('class="lw-embed"', 'class="lw-embed wide" style="height: 9em"'));
    const el = /** @type {HTMLElement} */ (container.querySelector(".lw-embed"));
    assert.equal(el.className, "lw-embed wide");
    assert.equal(el.getAttribute("style"), "height: 9em");
    assert.equal(manager.views.length, 1);
    assert.equal(el.querySelector(".fake-view"), manager.views[0].el);
  });

  test("moves with its element when rows are reordered", async () => {
    const container = fresh();
    const embeds = new Embeds(container, () => manager);
    const row = (/** @type {string} */ id) => `<li id="row-${id}">${id} ${placeholder(id)}</li>`;
    await render(container, embeds, `<ul>${row("a")}${row("b")}${row("c")}</ul>`);
    const views = Array.from(container.querySelectorAll(".fake-view"));
    await render(container, embeds, `<ul>${row("c")}${row("a")}${row("b")}</ul>`);
    assert.equal(manager.views.length, 3);
    assert.deepEqual(Array.from(container.querySelectorAll(".fake-view")), [views[2], views[0], views[1]]);
    assert.deepEqual(Array.from(container.querySelectorAll("li")).map((li) => li.id), ["row-c", "row-a", "row-b"]);
  });

  test("removes the view when its placeholder leaves the page, and makes a new one when it comes back", async () => {
    const container = fresh();
    const embeds = new Embeds(container, () => manager);
    await render(container, embeds, `<p>x</p>${placeholder("m1")}`);
    const first = manager.views[0];
    await render(container, embeds, "<p>x</p>");
    assert.equal(first.removed, true);
    assert.deepEqual(first.messages, ["before-attach", "after-attach", "before-detach", "after-detach"]);
    assert.equal(embeds.shown.size, 0);
    await render(container, embeds, `<p>x</p>${placeholder("m1")}`);
    assert.equal(manager.live.length, 1);
    assert.notEqual(manager.live[0], first);
  });

  test("a placeholder that now names another widget shows that one instead", async () => {
    const container = fresh();
    const embeds = new Embeds(container, () => manager);
    // Without ids, morphdom matches the two placeholders by position.
    const bare = (/** @type {string} */ id) => `<div class="lw-embed" data-lw-embed="${id}"></div>`;
    await render(container, embeds, bare("a"));
    await render(container, embeds, bare("b"));
    assert.equal(manager.views[0].removed, true);
    assert.deepEqual(Array.from(container.querySelectorAll(".fake-view"), (el) => el.textContent), ["b"]);
  });

  test("a placeholder matched with another element is patched like any element", async () => {
    const container = fresh();
    const embeds = new Embeds(container, () => manager);
    await render(container, embeds, `<div class="lw-embed" data-lw-embed="a"></div>`);
    await render(container, embeds, `<div class="note">plain text</div>`);
    assert.equal(container.innerHTML, `<div class="note">plain text</div>`);
    assert.equal(manager.live.length, 0);
  });

  test("a view made after its placeholder left is removed at once", async () => {
    const container = fresh();
    const embeds = new Embeds(container, () => manager);
    patch(container, placeholder("m1"));
    embeds.afterPatch();
    patch(container, "<p>gone</p>");
    embeds.afterPatch();
    await settle();
    assert.equal(manager.views.length, 1);
    assert.equal(manager.views[0].removed, true);
    assert.equal(container.querySelector(".fake-view"), null);
  });

  test("destroy removes every view", async () => {
    const container = fresh();
    const embeds = new Embeds(container, () => manager);
    await render(container, embeds, placeholder("a") + placeholder("b"));
    embeds.destroy();
    assert.equal(manager.live.length, 0);
    assert.equal(embeds.shown.size, 0);
  });

  test("leaves the placeholders inside an embedded widget to that widget", async () => {
    const container = fresh();
    const embeds = new Embeds(container, () => manager);
    await render(container, embeds, placeholder("outer"));
    // The embedded widget (a LiveWidget) shows a placeholder of its own.
    container.querySelector(".fake-view")?.insertAdjacentHTML("beforeend", placeholder("inner"));
    embeds.afterPatch();
    await settle();
    assert.deepEqual(manager.views.map((view) => view.el.textContent), ["outer"]);
  });

  test("says in the placeholder when the widget cannot be shown", async (t) => {
    const errors = captureErrors(t);
    const container = fresh();
    manager.missing.add("gone");
    const noWait = { tries: 1, step: 0 };
    const embeds = new Embeds(container, () => manager, (m, id, host) => displayWidget(m, id, host, noWait));
    await render(container, embeds, placeholder("gone"));
    const note = container.querySelector(`.${CLASS_EMBED_ERROR}`);
    assert.match(note?.textContent ?? "", /cannot be shown here \(Error: widget model not found\)/);
    assert.equal(errors.length, 1);
    // A later patch keeps the note; removing the placeholder removes it.
    await render(container, embeds, placeholder("gone") + "<p>1</p>");
    assert.ok(container.querySelector(`.${CLASS_EMBED_ERROR}`));
    assert.equal(errors.length, 1);
  });

  test("without a widget manager, the placeholder says so", async (t) => {
    const errors = captureErrors(t);
    const container = fresh();
    const embeds = new Embeds(container, () => undefined);
    await render(container, embeds, placeholder("a"));
    assert.match(container.textContent ?? "", /no Jupyter widget manager/);
    assert.equal(errors.length, 1);
  });
});

describe("displayWidget and managerOf", () => {
  test("attaches the manager's view as JupyterLab does, and detaches it", async () => {
    const host = fresh();
    const remove = await displayWidget(/** @type {any} */ (manager), "m7", host);
    const [view] = manager.views;
    assert.equal(host.firstElementChild, view.el);
    assert.equal(view.luminoWidget.isAttached, true);
    remove();
    assert.equal(host.childElementCount, 0);
    assert.equal(view.removed, true);
    assert.deepEqual(view.messages, ["before-attach", "after-attach", "before-detach", "after-detach"]);
  });

  test("a view without a Lumino widget is appended as it is", async () => {
    const host = fresh();
    const el = document.createElement("b");
    let removed = 0;
    const bare = { get_model: async () => ({}), create_view: async () => ({ el, remove: () => removed++ }) };
    const remove = await displayWidget(bare, "x", host);
    assert.equal(host.firstElementChild, el);
    remove();
    assert.equal(removed, 1);
    assert.equal(host.childElementCount, 0);
  });

  test("waits for a model whose comm is still opening", async () => {
    const host = fresh();
    manager.opening.set("late", 2); // Voilà 0.5's manager fails at once until it is there
    await displayWidget(/** @type {any} */ (manager), "late", host, { tries: 5, step: 0 });
    assert.equal(manager.lookups, 3);
    assert.equal(host.querySelector(".fake-view")?.textContent, "late");
  });

  test("gives up on a model that never comes, with the manager's error", async () => {
    manager.missing.add("gone");
    const wait = { tries: 4, step: 0 };
    await assert.rejects(modelOf(/** @type {any} */ (manager), "gone", wait), /widget model not found/);
    assert.equal(manager.lookups, 4);
    // ipywidgets 7 resolves to undefined instead of failing: waited for, then refused too.
    let calls = 0;
    const old = { get_model: async () => void calls++, create_view: async () => ({}) };
    await assert.rejects(modelOf(/** @type {any} */ (old), "x", wait), /widget model not found/);
    assert.equal(calls, 4);
  });

  test("managerOf finds the manager on the store's model, or nothing", () => {
    assert.equal(managerOf({ model: { widget_manager: manager } }), manager);
    assert.equal(managerOf({ model: { widget_manager: { get_model() {} } } }), undefined);
    assert.equal(managerOf({ model: {} }), undefined);
    assert.equal(managerOf({}), undefined);
  });
});

describe("a whole widget", () => {
  /** @type {(() => void)[]} */
  const cleanups = [];
  after(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  test("keeps its embedded view through re-renders and removes it with the view", async () => {
    const model = new FakeModel();
    const proxy = () => ({ ...model.proxy(), widget_manager: manager });
    cleanups.push(widget.initialize({ model: proxy() }));
    const el = fresh();
    const cleanup = widget.render({ model: proxy(), el });
    model.emit({ r: { s: ["<p>", "</p>", ""], 0: "0", 1: placeholder("slider") } });
    await settle();
    const shown = el.querySelector(".fake-view");
    assert.ok(shown);
    for (let i = 1; i <= 100; i++) {
      model.emit({ d: { 0: String(i) } });
      await settle();
    }
    assert.equal(el.querySelector("p")?.textContent, "100");
    assert.equal(el.querySelector(".fake-view"), shown);
    assert.equal(manager.views.length, 1);
    cleanup();
    assert.equal(manager.live.length, 0);
  });
});
