/**
 * transport.js: refs on outbound events, validation of inbound messages.
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseInbound, Transport } from "../src/transport.js";
import { captureErrors, FakeModel } from "./helpers.js";

/** @typedef {import("../src/transport.js").Inbound} Inbound */

describe("Transport.send", () => {
  test("events get increasing refs; other messages none", () => {
    const model = new FakeModel();
    const transport = new Transport(model.proxy(), () => {});
    assert.equal(transport.send({ k: "join" }), null);
    assert.equal(transport.pushEvent("click", "inc", { by: "1" }), 1);
    assert.equal(transport.pushEvent("form", "save", "a=1"), 2);
    assert.deepEqual(model.sent, [
      { k: "join" },
      { k: "event", type: "click", event: "inc", value: { by: "1" }, ref: 1 },
      { k: "event", type: "form", event: "save", value: "a=1", ref: 2 },
    ]);
  });

  test("the message passed in is not modified", () => {
    const transport = new Transport(new FakeModel(), () => {});
    const msg = { k: "event", type: "click", event: "x", value: {} };
    transport.send(msg);
    assert.equal("ref" in msg, false);
  });

  test("a model that cannot send is logged, not thrown", (t) => {
    const errors = captureErrors(t);
    const model = new FakeModel();
    model.send = () => {
      throw new Error("comm closed");
    };
    const transport = new Transport(model, () => {});
    assert.equal(transport.pushEvent("click", "x", {}), 1);
    assert.equal(errors.length, 1);
  });
});

describe("Transport receiving", () => {
  test("well-formed messages reach the callback; close() stops listening", () => {
    const model = new FakeModel();
    /** @type {Inbound[]} */
    const got = [];
    const transport = new Transport(model.proxy(), (msg) => got.push(msg));
    model.emit({ r: { s: ["a"] } });
    model.emit({ d: { 0: "x" }, ref: 1 });
    transport.close();
    model.emit({ ref: 2 });
    assert.deepEqual(got, [{ tree: { s: ["a"] } }, { diff: { 0: "x" }, ref: 1 }]);
    assert.equal(model.listenerCount("msg:custom"), 0);
  });

  test("malformed messages are logged and dropped", (t) => {
    const errors = captureErrors(t);
    const model = new FakeModel();
    /** @type {Inbound[]} */
    const got = [];
    new Transport(model, (msg) => got.push(msg));
    model.emit("text");
    model.emit({ r: { s: "x" } });
    assert.deepEqual(got, []);
    assert.equal(errors.length, 2);
  });
});

describe("Transport replies", () => {
  test("nav messages get refs too, from the same sequence as events", () => {
    const model = new FakeModel();
    const transport = new Transport(model, () => {});
    transport.pushEvent("click", "a", {});
    assert.equal(transport.send({ k: "nav", kind: "patch", url: "/x", replace: false }), 2);
    assert.deepEqual(model.sent.at(-1), { k: "nav", kind: "patch", url: "/x", replace: false, ref: 2 });
  });

  test("the answer to a ref gets its rep, after the message is handled, and only once", () => {
    const model = new FakeModel();
    /** @type {string[]} */
    const order = [];
    const transport = new Transport(model, (msg) => order.push(`handled ${msg.ref}`));
    transport.pushEvent("hook", "ask", {}, (rep) => order.push(`answer ${JSON.stringify(rep)}`));
    transport.pushEvent("hook", "other", {}, (rep) => order.push(`other ${JSON.stringify(rep)}`));
    assert.equal(transport.pendingCount, 2);
    model.emit({ d: {}, rep: { a: 1 }, ref: 1 });
    model.emit({ rep: { a: 2 }, ref: 1 });
    model.emit({ err: { message: "x" }, ref: 2 });
    assert.deepEqual(order, ["handled 1", 'answer {"a":1}', "handled 1", "handled 2", "other undefined"]);
    assert.equal(transport.pendingCount, 0);
  });

  test("an event that cannot be sent is answered at once, with nothing", (t) => {
    captureErrors(t);
    const model = new FakeModel();
    model.send = () => {
      throw new Error("comm closed");
    };
    /** @type {unknown[]} */
    const answers = [];
    const transport = new Transport(model, () => {});
    transport.pushEvent("hook", "x", {}, (rep) => answers.push(rep));
    assert.deepEqual(answers, [undefined]);
    assert.equal(transport.pendingCount, 0);
  });

  test("a handler or answer that throws is logged; the transport keeps going", (t) => {
    const errors = captureErrors(t);
    const model = new FakeModel();
    let handled = 0;
    const transport = new Transport(model, () => {
      handled++;
      throw new Error("handler");
    });
    transport.pushEvent("hook", "x", {}, () => {
      throw new Error("answer");
    });
    model.emit({ ref: 1 });
    model.emit({ ref: 2 });
    assert.equal(handled, 2);
    assert.equal(errors.length, 3);
  });

  test("close() drops pending answers", () => {
    const model = new FakeModel();
    let answered = false;
    const transport = new Transport(model, () => {});
    transport.pushEvent("hook", "x", {}, () => (answered = true));
    transport.close();
    model.emit({ ref: 1 });
    assert.equal(answered, false);
    assert.equal(transport.pendingCount, 0);
  });
});

describe("parseInbound", () => {
  test("accepts every shape of the protocol", () => {
    assert.deepEqual(parseInbound({ r: { s: ["<b>", "</b>"], 0: "1" } }), { tree: { s: ["<b>", "</b>"], 0: "1" } });
    assert.deepEqual(parseInbound({ d: {}, ref: 3 }), { diff: {}, ref: 3 });
    assert.deepEqual(parseInbound({ ref: 4 }), { ref: 4 });
    assert.deepEqual(parseInbound({ err: { message: "boom", traceback: "tb" }, ref: 5 }), {
      error: { message: "boom", traceback: "tb" },
      ref: 5,
    });
    assert.deepEqual(parseInbound({ err: { message: "short" } }), { error: { message: "short", traceback: "" } });
  });

  test("ignores keys it does not know beside known ones", () => {
    assert.deepEqual(parseInbound({ ref: 1, zz: "?" }), { ref: 1 });
  });

  test("passes the keys that travel beside a render through, unchecked", () => {
    const e = [["my-event", { foo: "bar" }]];
    assert.deepEqual(parseInbound({ d: {}, ref: 2, e, t: "Title" }), { diff: {}, ref: 2, extra: { e, t: "Title" } });
    assert.deepEqual(parseInbound({ e }), { extra: { e } });
    assert.deepEqual(parseInbound({ r: { s: [""] }, h: { H: "src" }, nav: { url: "/" } }), {
      tree: { s: [""] },
      extra: { h: { H: "src" }, nav: { url: "/" } },
    });
  });

  const malformed = [
    ["null", null],
    ["a list", [{ r: {} }]],
    ["an empty object", {}],
    ["only unknown keys", { x: 1 }],
    ["a fractional ref", { ref: 1.5 }],
    ["a negative ref", { ref: -1 }],
    ["a string ref", { ref: "1" }],
    ["a tree without statics", { r: { 0: "a" } }],
    ["a tree that is a string", { r: "<b>" }],
    ["a diff that is a list", { d: [] }],
    ["both a tree and a diff", { r: { s: [""] }, d: {} }],
    ["an error without message", { err: { traceback: "tb" } }],
    ["an error that is a string", { err: "boom" }],
  ];
  for (const [what, content] of malformed) {
    test(`rejects ${what}`, (t) => {
      const errors = captureErrors(t);
      assert.equal(parseInbound(content), null);
      assert.equal(errors.length, 1);
      assert.match(String(errors[0][0]), /^\[livewidget\] ignoring /);
    });
  }
});
