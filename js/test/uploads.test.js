/**
 * uploads.js: choosing and dropping files, entries announced before any byte, chunked
 * sending with flow control, the held-back submission, errors, previews.
 */

import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { Transport } from "../src/transport.js";
import { DROP_ACTIVE_CLASS, Uploader } from "../src/uploads.js";
import { createWindow, FakeModel } from "./helpers.js";

// The window's DOM types are happy-dom's, not lib.dom's: typed loosely here.
const window = /** @type {any} */ (createWindow());
after(() => window.happyDOM.close());
/** @type {any} */
const document = window.document;

/**
 * A view's root holding `html`, an Uploader on it, and a fake kernel that records what
 * was sent and answers when told to.
 *
 * @param {string} html
 */
function setup(html) {
  const root = document.createElement("div");
  root.className = "lw-root";
  const container = document.createElement("div");
  container.innerHTML = html;
  root.append(container);
  document.body.append(root);
  /** @type {{msg: any, buffers: ArrayBuffer[], answer: (reply?: unknown, error?: unknown) => void}[]} */
  const sent = [];
  const uploader = new Uploader(root, container, (msg, buffers, onAnswer) => {
    sent.push({ msg, buffers, answer: (reply, error) => onAnswer(reply, /** @type {any} */ (error)) });
    return sent.length;
  });
  return { root, container, sent, uploader };
}

const INPUT = `<form phx-submit="save" phx-change="validate"><input type="file" id="u1" name="avatar" data-phx-upload-ref="u1" data-phx-active-refs="" phx-update="ignore"><button>Go</button></form>`;

/**
 * @param {number} size
 * @param {string} [name]
 * @param {string} [type]
 */
function file(size, name = "cat.png", type = "image/png") {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = i % 251;
  return new window.File([bytes], name, { type });
}

/** Let promise callbacks (Blob.arrayBuffer) run. */
async function settle() {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * @param {any} input
 * @param {File[]} files
 */
function choose(input, files) {
  Object.defineProperty(input, "files", { value: files, configurable: true });
  input.dispatchEvent(new window.Event("input", { bubbles: true }));
  input.dispatchEvent(new window.Event("change", { bubbles: true }));
}

describe("choosing files", () => {
  test("announces the files' metadata once, with no bytes", () => {
    const { container, sent } = setup(INPUT);
    choose(container.querySelector("input"), [file(10)]);
    assert.equal(sent.length, 1, "input and change announce the same choice once");
    const { msg, buffers } = sent[0];
    assert.equal(msg.k, "upload");
    assert.equal(msg.op, "entries");
    assert.equal(msg.upload, "u1");
    assert.equal(msg.entries.length, 1);
    assert.deepEqual(
      { name: msg.entries[0].name, size: msg.entries[0].size, type: msg.entries[0].type },
      { name: "cat.png", size: 10, type: "image/png" },
    );
    assert.deepEqual(buffers, []);
  });

  test("a drop on phx-drop-target chooses the files and fires the form's input event", () => {
    const { container, sent, root } = setup(`${INPUT}<div class="zone" phx-drop-target="u1">drop</div>`);
    const zone = container.querySelector(".zone");
    /** @type {string[]} */
    const heard = [];
    root.addEventListener("input", (/** @type {any} */ e) => heard.push(e.target.id));
    const over = new window.Event("dragover", { bubbles: true, cancelable: true });
    zone.dispatchEvent(over);
    assert.equal(over.defaultPrevented, true, "dragover is accepted so the drop can happen");
    assert.equal(zone.classList.contains(DROP_ACTIVE_CLASS), true);
    const drop = new window.Event("drop", { bubbles: true, cancelable: true });
    Object.defineProperty(drop, "dataTransfer", { value: { files: [file(7, "dog.png")] } });
    zone.dispatchEvent(drop);
    assert.equal(drop.defaultPrevented, true);
    assert.equal(zone.classList.contains(DROP_ACTIVE_CLASS), false);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].msg.entries[0].name, "dog.png");
    assert.deepEqual(heard, ["u1"], "phx-change hears of the drop");
  });
});

describe("submitting a form with files", () => {
  test("bytes go in chunks of chunk_size, one at a time, then the submission", async () => {
    const { container, sent, root } = setup(INPUT);
    /** @type {unknown[]} */
    const submits = [];
    root.addEventListener("submit", (/** @type {unknown} */ e) => submits.push(e));
    const input = container.querySelector("input");
    choose(input, [file(25)]);
    sent[0].answer(undefined);
    container.querySelector("form").dispatchEvent(new window.Event("submit", { bubbles: true, cancelable: true }));
    assert.equal(submits.length, 0, "the submission waits for the bytes");
    assert.equal(sent[1].msg.op, "start");
    const ref = sent[1].msg.entries[0].ref;
    sent[1].answer({ entries: [ref], chunk_size: 10 });
    /** @type {Uint8Array[]} */
    const chunks = [];
    for (let i = 0; i < 3; i++) {
      await settle();
      assert.equal(sent.length, 3 + i, "the next chunk waits for the previous one's answer");
      const { msg, buffers } = sent[2 + i];
      assert.equal(msg.op, "chunk");
      assert.equal(msg.entry, ref);
      assert.equal(buffers.length, 1);
      assert.ok(buffers[0].byteLength <= 10);
      chunks.push(new Uint8Array(buffers[0]));
      assert.equal(submits.length, 0);
      sent[2 + i].answer(undefined);
    }
    await settle();
    assert.deepEqual(chunks.map((c) => c.length), [10, 10, 5]);
    const all = Uint8Array.from(chunks.flatMap((c) => Array.from(c)));
    assert.deepEqual(Array.from(all), Array.from({ length: 25 }, (_, i) => i % 251));
    assert.equal(sent.length, 5, "nothing more is sent");
    assert.equal(submits.length, 1, "then the form is submitted");
  });

  test("entries the kernel refused are never sent", async () => {
    const { container, sent, root } = setup(INPUT);
    let submitted = 0;
    root.addEventListener("submit", () => submitted++);
    choose(container.querySelector("input"), [file(50, "big.gif", "image/gif")]);
    sent[0].answer(undefined);
    container.querySelector("form").dispatchEvent(new window.Event("submit", { bubbles: true, cancelable: true }));
    sent[1].answer({ entries: [], chunk_size: 10 });
    await settle();
    assert.equal(sent.length, 2, "no chunk");
    assert.equal(submitted, 1, "the view's submit handler decides what to say");
  });

  test("an error in reply to a chunk stops the upload and the submission", async () => {
    const { container, sent, root } = setup(INPUT);
    let submitted = 0;
    root.addEventListener("submit", () => submitted++);
    choose(container.querySelector("input"), [file(30)]);
    container.querySelector("form").dispatchEvent(new window.Event("submit", { bubbles: true, cancelable: true }));
    sent[1].answer({ entries: [sent[1].msg.entries[0].ref], chunk_size: 10 });
    await settle();
    sent[2].answer(undefined, { message: "cut off", traceback: "" });
    await settle();
    assert.equal(sent.length, 3);
    assert.equal(submitted, 0);
  });

  test("auto upload starts once the kernel answered the announcement", async () => {
    const { container, sent } = setup(INPUT.replace('phx-update="ignore"', 'phx-update="ignore" data-phx-auto-upload'));
    choose(container.querySelector("input"), [file(5)]);
    assert.equal(sent.length, 1);
    sent[0].answer(undefined);
    assert.equal(sent[1].msg.op, "start");
    sent[1].answer({ entries: [sent[1].msg.entries[0].ref], chunk_size: 64 });
    await settle();
    assert.equal(sent[2].msg.op, "chunk");
    assert.equal(sent[2].buffers[0].byteLength, 5);
  });
});

describe("after a patch", () => {
  test("a preview gets an object URL of the chosen file", () => {
    const { container, sent, uploader } = setup(INPUT);
    choose(container.querySelector("input"), [file(3)]);
    const ref = sent[0].msg.entries[0].ref;
    container.insertAdjacentHTML("beforeend", `<img data-phx-upload-ref="u1" data-phx-entry-ref="${ref}" phx-update="ignore">`);
    uploader.afterPatch();
    const src = container.querySelector("img").getAttribute("src") ?? "";
    assert.match(src, /^blob:/);
  });

  test("files the kernel no longer lists are forgotten", () => {
    const { container, sent, uploader } = setup(INPUT);
    const input = container.querySelector("input");
    choose(input, [file(3)]);
    const ref = sent[0].msg.entries[0].ref;
    uploader.afterPatch();
    assert.equal(uploader.chosen("u1").length, 1, "kept while the kernel has not answered");
    sent[0].answer(undefined);
    input.setAttribute("data-phx-active-refs", ref);
    uploader.afterPatch();
    assert.equal(uploader.chosen("u1").length, 1);
    input.setAttribute("data-phx-active-refs", "");
    uploader.afterPatch();
    assert.equal(uploader.chosen("u1").length, 0, "cancelled or consumed in the kernel");
  });
});

describe("Transport and uploads", () => {
  test("upload messages get refs and carry their buffers; errors reach the callback", () => {
    const model = /** @type {any} */ (new FakeModel());
    /** @type {unknown[][]} */
    const buffersSent = [];
    model.send = (/** @type {unknown} */ content, /** @type {unknown} */ _callbacks, /** @type {unknown[]} */ buffers) => {
      model.sent.push(content);
      buffersSent.push(buffers ?? []);
    };
    const transport = new Transport(model, () => {});
    /** @type {unknown[]} */
    const answers = [];
    const bytes = new ArrayBuffer(4);
    const ref = transport.send({ k: "upload", op: "chunk", upload: "u1", entry: "0" }, (_rep, error) => answers.push(error?.message), [bytes]);
    assert.equal(ref, 1);
    assert.deepEqual(buffersSent, [[bytes]]);
    model.emit({ ref: 1, err: { message: "cut off" } });
    assert.deepEqual(answers, ["cut off"]);
  });
});
