/**
 * What a hook instance can do: pushEvent (with replies), pushEventTo, handleEvent and
 * removeHandleEvent, disconnected / reconnected; and the real module loader.
 */

import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { dataUrl, importModuleSource } from "../src/environment.js";
import { captureErrors } from "./helpers.js";
import { settle, useHarness } from "./widget_harness.js";

const { window, harness } = useHarness();

const TREE = { s: ['<div id="h" phx-hook="Api">', '</div><p id="target">t</p>'], 0: "0" };

/**
 * A widget whose one hooked element's instance the test gets to drive.
 *
 * @param {{[key: string]: unknown}} [extra] more callbacks for the hook object
 * @param {{commLive?: boolean}} [proxyOptions]
 */
async function hooked(extra = {}, proxyOptions = {}) {
  /** @type {any} */
  let instance = null;
  const model = harness.model({}, proxyOptions);
  const view = harness.display(model, proxyOptions);
  const hook = {
    /** @this {any} */
    mounted() {
      instance = this;
    },
    ...extra,
  };
  model.emit({ r: TREE, h: { Api: harness.hook(hook) } });
  await settle();
  assert.ok(instance, "the hook did not mount");
  return { model, view, instance };
}

describe("pushEvent", () => {
  test("sends a hook event with a ref; the reply's rep goes to onReply with that ref", async () => {
    const { model, instance } = await hooked();
    /** @type {unknown[][]} */
    const replies = [];
    const promise = instance.pushEvent("ask", { x: 21 }, (/** @type {unknown[]} */ ...args) => replies.push(args));
    assert.deepEqual(model.sent.at(-1), { k: "event", type: "hook", event: "ask", value: { x: 21 }, ref: 1 });
    model.emit({ rep: { answer: 42 }, ref: 1 });
    assert.deepEqual(await promise, { answer: 42 });
    assert.deepEqual(replies, [[{ answer: 42 }, 1]]);
    model.emit({ rep: { answer: 0 }, ref: 1 });
    await settle();
    assert.equal(replies.length, 1, "a second message with the same ref was taken as a reply");
  });

  test("a reply without rep resolves with undefined and does not call onReply", async () => {
    const { model, instance } = await hooked();
    let called = false;
    const promise = instance.pushEvent("noop", undefined, () => (called = true));
    assert.deepEqual(model.sent.at(-1).value, {}, "a missing payload is sent as {}");
    model.emit({ d: { 0: "1" }, ref: 1 });
    assert.equal(await promise, undefined);
    assert.equal(called, false);
  });

  test("replies go to their own refs, whatever the order", async () => {
    const { model, instance } = await hooked();
    /** @type {unknown[]} */
    const got = [];
    instance.pushEvent("a", {}, (/** @type {unknown} */ rep) => got.push(rep));
    instance.pushEvent("b", {}, (/** @type {unknown} */ rep) => got.push(rep));
    model.emit({ rep: { for: "b" }, ref: 2 });
    model.emit({ rep: { for: "a" }, ref: 1 });
    await settle();
    assert.deepEqual(got, [{ for: "b" }, { for: "a" }]);
  });

  test("an onReply that throws shows in the error box", async (t) => {
    captureErrors(t);
    const { model, view, instance } = await hooked();
    instance.pushEvent("ask", {}, () => {
      throw new Error("bad reply handling");
    });
    model.emit({ rep: {}, ref: 1 });
    await settle();
    assert.match(String(view.$(".lw-error-message").textContent), /Hook "Api" on #h failed in its pushEvent\("ask"\) reply callback/);
  });
});

describe("pushEventTo", () => {
  test("a selector or element inside this view pushes to the view", async () => {
    const { model, view, instance } = await hooked();
    instance.pushEventTo("#target", "to-sel", { a: 1 });
    instance.pushEventTo(view.$("#target"), "to-el", {});
    assert.deepEqual(
      model.sent.slice(1).map((m) => m.event),
      ["to-sel", "to-el"],
    );
  });

  test("a target outside the view is logged, not sent", async (t) => {
    const errors = captureErrors(t);
    const { model, instance } = await hooked();
    const outside = window.document.createElement("p");
    outside.id = "elsewhere";
    window.document.body.append(outside);
    instance.pushEventTo("#elsewhere", "x", {});
    instance.pushEventTo(outside, "x", {});
    instance.pushEventTo("[[bad selector", "x", {});
    assert.equal(model.sent.length, 1, "only the join was sent");
    assert.equal(errors.length, 3);
    assert.match(String(errors[0][0]), /pushEventTo found no element/);
  });
});

describe("handleEvent", () => {
  test("removeHandleEvent stops the delivery of that callback only", async () => {
    const { model, instance } = await hooked();
    /** @type {string[]} */
    const got = [];
    const first = instance.handleEvent("ping", (/** @type {any} */ p) => got.push(`first ${p.n}`));
    instance.handleEvent("ping", (/** @type {any} */ p) => got.push(`second ${p.n}`));
    model.emit({ e: [["ping", { n: 1 }]] });
    instance.removeHandleEvent(first);
    model.emit({ e: [["ping", { n: 2 }]] });
    assert.deepEqual(got, ["first 1", "second 1", "second 2"]);
  });

  test("a destroyed instance's callbacks hear nothing more", async () => {
    const { model, instance } = await hooked();
    let calls = 0;
    instance.handleEvent("ping", () => calls++);
    model.emit({ r: { s: ["<p>no hook</p>"] } });
    model.emit({ e: [["ping", {}]] });
    assert.equal(calls, 0);
  });

  test("a callback that throws shows an error; the other callbacks still run", async (t) => {
    captureErrors(t);
    const { model, view, instance } = await hooked();
    let later = 0;
    instance.handleEvent("ping", () => {
      throw new Error("nope");
    });
    instance.handleEvent("ping", () => later++);
    model.emit({ e: [["ping", {}]] });
    assert.equal(later, 1);
    assert.match(String(view.$(".lw-error-message").textContent), /failed in its handleEvent\("ping"\) callback: Error: nope/);
  });
});

describe("disconnected / reconnected", () => {
  /** @type {string[]} */
  let log = [];
  beforeEach(() => (log = []));
  const callbacks = {
    disconnected: () => log.push("disconnected"),
    reconnected: () => log.push("reconnected"),
  };

  test("anywidget's proxy hides comm_live: an update means disconnected, once", async () => {
    const { model } = await hooked(callbacks);
    model.setCommLive(false);
    model.setCommLive(false);
    assert.deepEqual(log, ["disconnected"]);
  });

  test("a model that exposes comm_live gets reconnected too", async () => {
    const { model } = await hooked(callbacks, { commLive: true });
    model.setCommLive(false);
    model.setCommLive(true);
    model.setCommLive(true);
    assert.deepEqual(log, ["disconnected", "reconnected"]);
  });

  test("the store stops listening when the widget goes", async () => {
    const { model } = await hooked(callbacks);
    harness.reset();
    assert.equal(model.listenerCount("comm_live_update"), 0);
  });
});

describe("the default module loader", () => {
  test("tries a Blob URL first, then imports from a data: URL (Node has no blob: imports)", async (t) => {
    const created = t.mock.method(URL, "createObjectURL");
    const revoked = t.mock.method(URL, "revokeObjectURL");
    const module = /** @type {any} */ (await importModuleSource("export default { name: 'Jörg ✓', n: 1 + 1 };"));
    assert.deepEqual({ ...module.default }, { name: "Jörg ✓", n: 2 });
    assert.equal(created.mock.callCount(), 1);
    assert.equal(revoked.mock.callCount(), 1);
  });

  test("a syntax error is reported as such", async () => {
    await assert.rejects(importModuleSource("export default {"), SyntaxError);
  });

  test("data URLs keep any text", () => {
    assert.equal(decodeURIComponent(dataUrl("a%b#c").split(",")[1]), "a%b#c");
  });
});
