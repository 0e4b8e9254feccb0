/**
 * A stream's instruction costs the instruction (`stream_rows.js`, `stream_patch.js`): the rows
 * kept agree with the reference rules (`applyStream`) over random instructions, the page
 * matches a full render after each message (whitespace between rows included, with other
 * changes beside the stream, in two views), and the work per batch, counted (rows visited,
 * rows parsed, DOM mutations), stays the same as the rows shown grow.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { applyStream } from "../src/streams.js";
import { StreamRows, streamWork } from "../src/stream_rows.js";
import { captureErrors, FIXTURES_DIR } from "./helpers.js";
import { settle, useHarness } from "./widget_harness.js";

const { window, harness } = useHarness();

/** @typedef {[string, number, number | null, boolean]} Insert */

/**
 * A seeded random number generator (a linear congruential one: enough to vary instructions).
 *
 * @param {number} seed
 */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * A random instruction for a stream showing `ids`: a reset now and then, deletes of shown and
 * unknown ids, inserts at -1, 0, i or past the end, updates of shown ids, limits.
 *
 * @param {() => number} rand
 * @param {string[]} ids
 * @param {{next: number}} counter new ids are made from it
 * @returns {{reset: boolean, deletes: string[], inserts: Insert[]}}
 */
function instruction(rand, ids, counter) {
  const pick = () => ids[Math.floor(rand() * ids.length)];
  const reset = rand() < 0.04;
  const deletes = [];
  if (ids.length > 0 && rand() < 0.5) for (let i = Math.floor(rand() * 4); i >= 0; i--) deletes.push(pick());
  if (rand() < 0.1) deletes.push("nowhere");
  /** @type {Insert[]} */
  const inserts = [];
  for (let i = Math.floor(rand() * 6); i > 0; i--) {
    const update = ids.length > 0 && rand() < 0.25;
    const id = update ? /** @type {string} */ (pick()) : `r-${counter.next++}`;
    const roll = rand();
    const at = roll < 0.5 ? -1 : roll < 0.7 ? 0 : roll < 0.9 ? Math.floor(rand() * (ids.length + 1)) : ids.length + 5;
    const limitRoll = rand();
    const limit = limitRoll < 0.8 ? null : limitRoll < 0.9 ? -(3 + Math.floor(rand() * 20)) : 3 + Math.floor(rand() * 20);
    inserts.push([id, at, limit, rand() < 0.05]);
  }
  return { reset, deletes, inserts };
}

/**
 * Replay a log of steps on a plain list of ids, as the page replays it on elements.
 *
 * @param {string[]} ids modified in place
 * @param {import("../src/stream_rows.js").Step[]} log
 */
function replay(ids, log) {
  for (const step of log) {
    if (step.op === "remove") ids.splice(ids.indexOf(step.id), 1);
    else if (step.op === "update") assert.ok(ids.includes(step.id), `update of ${step.id}, not shown`);
    else if (step.before !== null) ids.splice(ids.indexOf(step.before), 0, step.id);
    else if (step.after !== null) ids.splice(ids.indexOf(step.after) + 1, 0, step.id);
    else {
      assert.equal(ids.length, 0, "an insert without a neighbour goes into an empty stream");
      ids.push(step.id);
    }
  }
}

describe("StreamRows", () => {
  test("agrees with the reference rules over 3,000 random instructions, and its steps replay to the same ids", () => {
    const rand = random(7);
    const rows = new StreamRows();
    /** @type {string[]} */
    const ids = [];
    /** @type {unknown[][]} */
    const values = [];
    const counter = { next: 0 };
    for (let n = 0; n < 3000; n++) {
      const { reset, deletes, inserts } = instruction(rand, ids, counter);
      const newRows = inserts.map(([id]) => [id, `v${n}`]);
      const before = [...ids];
      applyStream(ids, values, reset, deletes, inserts, newRows);
      const log = rows.apply(reset, deletes, inserts, newRows);
      if (reset) before.length = 0;
      replay(before, log);
      assert.deepEqual(before, ids, `steps of instruction ${n}`);
      if (n % 10 === 0 || n > 2990) {
        assert.deepEqual(rows.ids(), ids, `ids after instruction ${n}`);
        assert.deepEqual(rows.rows(), values, `rows after instruction ${n}`);
      }
      assert.equal(rows.size, ids.length);
      assert.equal(rows.firstId(), ids[0] ?? null);
      assert.equal(rows.lastId(), ids.at(-1) ?? null);
    }
  });

  test("appending, prepending, deleting and pruning never visit the other rows", () => {
    const rows = new StreamRows();
    rows.apply(false, [], Array.from({ length: 5000 }, (_, i) => /** @type {Insert} */ ([`a-${i}`, -1, null, false])), []);
    const start = streamWork.flattened;
    for (let n = 0; n < 200; n++) {
      const inserts = /** @type {Insert[]} */ ([
        [`b-${n}`, -1, -5000, false],
        [`c-${n}`, 0, null, false],
        [`a-${n + 1000}`, 0, null, false],
      ]);
      rows.apply(false, [`a-${n + 2000}`], inserts, [["b"], ["c"], ["a"]]);
    }
    // Deletes in the middle leave marks that are swept once they outnumber the rows: none here.
    assert.equal(streamWork.flattened - start, 0);
    assert.equal(rows.size, 5001);
  });
});

/** The row shapes of the random-shapes test (`tests/fixtures/row_shapes.json`). */
const ROW_SHAPES = `${FIXTURES_DIR}../row_shapes.json`;

const VIEW = ['<div><ul id="msgs" phx-update="stream">\n', '\n</ul><p id="n">', "</p></div>"];
const ROW_WITH_SPACE = ['\n  <li id="', '" class="r">', "</li>\n"];
const ROW_TIGHT = ['<li id="', '">', "</li>"];
const ROW_LEAD = ['\n<li id="', '">', "</li>"];
const ROW_TRAIL = ['<li id="', '">', "</li>\n"];

/**
 * A message of a stream view: its counter, its stream's instruction and rows.
 *
 * @param {string[]} statics the rows' statics
 * @param {{reset: boolean, deletes: string[], inserts: Insert[]}} change
 * @param {string} text each new row's text
 * @param {string | null} counter the counter's new value, or null when it stays
 * @param {boolean} first the first message (the whole tree)
 */
function message(statics, { reset, deletes, inserts }, text, counter, first = false) {
  const k = { ...inserts.map(([id]) => ({ 0: id, 1: `${text} ${id}` })), kc: inserts.length };
  const stream = { k, stream: reset ? ["0", inserts, deletes, true] : ["0", inserts, deletes] };
  if (first) return { r: { s: VIEW, 0: { s: statics, ...stream }, 1: counter ?? "0" } };
  return { d: counter === null ? { 0: stream } : { 0: stream, 1: counter } };
}

/**
 * The view's HTML as a full render makes it.
 *
 * @param {string[]} statics
 * @param {string[]} ids
 * @param {unknown[][]} values
 * @param {string} counter
 */
function fullHTML(statics, ids, values, counter) {
  const rows = ids.map((id, i) => `${statics[0]}${id}${statics[1]}${values[i][1]}${statics[2]}`).join("");
  return `${VIEW[0]}${rows}${VIEW[1]}${counter}${VIEW[2]}`;
}

describe("a stream's instruction on the page", () => {
  const shapes = /** @type {const} */ ([
    ["with whitespace around rows", ROW_WITH_SPACE],
    ["before rows only", ROW_LEAD],
    ["after rows only", ROW_TRAIL],
    ["without", ROW_TIGHT],
  ]);
  for (const [name, statics] of shapes) {
    test(`random instructions, ${name}: two views show what a full render shows after each message`, async (t) => {
      const errors = captureErrors(t);
      const rand = random(name.length);
      const model = harness.model();
      const view = harness.display(model);
      /** @type {string[]} */
      const ids = [];
      /** @type {unknown[][]} */
      const values = [];
      const counter = { next: 0 };
      let count = "0";
      /** @type {import("./widget_harness.js").Displayed | null} */
      let second = null;
      const parsed = streamWork.parsed;
      const runs = streamWork.runs;
      for (let n = 0; n < 300; n++) {
        const change = n === 0 ? { reset: false, deletes: [], inserts: /** @type {Insert[]} */ ([["r-a", -1, null, false]]) } : instruction(rand, ids, counter);
        const bump = rand() < 0.15 ? String(n) : null;
        if (bump !== null) count = bump;
        applyStream(ids, values, change.reset, change.deletes, change.inserts, change.inserts.map(([id]) => [id, `m${n} ${id}`]));
        model.emit(message([...statics], change, `m${n}`, bump, n === 0));
        await settle();
        if (n === 150) second = harness.display(model);
        const expected = fullHTML([...statics], ids, values, count);
        assert.equal(view.html(), expected, `view 1 after message ${n}`);
        if (second) assert.equal(second.html(), expected, `view 2 after message ${n}`);
      }
      assert.ok(streamWork.parsed - parsed > 300, "the stream patch did the inserts");
      assert.ok(streamWork.runs - runs > 20, "some batches went in as one appended run");
      assert.deepEqual(errors, []);
    });
  }

  test("an update in place keeps the element and runs the hook's updated; inserted rows mount, deleted ones are destroyed", async () => {
    /** @type {string[]} */
    const log = [];
    const hook = {
      /** @this {any} */ mounted() { log.push(`mounted ${this.el.id}`); },
      /** @this {any} */ updated() { log.push(`updated ${this.el.id}`); },
      /** @this {any} */ destroyed() { log.push(`destroyed ${this.el.id}`); },
    };
    const statics = ['<li id="', '" phx-hook="Row">', "</li>"];
    const model = harness.model();
    const view = harness.display(model);
    const rows = Array.from({ length: 50 }, (_, i) => /** @type {Insert} */ ([`h-${i}`, -1, null, false]));
    model.emit({ ...message(statics, { reset: false, deletes: [], inserts: rows }, "a", null, true), h: { Row: harness.hook(hook) } });
    await settle();
    model.emit(message(statics, { reset: false, deletes: [], inserts: [["h-50", -1, null, false]] }, "b", null));
    await settle();
    const kept = view.$("#h-10");
    log.length = 0;
    const parsed = streamWork.parsed;
    const change = { reset: false, deletes: ["h-3"], inserts: /** @type {Insert[]} */ ([["h-10", -1, null, false], ["h-51", 0, null, false]]) };
    model.emit(message(statics, change, "c", null));
    await settle();
    assert.equal(streamWork.parsed - parsed, 2, "only the batch's rows were parsed");
    assert.equal(view.$("#h-10"), kept, "the same element");
    assert.equal(kept.textContent, "c h-10");
    assert.deepEqual(log.sort(), ["destroyed h-3", "mounted h-51", "updated h-10"]);
    assert.equal(view.el.querySelector("li")?.id, "h-51");
  });
});

test("a hook on the stream's container hears updated when rows come (the view patches it whole)", async () => {
  /** @type {string[]} */
  const log = [];
  const hook = {
    /** @this {any} */ mounted() { log.push(`mounted ${this.el.id}`); },
    /** @this {any} */ updated() { log.push(`updated ${this.el.id} ${this.el.children.length}`); },
  };
  const model = harness.model();
  const view = harness.display(model);
  const rows = /** @type {Insert[]} */ ([["k-1", -1, null, false], ["k-2", -1, null, false]]);
  const first = message(ROW_TIGHT, { reset: false, deletes: [], inserts: rows }, "a", null, true);
  /** @type {any} */ (first).r.s = ['<ul id="msgs" phx-update="stream" phx-hook="List">', "</ul>", ""];
  model.emit({ ...first, h: { List: harness.hook(hook) } });
  await settle();
  model.emit(message(ROW_TIGHT, { reset: false, deletes: ["k-1"], inserts: [["k-3", -1, null, false]] }, "b", null));
  await settle();
  assert.deepEqual(log, ["mounted msgs", "updated msgs 2"]);
  assert.deepEqual(Array.from(view.el.querySelectorAll("li"), (li) => li.id), ["k-2", "k-3"]);
});

test("the first batch after a full render takes the stream patch, also when it removes the first row", async () => {
  const model = harness.model();
  const view = harness.display(model);
  const rows = /** @type {Insert[]} */ ([["f-1", -1, null, false], ["f-2", -1, null, false], ["f-3", -1, null, false]]);
  model.emit(message(ROW_WITH_SPACE, { reset: false, deletes: [], inserts: rows }, "a", null, true));
  await settle();
  const parsed = streamWork.parsed;
  model.emit(message(ROW_WITH_SPACE, { reset: false, deletes: ["f-1"], inserts: [["f-4", -1, null, false]] }, "b", null));
  await settle();
  assert.equal(streamWork.parsed - parsed, 1, "the new row parsed on its own");
  assert.deepEqual(Array.from(view.el.querySelectorAll("li"), (li) => li.id), ["f-2", "f-3", "f-4"]);
});

describe("the work of a batch does not grow with the rows shown", () => {
  /**
   * Show `size` rows, then apply one batch (2 appended with a limit, 1 prepended, 1 deleted,
   * 1 updated) and count what it did.
   *
   * @param {number} size
   * @param {string | null} [counter] the counter beside the list, changed by the batch too
   */
  async function batchWork(size, counter = null) {
    const statics = ROW_WITH_SPACE;
    const model = harness.model();
    const view = harness.display(model);
    const all = Array.from({ length: size }, (_, i) => /** @type {Insert} */ ([`w-${i}`, -1, null, false]));
    model.emit(message([...statics], { reset: false, deletes: [], inserts: all }, "a", null, true));
    await settle();
    model.emit(message([...statics], { reset: false, deletes: [], inserts: [["w-new", -1, null, false]] }, "b", null));
    await settle();
    const list = view.$("#msgs");
    /** @type {{addedNodes: ArrayLike<unknown>, removedNodes: ArrayLike<unknown>}[]} */
    const records = [];
    const observer = new window.MutationObserver((found) => records.push(...found));
    observer.observe(/** @type {any} */ (list), { childList: true, subtree: true, characterData: true, attributes: true });
    const start = { ...streamWork };
    const inserts = /** @type {Insert[]} */ ([
      ["w-x", -1, -(size + 1), false],
      ["w-y", -1, -(size + 1), false],
      ["w-z", 0, null, false],
      ["w-5", -1, null, false],
    ]);
    model.emit(message([...statics], { reset: false, deletes: ["w-7"], inserts }, "c", counter));
    await settle();
    if (counter !== null) assert.equal(view.$("#n").textContent, counter);
    const mutations = observer.takeRecords();
    observer.disconnect();
    records.push(...mutations);
    const nodes = records.reduce((sum, r) => sum + r.addedNodes.length + r.removedNodes.length, 0);
    assert.equal(list.children.length, size + 2);
    return {
      flattened: streamWork.flattened - start.flattened,
      indexed: streamWork.indexed - start.indexed,
      parsed: streamWork.parsed - start.parsed,
      nodes,
    };
  }

  test("rows visited, rows parsed and DOM nodes added or removed are the same at 100 and 3,000 rows", async () => {
    const small = await batchWork(100);
    harness.reset();
    const large = await batchWork(3000);
    assert.deepEqual(small, large);
    assert.equal(small.flattened, 0, "no row of the stream visited");
    assert.equal(small.indexed, 0, "no child of the container visited");
    assert.equal(small.parsed, 4, "the batch's four rows parsed, and only them");
  });

  test("the same with a counter beside the list that the batch changes too (the rest of the view is patched around the stream)", async () => {
    const small = await batchWork(100, "7");
    harness.reset();
    const large = await batchWork(3000, "7");
    assert.deepEqual(small, large);
    assert.deepEqual(small, { flattened: 0, indexed: 0, parsed: 4, nodes: large.nodes });
  });
});

describe("a batch under a limit", () => {
  /**
   * Show 200 rows, then append `batch` rows with `limit: -200` (each insert prunes the
   * oldest row) and count the insertions into the page.
   *
   * @param {number} batch
   */
  async function insertions(batch) {
    const model = harness.model();
    const view = harness.display(model);
    const all = Array.from({ length: 200 }, (_, i) => /** @type {Insert} */ ([`l-${i}`, -1, -200, false]));
    model.emit(message(ROW_WITH_SPACE, { reset: false, deletes: [], inserts: all }, "a", null, true));
    await settle();
    model.emit(message(ROW_WITH_SPACE, { reset: false, deletes: [], inserts: [["l-200", -1, -200, false]] }, "b", null));
    await settle();
    const start = streamWork.insertions;
    const inserts = Array.from({ length: batch }, (_, i) => /** @type {Insert} */ ([`l-${201 + i}`, -1, -200, false]));
    model.emit(message(ROW_WITH_SPACE, { reset: false, deletes: [], inserts }, "c", null));
    await settle();
    const ids = Array.from(view.$("#msgs").children, (li) => li.id);
    assert.deepEqual(ids, Array.from({ length: 200 }, (_, i) => `l-${batch + 1 + i}`));
    /** @param {string} id */
    const text = (id) => `${Number(id.slice(2)) > 200 ? "c" : Number(id.slice(2)) === 200 ? "b" : "a"} ${id}`;
    assert.equal(view.html(), fullHTML([...ROW_WITH_SPACE], ids, ids.map((id) => [id, text(id)]), "0"));
    return streamWork.insertions - start;
  }

  test("goes in as one insertion, for 10 rows as for 100 (the rows pruned between inserts do not split it)", async () => {
    const ten = await insertions(10);
    harness.reset();
    const hundred = await insertions(100);
    assert.equal(ten, 1);
    assert.equal(hundred, 1);
  });
});

describe("a batch appended after the rows shown", () => {
  const shapes = /** @type {const} */ ([
    ["whitespace on both sides", ROW_WITH_SPACE],
    ["before each row", ROW_LEAD],
    ["after each row", ROW_TRAIL],
    ["none", ROW_TIGHT],
  ]);
  for (const [name, statics] of shapes) {
    test(`goes in parsed as one run, pruned or not, and the page is a full render's (whitespace: ${name})`, async () => {
      const model = harness.model();
      const view = harness.display(model);
      const ids = ["a-0", "a-1", "a-2", "a-3", "a-4"];
      const texts = ids.map((id) => `a ${id}`);
      model.emit(message([...statics], { reset: false, deletes: [], inserts: ids.map((id) => /** @type {Insert} */ ([id, -1, null, false])) }, "a", null, true));
      await settle();
      for (const [n, limit] of /** @type {[number, number | null][]} */ ([[3, null], [4, -8], [2, -8]])) {
        const start = { ...streamWork };
        const added = Array.from({ length: n }, (_, i) => `b${n}-${i}`);
        const inserts = added.map((id) => /** @type {Insert} */ ([id, -1, limit, false]));
        model.emit(message([...statics], { reset: false, deletes: [], inserts }, `b${n}`, null));
        await settle();
        ids.push(...added);
        texts.push(...added.map((id) => `b${n} ${id}`));
        if (limit !== null) texts.splice(0, ids.splice(0, Math.max(0, ids.length + limit)).length);
        assert.equal(view.html(), fullHTML([...statics], ids, texts.map((text, i) => [ids[i], text]), "0"));
        assert.equal(streamWork.runs - start.runs, 1, `${n} rows: one run`);
        assert.equal(streamWork.inPlace - start.inPlace, n, `${n} rows: parsed in place`);
        assert.equal(streamWork.parsed - start.parsed, n);
        assert.equal(streamWork.insertions - start.insertions, 1);
      }
    });
  }

  test("rows of random shapes: after each batch the page is what a view displayed anew shows", async (t) => {
    const errors = captureErrors(t);
    const rand = random(7);
    const pick = (/** @type {string[]} */ options) => options[Math.floor(rand() * options.length)];
    // Shared with the same test in Chromium (tests/e2e/test_stream_shapes_chromium.py).
    const { spaces, bodies } = JSON.parse(readFileSync(ROW_SHAPES, "utf8"));
    let runs = 0;
    for (let shape = 0; shape < 40; shape++) {
      const body = /** @type {string[]} */ (bodies[Math.floor(rand() * bodies.length)]);
      const statics = [pick(spaces) + body[0], body[1], body[2] + pick(spaces)];
      const model = harness.model();
      const view = harness.display(model);
      let next = 0;
      const rows = (/** @type {number} */ n, /** @type {number | null} */ limit) =>
        Array.from({ length: n }, () => /** @type {Insert} */ ([`s${shape}-${next++}`, -1, limit, false]));
      model.emit(message([...statics], { reset: false, deletes: [], inserts: rows(3, null) }, "a", null, true));
      await settle();
      for (let batch = 0; batch < 4; batch++) {
        const before = streamWork.runs;
        const limit = rand() < 0.5 ? -(2 + Math.floor(rand() * 6)) : null;
        model.emit(message([...statics], { reset: false, deletes: [], inserts: rows(1 + Math.floor(rand() * 4), limit) }, `b${batch}`, null));
        await settle();
        runs += streamWork.runs - before;
        const fresh = harness.display(model);
        assert.equal(view.html(), fresh.html(), `${JSON.stringify(statics)}, batch ${batch}`);
        fresh.cleanup();
      }
    }
    assert.ok(runs > 20, `some batches went in as one run (${runs})`);
    assert.deepEqual(errors, []);
  });

  test("its rows still get their phx-mounted commands (the attribute in any case)", async () => {
    const statics = ['<li id="', '"', ">", "</li>"];
    const model = harness.model();
    const view = harness.display(model);
    /** @param {[string, string][]} rows @param {boolean} [first] */
    const emit = (rows, first = false) => {
      const k = { ...rows.map(([id, attr]) => ({ 0: id, 1: attr, 2: id })), kc: rows.length };
      const stream = { k, stream: ["0", rows.map(([id]) => /** @type {Insert} */ ([id, -1, null, false])), []] };
      model.emit(first ? { r: { s: VIEW, 0: { s: statics, ...stream }, 1: "0" } } : { d: { 0: stream } });
    };
    emit([["m-0", ""]], true);
    await settle();
    const runs = streamWork.runs;
    emit([["m-1", ` PHX-MOUNTED='[["add_class",{"names":["seen"]}]]'`], ["m-2", ""]]);
    await settle();
    assert.equal(streamWork.runs - runs, 1);
    assert.ok(view.$("#m-1").classList.contains("seen"));
    assert.ok(!view.$("#m-2").classList.contains("seen"));
  });

  test("a batch with a row that leaves a <b> open is patched whole (the parser reopens it in the HTML after)", async () => {
    const model = harness.model();
    const view = harness.display(model);
    const statics = ['\n<li id="', '">', "</li>"];
    model.emit(message([...statics], { reset: false, deletes: [], inserts: [["o-0", -1, null, false]] }, "a", null, true));
    await settle();
    const start = { ...streamWork };
    const inserts = /** @type {Insert[]} */ ([["o-1", -1, null, false], ["o-2", -1, null, false]]);
    const change = message([...statics], { reset: false, deletes: [], inserts }, "b", null);
    /** @type {any} */ (change).d[0].k[0][1] = "<b>open";
    model.emit(change);
    await settle();
    assert.equal(streamWork.parsed - start.parsed, 0, "no row parsed by the stream patch");
    assert.equal(streamWork.runs - start.runs, 0);
    const fresh = harness.display(model);
    assert.equal(view.html(), fresh.html());
    assert.ok(view.html()?.includes("<b>open"));
  });

  test("does not go in as one run when it prunes the row it goes after, or its own rows", async () => {
    const model = harness.model();
    const view = harness.display(model);
    model.emit(message([...ROW_WITH_SPACE], { reset: false, deletes: [], inserts: [["p-0", -1, null, false], ["p-1", -1, null, false]] }, "a", null, true));
    await settle();
    const runs = streamWork.runs;
    // Three rows under a limit of two: p-1 (the anchor) and p-2 (a new row) are pruned.
    const inserts = /** @type {Insert[]} */ ([["p-2", -1, -2, false], ["p-3", -1, -2, false], ["p-4", -1, -2, false]]);
    model.emit(message([...ROW_WITH_SPACE], { reset: false, deletes: [], inserts }, "b", null));
    await settle();
    assert.equal(streamWork.runs, runs);
    assert.equal(view.html(), fullHTML([...ROW_WITH_SPACE], ["p-3", "p-4"], [["p-3", "b p-3"], ["p-4", "b p-4"]], "0"));
  });
});

describe("phx-remove and phx-click-away beside a stream", () => {
  /** A row whose second dynamic is an attribute (`phx-remove` on some rows). */
  const ROW_ATTR = ['\n  <li id="', '"', ">", "</li>\n"];
  const BYE = ` phx-remove='[["push",{"event":"bye"}]]'`;

  /**
   * A message of rows with attributes.
   *
   * @param {[string, string][]} rows id and attribute of each new row
   * @param {number} limit
   * @param {boolean} [first]
   */
  function rowsMessage(rows, limit, first = false) {
    const k = { ...rows.map(([id, attr]) => ({ 0: id, 1: attr, 2: `text ${id}` })), kc: rows.length };
    const stream = { k, stream: ["0", rows.map(([id]) => /** @type {Insert} */ ([id, -1, limit, false])), []] };
    if (first) return { r: { s: VIEW, 0: { s: ROW_ATTR, ...stream }, 1: "0" } };
    return { d: { 0: stream } };
  }

  test("a row a batch adds with phx-remove and prunes again runs its commands, though the view held none before", async () => {
    const model = harness.model();
    const view = harness.display(model);
    model.emit(rowsMessage([["a", ""], ["b", ""]], -2, true));
    await settle();
    model.emit(rowsMessage([["c", ""]], -2));
    await settle();
    model.sent.length = 0;
    // d goes in, c (no binding) and d (with one) are pruned by the inserts after them.
    model.emit(rowsMessage([["d", BYE], ["e", ""], ["f", ""]], -2));
    await settle();
    assert.deepEqual(Array.from(view.$("#msgs").children, (li) => li.id), ["e", "f"]);
    assert.deepEqual(model.sent.map((m) => m.event), ["bye"]);
  });

  test("a phx-click-away added to the view after a patch, not by one, still hears clicks", async () => {
    const model = harness.model();
    const view = harness.display(model);
    model.emit(rowsMessage([["a", ""], ["b", ""]], -5, true));
    await settle();
    model.emit(rowsMessage([["c", ""]], -5));
    await new Promise((resolve) => setTimeout(resolve, 20)); // the look after the patch
    model.sent.length = 0;
    const sent = () => model.sent.map((m) => m.event);
    view.$("#n").click();
    assert.deepEqual(sent(), []);
    // As a hook or a script of the page might.
    view.$("#n").insertAdjacentHTML("afterend", '<div id="menu" phx-click-away="away">menu</div>');
    view.$("#n").click();
    assert.deepEqual(sent(), ["away"]);
    model.emit(rowsMessage([["d", ""]], -5));
    await new Promise((resolve) => setTimeout(resolve, 20));
    view.$("#msgs").click();
    assert.deepEqual(sent(), ["away", "away"]);
  });
});
