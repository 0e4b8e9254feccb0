/**
 * Merge sequences of livewidget messages with our JS client and with Phoenix LiveView's.
 *
 *     echo '[[{"s": ["<b>", "</b>"], "0": "1"}, {"0": "2"}]]' | node js/test/oracle/merge.mjs
 *     [{"ours":["<b>1</b>","<b>2</b>"],"phoenix":["<b>1</b>","<b>2</b>"]}]
 *
 * stdin: a JSON array of sequences; a sequence is a list of messages, message 0 a full tree
 * and the rest diffs, as `Rendered.to_json()` / `diff()` produce them. stdout: a JSON array
 * with, per sequence, the HTML after each message from `src/rendered.js` (`"ours"`) and from
 * Phoenix's `Rendered` (`"phoenix"`, see `phoenix.js` for the one rewrite, of `"m"` runs);
 * for a sequence with streams, the page Phoenix's DOM patch would leave (`stream_page.js`).
 * When a client fails on a message, its list holds null from there on and `"errors"` says
 * why (`{"ours": "...", "phoenix": "..."}`); our client logs rather than throws, so anything
 * it logs counts as its error. One process handles any number of sequences.
 *
 * `tests/_oracle.py` calls this from Python. Run by `node --test`, the file checks itself
 * on a small sequence instead of reading stdin.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { mergeDiff, toHTML } from "../../src/rendered.js";
import { loadPhoenix, phoenixHTML } from "./phoenix.js";
import { StreamPage } from "./stream_page.js";

/**
 * @typedef {object} Result
 * @property {(string | null)[]} ours
 * @property {(string | null)[]} phoenix
 * @property {{ours?: string, phoenix?: string}} [errors]
 */

/**
 * @param {unknown[][]} sequences
 * @returns {Promise<Result[]>}
 */
export async function mergeSequences(sequences) {
  const { Rendered } = await loadPhoenix();
  return sequences.map((messages) => {
    /** @type {Result} */
    const result = { ours: ours(messages), phoenix: [] };
    /** @type {{ours?: string, phoenix?: string}} */
    const errors = {};
    const failed = result.ours.indexOf(null);
    if (failed >= 0) errors.ours = `message ${failed}: ${lastLogged}`;
    // Phoenix's toString() shows a stream's new rows only: its DOM patch keeps the others.
    const streams = JSON.stringify(messages).includes('"stream":');
    const phoenix = phoenixHTML(Rendered, messages, streams ? new StreamPage() : undefined);
    result.phoenix = [...phoenix.html, ...messages.slice(phoenix.html.length).map(() => null)];
    if (phoenix.error !== undefined) errors.phoenix = phoenix.error;
    if (errors.ours !== undefined || errors.phoenix !== undefined) result.errors = errors;
    return result;
  });
}

/** What our client logged last (it logs malformed input instead of throwing). */
let lastLogged = "";

/**
 * Our client's HTML after each message; null from the first message it logged an error on.
 *
 * @param {unknown[]} messages
 * @returns {(string | null)[]}
 */
function ours(messages) {
  /** @type {(string | null)[]} */
  const out = [];
  const original = console.error;
  let logged = false;
  console.error = (...args) => {
    logged = true;
    lastLogged = args.map((a) => (typeof a === "string" ? a : JSON.stringify(a)?.slice(0, 300))).join(" ");
  };
  try {
    /** @type {import("../../src/rendered.js").Tree | null} */
    let tree = null;
    for (const message of messages) {
      tree = mergeDiff(tree, message);
      const html = toHTML(tree);
      if (logged) break;
      out.push(html);
    }
  } finally {
    console.error = original;
  }
  while (out.length < messages.length) out.push(null);
  return out;
}

/** @returns {Promise<string>} */
async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

if (process.env.NODE_TEST_CONTEXT) {
  test("merge.mjs: both clients agree on a keyed sequence with a run of moves", async () => {
    const list = { s: ["<li>", "</li>"], k: { 0: { 0: "a" }, 1: { 0: "b" }, 2: { 0: "c" }, kc: 3 } };
    const sequence = [{ s: ["<ul>", "</ul>"], 0: list }, { 0: { k: { m: [[0, 1, 2]], km: true, kc: 2 } } }];
    const [result] = await mergeSequences([sequence]);
    const expected = ["<ul><li>a</li><li>b</li><li>c</li></ul>", "<ul><li>b</li><li>c</li></ul>"];
    assert.deepEqual(result, { ours: expected, phoenix: expected });
  });
  test("merge.mjs: both clients agree on components (shared statics, a diff, removal)", async () => {
    const li = ["<li>", "</li>"];
    const rows = (/** @type {number[]} */ cids) => ({ s: ["", ""], k: { ...cids.map((c) => ({ 0: c })), kc: cids.length } });
    const sequence = [
      { s: ["<ul>", "</ul>"], 0: rows([1, 2]), c: { 1: { s: li, 0: "a", r: 1 }, 2: { s: 1, 0: "b", r: 1 } } },
      { c: { 2: { 0: "B" } } },
      { 0: { k: { 2: { 0: 3 }, kc: 3 } }, c: { 3: { s: -1, 0: "c", r: 1 } } },
      { 0: { k: { m: [[0, 1, 2]], km: true, kc: 2 } }, cd: [1] },
    ];
    const [result] = await mergeSequences([sequence]);
    const item = (/** @type {number} */ cid, /** @type {string} */ text) => `<li data-phx-component="${cid}">${text}</li>`;
    const expected = [
      `<ul>${item(1, "a")}${item(2, "b")}</ul>`,
      `<ul>${item(1, "a")}${item(2, "B")}</ul>`,
      `<ul>${item(1, "a")}${item(2, "B")}${item(3, "c")}</ul>`,
      `<ul>${item(2, "B")}${item(3, "c")}</ul>`,
    ];
    assert.deepEqual(result, { ours: expected, phoenix: expected });
  });
  test("merge.mjs: a diff Phoenix cannot read is reported, not thrown", async () => {
    const list = { s: ["<li>", "</li>"], k: { 0: { 0: "a" }, 1: { 0: "b" }, kc: 2 } };
    const [result] = await mergeSequences([[{ s: ["", ""], 0: list }, { 0: { k: { 0: 1, 1: 0, kc: 2 } } }]]);
    assert.deepEqual(result.ours, ["<li>a</li><li>b</li>", "<li>b</li><li>a</li>"]);
    assert.deepEqual(result.phoenix, ["<li>a</li><li>b</li>", null], "moves without km");
    assert.match(result.errors?.phoenix ?? "", /TypeError/);
  });
  test("merge.mjs: both clients agree on a stream's inserts, update in place, delete and limit", async () => {
    /**
     * @param {[string, string][]} rows
     * @param {unknown} [stream]
     */
    const list = (rows, stream) => ({
      s: ['<li id="', '">', "</li>"],
      k: { ...rows.map(([id, text]) => ({ 0: id, 1: text })), kc: rows.length },
      stream,
    });
    const sequence = [
      { s: ['<ul id="m" phx-update="stream">', "</ul>"], 0: list([["m-1", "a"], ["m-2", "b"]], ["0", [["m-1", -1, null, false], ["m-2", -1, null, false]], [], true]) },
      { 0: { k: list([["m-0", "z"], ["m-2", "B"]]).k, stream: ["0", [["m-0", 0, null, false], ["m-2", -1, null, false]], ["m-1"]] } },
      { 0: { k: list([["m-9", "n"]]).k, stream: ["0", [["m-9", -1, -2, false]], []] } },
    ];
    const [result] = await mergeSequences([sequence]);
    const expected = [
      '<ul id="m" phx-update="stream"><li id="m-1">a</li><li id="m-2">b</li></ul>',
      '<ul id="m" phx-update="stream"><li id="m-0">z</li><li id="m-2">B</li></ul>',
      '<ul id="m" phx-update="stream"><li id="m-2">B</li><li id="m-9">n</li></ul>',
    ];
    assert.deepEqual(result, { ours: expected, phoenix: expected });
  });
} else {
  const sequences = JSON.parse(await readStdin());
  if (!Array.isArray(sequences) || !sequences.every(Array.isArray)) {
    process.stderr.write("merge.mjs: expected a JSON array of sequences (lists of messages) on stdin\n");
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(await mergeSequences(sequences)));
}
