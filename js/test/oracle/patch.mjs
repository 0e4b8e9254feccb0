/**
 * Feed sequences of kernel messages to livewidget's real frontend view in happy-dom and
 * compare the patched DOM with a plain parse of the expected HTML after each message.
 *
 *     echo '[[[{"r": {"s": ["<b>", "</b>"], "0": "1"}}, "<b>1</b>"],
 *             [{"d": {"0": "2"}, "ref": 1}, "<b>2</b>"]]]' | node js/test/oracle/patch.mjs
 *     [[["<b>1</b>","<b>1</b>","full"],["<b>2</b>","<b>2</b>","full"]]]
 *
 * stdin: a JSON array of sequences; a sequence is a list of `[message, expectedHTML]` pairs,
 * each message exactly as the kernel sends it (`{"r": tree}` first, then `{"d": diff,
 * "ref": n}`, or `{"ref": n}` when nothing changed). Each sequence gets a fresh widget (a
 * fake anywidget model, `initialize` and `render` as anywidget calls them), so the message
 * goes through the transport, the store's merge and the view's patch paths: rows patched in
 * place (`row_patch.js`), lists skipped (`list_skip.js`), row placeholders (`row_skip.js`)
 * and morphdom (`dom_patch.js`).
 *
 * stdout: per sequence, per message, `[patched, expected, path]`: the view container's
 * innerHTML; the innerHTML of a fresh element of the same kind whose innerHTML was set to
 * the expected HTML, so that both went through the same parser and serializer; and which
 * patch path the view took (see `Path`). When the client logs an error on a message (it
 * logs rather than throws), `patched` says so instead.
 *
 * Idle callbacks (the view learns row shapes when the page is idle) are queued, not timed:
 * sequence i runs them after every message (i % 3 == 0), never (i % 3 == 1), or after every
 * other message (i % 3 == 2), so the same input always takes the same paths.
 *
 * `tests/_dom_oracle.py` calls this from Python. Run by `node --test`, the file checks
 * itself on small sequences instead of reading stdin.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { LIST_MARKER } from "../../src/constants.js";
import { storeById } from "../../src/registry.js";
import { rowsParsed } from "../../src/row_skip.js";
import { textsSet } from "../../src/text_patch.js";
import { WidgetHarness } from "../widget_harness.js";
import { closeWindow, createWindow, innerHTMLOf } from "../helpers.js";

/** @typedef {[unknown, string]} Step one kernel message and the page expected after it */
/**
 * Which way the view patched a message, read from what it parsed as the container's HTML
 * (`dom_patch.js` `parseLike`): `"none"` when the view was not updated (the tree did not
 * change), `"texts"` when it only set texts (`text_patch.js`: no parse, no morph), `"rows"`
 * when it parsed no container HTML (rows patched in place, `row_patch.js`), else one word
 * per container parse, joined by `+`: `"lists"` for HTML with list markers (`list_skip.js`),
 * `"full"` for HTML without (morphdom over the whole view, rows already shown as
 * placeholders). `"lists+full"`: the lists did not line up.
 *
 * @typedef {string} Path
 */
/** @typedef {[string, string, Path]} Result what the view shows, the expected HTML as parsed, the path */

/**
 * Run every sequence through a fresh widget of one page.
 *
 * @param {Step[][]} sequences
 * @returns {Promise<Result[][]>}
 */
export async function patchSequences(sequences) {
  const window = createWindow();
  const harness = new WidgetHarness(window);
  /** @type {(() => void)[]} */
  const idle = [];
  // Queued, and run when `runIdle` says so (see the module's docs).
  Object.assign(window, {
    requestIdleCallback: (/** @type {() => void} */ callback) => idle.push(callback),
    cancelIdleCallback: () => {},
  });
  const original = console.error;
  /** @type {string | null} */
  let logged = null;
  console.error = (...args) => {
    logged ??= args.map(describe).join(" ");
  };
  try {
    /** @type {Result[][]} */
    const out = [];
    for (const [index, sequence] of sequences.entries()) {
      harness.reset();
      idle.length = 0;
      const model = harness.model();
      const view = harness.display(model);
      const container = /** @type {Element} */ (view.el.querySelector(".lw-view"));
      const fresh = harness.document.createElement(container.localName);
      const trace = traceView(container, String(model.get("_lw_id")));
      /** @type {Result[]} */
      const pairs = [];
      for (const [at, [message, expected]] of sequence.entries()) {
        logged = null;
        trace.updated = false;
        trace.parsed.length = 0;
        const texts = textsSet.count;
        const parsedRows = rowsParsed.count;
        model.emit(message);
        // The view patches synchronously; let anything it queued (microtasks) run too.
        await new Promise((resolve) => setImmediate(resolve));
        fresh.innerHTML = expected;
        const patched = logged === null ? container.innerHTML : `<patch.mjs: the client logged at message ${at}: ${logged}>`;
        const onlyTexts = textsSet.count > texts && rowsParsed.count === parsedRows;
        pairs.push([patched, fresh.innerHTML, pathOf(trace, onlyTexts)]);
        if (runIdle(index, at)) for (const callback of idle.splice(0)) callback();
      }
      out.push(pairs);
    }
    harness.reset();
    return out;
  } finally {
    console.error = original;
    await closeWindow(window);
  }
}

/**
 * @typedef {object} Trace what the view did with one message
 * @property {boolean} updated whether the store handed the view a new tree
 * @property {string[]} parsed each HTML parsed as the container's children
 */

/**
 * Watch the one view of widget `id`, whose container is `container`: its updates, and the
 * HTML parsed in a copy of its container (`parseLike` clones the container, shallow). Only
 * this view's own instance and container copies are wrapped; no prototype is touched.
 *
 * @param {Element} container
 * @param {string} id the widget's `_lw_id`
 * @returns {Trace}
 */
function traceView(container, id) {
  /** @type {Trace} */
  const trace = { updated: false, parsed: [] };
  const store = /** @type {any} */ (storeById(id));
  assert.ok(store && store.views.size === 1, `expected one view of widget ${id}`);
  const [view] = store.views;
  const update = view.update.bind(view);
  view.update = (/** @type {unknown} */ tree) => {
    trace.updated = true;
    update(tree);
  };
  const cloneNode = container.cloneNode.bind(container);
  const inner = innerHTMLOf(container);
  container.cloneNode = (/** @type {boolean | undefined} */ deep) => {
    const copy = cloneNode(deep);
    if (!deep) {
      Object.defineProperty(copy, "innerHTML", {
        get: () => inner.get?.call(copy),
        set: (/** @type {string} */ html) => {
          trace.parsed.push(html);
          inner.set?.call(copy, html);
        },
      });
    }
    return copy;
  };
  return trace;
}


/**
 * @param {Trace} trace
 * @param {boolean} onlyTexts whether texts were set and no row was parsed
 * @returns {Path}
 */
function pathOf({ updated, parsed }, onlyTexts) {
  if (!updated) return "none";
  if (parsed.length === 0) return onlyTexts ? "texts" : "rows";
  return parsed.map((html) => (html.includes(`<!--${LIST_MARKER}`) ? "lists" : "full")).join("+");
}

/**
 * Whether sequence `index` runs the queued idle callbacks after message `at`.
 *
 * @param {number} index
 * @param {number} at
 */
function runIdle(index, at) {
  const mode = index % 3;
  return mode === 0 || (mode === 2 && at % 2 === 0);
}

/** @param {unknown} value */
function describe(value) {
  if (typeof value === "string") return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return JSON.stringify(value)?.slice(0, 300);
}

/** @returns {Promise<string>} */
async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

if (process.env.NODE_TEST_CONTEXT) {
  const LIST = { s: ['<li id="r', '">', "</li>"], k: { 0: { 0: "1", 1: "a" }, 1: { 0: "2", 1: "b" }, 2: { 0: "3", 1: "c" }, kc: 3 } };
  const TREE = { s: ["<h1>", '</h1><ul>', "</ul>"], 0: "T", 1: LIST };

  test("patch.mjs: a keyed list patched in place, around, and with a move", async () => {
    const sequence = /** @type {Step[]} */ ([
      [{ r: TREE }, '<h1>T</h1><ul><li id="r1">a</li><li id="r2">b</li><li id="r3">c</li></ul>'],
      [{ d: { 1: { k: { 1: { 1: "B" }, kc: 3 } } }, ref: 1 }, '<h1>T</h1><ul><li id="r1">a</li><li id="r2">B</li><li id="r3">c</li></ul>'],
      [{ d: { 0: "U" }, ref: 2 }, '<h1>U</h1><ul><li id="r1">a</li><li id="r2">B</li><li id="r3">c</li></ul>'],
      [{ ref: 3 }, '<h1>U</h1><ul><li id="r1">a</li><li id="r2">B</li><li id="r3">c</li></ul>'],
      [{ d: { 1: { k: { 0: 2, 2: 0, kc: 3 }, km: true } }, ref: 4 }, '<h1>U</h1><ul><li id="r3">c</li><li id="r2">B</li><li id="r1">a</li></ul>'],
    ]);
    // Three copies: the idle callbacks run always, never, every other message.
    const results = await patchSequences([sequence, sequence, sequence]);
    for (const pairs of results) {
      assert.equal(pairs.length, sequence.length);
      for (const [patched, expected] of pairs) assert.equal(patched, expected);
      assert.deepEqual(
        pairs.map(([, , path]) => path),
        ["full", "rows", "lists", "none", "lists+full"],
      );
    }
  });

  test("patch.mjs: both sides go through the same parser; a wrong page shows", async () => {
    const [pairs] = await patchSequences([
      [
        [{ r: { s: ["<table>", "</table>"], 0: "x" } }, "<table>x</table>"],
        [{ d: { 0: "y" }, ref: 1 }, "<table>z</table>"],
      ],
    ]);
    // Whatever happy-dom's parser makes of text inside <table>, it makes it on both sides.
    assert.equal(pairs[0][0], pairs[0][1]);
    assert.notEqual(pairs[1][0], pairs[1][1]);
    assert.match(pairs[1][0], /y/);
  });

  test("patch.mjs: what the client logs takes the page's place", async () => {
    const [pairs] = await patchSequences([[[{ d: { 0: "y" }, ref: 1 }, ""]]]);
    assert.match(pairs[0][0], /^<patch\.mjs: the client logged at message 0: .*ignoring a diff/);
  });
} else {
  const sequences = JSON.parse(await readStdin());
  if (!Array.isArray(sequences) || !sequences.every((s) => Array.isArray(s) && s.every((step) => Array.isArray(step) && step.length === 2 && typeof step[1] === "string"))) {
    process.stderr.write("patch.mjs: expected a JSON array of sequences, each a list of [message, expectedHTML] pairs, on stdin\n");
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(await patchSequences(sequences)));
}
