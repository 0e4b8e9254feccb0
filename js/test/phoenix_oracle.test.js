/**
 * The shared render fixtures through both clients: ours (`src/rendered.js`) and Phoenix
 * LiveView 1.2's own `Rendered` (see `oracle/phoenix.js`). Both must show each fixture's
 * HTML after every message: the fixtures are in Phoenix's wire shapes, with `"m"` runs as
 * the one extension (rewritten into Phoenix's per-row moves for its client).
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { mergeSequences } from "./oracle/merge.mjs";
import { loadPhoenix, phoenixHTML, phoenixShape } from "./oracle/phoenix.js";
import { readFixtures } from "./helpers.js";

describe("render fixtures through our client and Phoenix's", () => {
  const fixtures = readFixtures();

  test("there are fixtures with moves, runs and nested comprehensions", () => {
    const text = JSON.stringify(fixtures.map((f) => f.diffs));
    for (const key of ['"km":true', '"m":[[', '"kc":0']) assert.ok(text.includes(key), key);
  });

  for (const fixture of fixtures) {
    test(fixture.file, async () => {
      const sequence = [fixture.tree, ...fixture.diffs.map((step) => step.diff)];
      const expected = [fixture.html, ...fixture.diffs.map((step) => step.html)];
      const [result] = await mergeSequences([sequence]);
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      assert.deepEqual(result.ours, expected, "our client");
      assert.deepEqual(result.phoenix, expected, "Phoenix's client");
    });
  }
});

describe("the oracle itself", () => {
  test("Phoenix's client is the pinned 1.2.x release", async () => {
    const { version } = await loadPhoenix();
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    assert.match(version, /^1\.2\.\d+$/);
    assert.equal(pkg.devDependencies.phoenix_live_view, version, "pinned to the exact version");
  });

  test("phoenixShape writes each run of moves as per-row entries and copies the rest", () => {
    const diff = { 0: { k: { 0: { 0: "x" }, m: [[1, 3, 2]], km: true, kc: 3 } }, 1: "t" };
    const shaped = phoenixShape(diff);
    assert.deepEqual(shaped, { 0: { k: { 0: { 0: "x" }, 1: 3, 2: 4, km: true, kc: 3 } }, 1: "t" });
    assert.deepEqual(diff[0].k.m, [[1, 3, 2]], "the input is left as it was");
  });

  test("Phoenix's client needs the shapes this change sends", async () => {
    const { Rendered } = await loadPhoenix();
    const tree = { s: ["<ul>", "</ul>"], 0: { s: ["<li>", "</li>"], k: { 0: { 0: "a" }, 1: { 0: "b" }, kc: 2 } } };
    // without "kc" it renders no rows; without "km" it cannot take old rows
    const noCount = phoenixHTML(Rendered, [tree, { 0: { k: { 0: { 0: "c" } } } }]);
    assert.deepEqual(noCount.html, ["<ul><li>a</li><li>b</li></ul>", "<ul></ul>"]);
    const noFlag = phoenixHTML(Rendered, [tree, { 0: { k: { 0: 1, 1: 0, kc: 2 } } }]);
    assert.equal(noFlag.html.length, 1);
    assert.match(noFlag.error ?? "", /^message 1: TypeError/);
    // the old "d" shape of a full comprehension is read as a plain tree without its dynamic
    const old = phoenixHTML(Rendered, [{ s: ["<ul>", "</ul>"], 0: { s: ["<li>", "</li>"], d: [["a"]] } }]);
    assert.deepEqual(old.html, ["<ul><li>undefined</li></ul>"]);
  });
});
