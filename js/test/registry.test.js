/**
 * registry.js: one store per `_lw_id`, found by `initialize` and every `render`
 * whatever proxy they get, created by whichever comes first, disposed by the last cleanup.
 */

import assert from "node:assert/strict";
import { after, beforeEach, describe, test } from "node:test";
import widget from "../src/index.js";
import { storeById } from "../src/registry.js";
import { captureErrors, closeWindow, createWindow, documentOf, FakeModel } from "./helpers.js";

const window = createWindow();
const document = documentOf(window);
after(() => closeWindow(window));
beforeEach(() => document.body.replaceChildren());

const TREE = { s: ['<span id="n">', "</span>"], 0: "0" };

/**
 * Render a view of `model` through a fresh proxy.
 *
 * @param {FakeModel} model
 */
function render(model) {
  const el = document.createElement("div");
  document.body.append(el);
  const cleanup = widget.render({ model: model.proxy(), el });
  return { el, cleanup, text: () => el.querySelector("#n")?.textContent };
}

/** @param {FakeModel} model */
function idOf(model) {
  return String(model.get("_lw_id"));
}

describe("stores by _lw_id", () => {
  test("initialize and render share one store without writing to the model", (t) => {
    const model = new FakeModel();
    const set = t.mock.method(model, "set");
    const release = widget.initialize({ model: model.proxy() });
    const view = render(model);
    model.emit({ r: TREE });
    assert.equal(view.text(), "0");
    assert.deepEqual(model.sent, [{ k: "join" }]);
    assert.equal(set.mock.callCount(), 0, "the frontend wrote a model attribute");
    view.cleanup();
    release();
  });

  test("a render that comes first creates the store; initialize then joins it", () => {
    const model = new FakeModel();
    const view = render(model);
    const release = widget.initialize({ model: model.proxy() });
    assert.deepEqual(model.sent, [{ k: "join" }]);
    assert.equal(model.listenerCount("msg:custom"), 1);
    release();
    view.cleanup();
  });

  test("two frontend models of the same widget share its store", () => {
    const id = "same-widget";
    const first = new FakeModel({ _lw_id: id });
    const second = new FakeModel({ _lw_id: id });
    const releases = [widget.initialize({ model: first.proxy() }), widget.initialize({ model: second.proxy() })];
    assert.equal(first.sent.length + second.sent.length, 1);
    for (const release of releases) release();
    assert.equal(storeById(id), undefined);
  });

  test("different widgets get different stores", () => {
    const a = new FakeModel();
    const b = new FakeModel();
    const views = [render(a), render(b)];
    a.emit({ r: TREE });
    b.emit({ r: { ...TREE, 0: "b" } });
    assert.deepEqual(
      views.map((v) => v.text()),
      ["0", "b"],
    );
    for (const view of views) view.cleanup();
  });

  test("the store lives until the last holder lets go, then stops listening", () => {
    const model = new FakeModel();
    const release = widget.initialize({ model: model.proxy() });
    const first = render(model);
    const second = render(model);
    release();
    first.cleanup();
    model.emit({ r: TREE });
    assert.equal(second.text(), "0", "the store went away with holders left");
    assert.ok(storeById(idOf(model)));
    second.cleanup();
    assert.equal(storeById(idOf(model)), undefined);
    assert.equal(model.listenerCount("msg:custom"), 0);
    assert.equal(model.listenerCount("comm_live_update"), 0);
  });

  test("a cleanup called twice lets go once", () => {
    const model = new FakeModel();
    const release = widget.initialize({ model: model.proxy() });
    const view = render(model);
    release();
    release();
    assert.ok(storeById(idOf(model)), "a second release disposed of the store");
    view.cleanup();
  });

  test("a widget displayed again after its store went away joins again", () => {
    const model = new FakeModel();
    render(model).cleanup();
    const view = render(model);
    assert.deepEqual(model.sent, [{ k: "join" }, { k: "join" }]);
    view.cleanup();
  });

  test("a model without _lw_id is logged and still shown", (t) => {
    const errors = captureErrors(t);
    const model = new FakeModel({ _lw_id: "" });
    const view = render(model);
    model.emit({ r: TREE });
    assert.equal(view.text(), "0");
    assert.match(String(errors[0][0]), /has no "_lw_id"/);
    view.cleanup();
    assert.equal(model.listenerCount("msg:custom"), 0);
  });
});
