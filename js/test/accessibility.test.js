/**
 * What screen readers are told: the view is `aria-busy` while its events are in flight, and
 * an error box is a `role="alert"` outside that busy region (so it is announced at once).
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useHarness } from "./widget_harness.js";

const { harness } = useHarness();

const TREE = {
  s: ['<button id="a" phx-click="slow">a</button><button id="b" phx-click="other">b</button><span id="n">', "</span>"],
  0: "0",
};

/** A displayed widget showing TREE, and its rendered region (`.lw-view`). */
function shown() {
  const model = harness.model();
  const view = harness.display(model);
  model.emit({ r: TREE });
  const region = /** @type {HTMLElement} */ (view.el.querySelector(".lw-root > .lw-view"));
  return { model, view, region };
}

describe("aria-busy on the view", () => {
  test("is absent while nothing is in flight", () => {
    const { region, view } = shown();
    assert.equal(region.hasAttribute("aria-busy"), false);
    assert.equal(view.el.querySelector("[aria-busy]"), null);
  });

  test("is set while an event is in flight, kept through other renders, removed by its answer", () => {
    const { region, view, model } = shown();
    view.$("#a").click();
    assert.equal(region.getAttribute("aria-busy"), "true");
    model.emit({ d: { 0: "1" } }); // a timer's render, meanwhile
    assert.equal(region.getAttribute("aria-busy"), "true");
    model.emit({ d: { 0: "2" }, ref: 1 });
    assert.equal(region.hasAttribute("aria-busy"), false);
    assert.equal(view.$("#n").textContent, "2");
  });

  test("stays until the last of overlapping events is answered", () => {
    const { region, view, model } = shown();
    view.$("#a").click();
    view.$("#b").click();
    model.emit({ ref: 2 });
    assert.equal(region.getAttribute("aria-busy"), "true");
    model.emit({ ref: 1 });
    assert.equal(region.hasAttribute("aria-busy"), false);
  });

  test("is removed by an error answer, whose box is an alert outside the busy region", () => {
    const { region, view, model } = shown();
    view.$("#a").click();
    model.emit({ err: { message: "boom", traceback: "Traceback…" }, ref: 1 });
    assert.equal(region.hasAttribute("aria-busy"), false);
    const box = /** @type {HTMLElement} */ (view.el.querySelector(".lw-error"));
    assert.equal(box.getAttribute("role"), "alert");
    assert.equal(box.closest("[aria-busy]"), null);
    assert.equal(region.contains(box), false);
  });

  test("is removed when the comm goes away (no answer will come)", () => {
    const { region, view, model } = shown();
    view.$("#a").click();
    assert.equal(region.getAttribute("aria-busy"), "true");
    model.setCommLive(false);
    assert.equal(region.hasAttribute("aria-busy"), false);
  });

  test("marks only the view whose element sent the event", () => {
    const model = harness.model();
    const [first, second] = [harness.display(model), harness.display(model)];
    model.emit({ r: TREE });
    first.$("#a").click();
    assert.equal(first.el.querySelector(".lw-view")?.getAttribute("aria-busy"), "true");
    assert.equal(second.el.querySelector(".lw-view")?.hasAttribute("aria-busy"), false);
  });
});

describe("the error box", () => {
  test("is an alert with a labelled dismiss button the keyboard reaches", () => {
    const { view, model } = shown();
    model.emit({ err: { message: "boom" } });
    const box = /** @type {HTMLElement} */ (view.el.querySelector(".lw-error"));
    assert.equal(box.getAttribute("role"), "alert");
    const dismiss = /** @type {HTMLButtonElement} */ (box.querySelector("button.lw-error-dismiss"));
    assert.equal(dismiss.type, "button");
    assert.equal(dismiss.getAttribute("aria-label"), "Dismiss");
    assert.equal(dismiss.tabIndex, 0);
  });

  test("a newer error is a new alert element (screen readers announce insertions)", () => {
    const { view, model } = shown();
    model.emit({ err: { message: "first" } });
    const first = view.el.querySelector(".lw-error");
    model.emit({ err: { message: "second" } });
    const boxes = view.el.querySelectorAll("[role=alert]");
    assert.equal(boxes.length, 1);
    assert.notEqual(boxes[0], first);
    assert.equal(boxes[0].textContent?.includes("second"), true);
  });
});
