/**
 * Uploads inside a whole widget (index.js → store.js → view.js → uploads.js): the files'
 * entries go before the form's phx-change, errors render before any byte, a submission
 * waits for its chunks (binary buffers of the comm message, one per answer), previews.
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useHarness } from "./widget_harness.js";

const { harness } = useHarness();
// The window's DOM types are happy-dom's, not lib.dom's: typed loosely here.
const window = /** @type {any} */ (harness.window);

/** A form with a file input for upload "u1" and a slot for the entries' HTML. */
const TREE = {
  s: [
    '<form phx-change="validate" phx-submit="save"><input type="file" id="u1" name="photo" data-phx-upload-ref="u1" data-phx-active-refs="',
    '" phx-update="ignore"><div id="entries">',
    '</div><button id="go">Go</button></form>',
  ],
  0: "",
  1: "",
};

function shown() {
  const model = harness.model();
  const view = harness.display(model);
  model.emit({ r: TREE });
  /** The messages sent, without the join, and their buffers. */
  const sent = () => model.sent.filter((m) => m.k !== "join");
  const buffers = () => model.buffers.filter((_, i) => model.sent[i].k !== "join");
  return { model, view, sent, buffers };
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

/** Let Blob.arrayBuffer and the like settle. */
async function settle() {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

describe("uploads in a widget", () => {
  test("entries go first, then phx-change; an error renders before any byte", () => {
    const { view, model, sent } = shown();
    const file = new window.File([new Uint8Array(10)], "doc.pdf", { type: "application/pdf" });
    choose(view.$("input"), [file]);
    const [entries, change] = sent();
    assert.equal(entries.k, "upload");
    assert.equal(entries.op, "entries");
    assert.equal(entries.entries[0].name, "doc.pdf");
    assert.equal(change.k, "event");
    assert.equal(change.event, "validate");
    assert.equal(sent().length, 2, "the same choice heard twice (input, change) is sent once");
    model.emit({ d: { 0: entries.entries[0].ref, 1: '<p class="error">not_accepted</p>' }, ref: entries.ref });
    assert.equal(view.$(".error").textContent, "not_accepted");
  });

  test("a submission waits for its chunks, sent as buffers one answer at a time", async () => {
    const { view, model, sent, buffers } = shown();
    const bytes = new Uint8Array(150).map((_, i) => i);
    choose(view.$("input"), [new window.File([bytes], "cat.png", { type: "image/png" })]);
    const entry = sent()[0].entries[0].ref;
    model.emit({ d: { 0: entry, 1: `<img class="preview" data-phx-upload-ref="u1" data-phx-entry-ref="${entry}" phx-update="ignore">` }, ref: sent()[0].ref });
    model.emit({ ref: sent()[1].ref });
    assert.match(view.$("img.preview").getAttribute("src") ?? "", /^blob:/, "a preview from the page's memory");
    view.$("#go").click();
    const start = sent()[2];
    assert.equal(start.op, "start");
    assert.equal(sent().some((m) => m.k === "event" && m.event === "save"), false, "held back");
    model.emit({ rep: { entries: [entry], chunk_size: 100 }, ref: start.ref });
    await settle();
    assert.equal(sent().length, 4, "one chunk in flight");
    assert.equal(sent()[3].op, "chunk");
    assert.equal(/** @type {ArrayBuffer} */ (buffers()[3][0]).byteLength, 100);
    model.emit({ d: { 1: "66%" }, ref: sent()[3].ref });
    await settle();
    assert.equal(/** @type {ArrayBuffer} */ (buffers()[4][0]).byteLength, 50);
    model.emit({ d: { 1: "100%" }, ref: sent()[4].ref });
    await settle();
    const last = sent()[5];
    assert.equal(last.k, "event");
    assert.equal(last.event, "save");
    assert.equal(sent().length, 6);
  });
});
