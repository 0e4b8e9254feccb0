/**
 * constants.js mirrors livewidget/_protocol.py: same names, same values.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as constants from "../src/constants.js";

const PROTOCOL_PY = new URL("../../livewidget/_protocol.py", import.meta.url);

/**
 * The `NAME: Final = value` lines of _protocol.py, values parsed.
 *
 * @returns {Map<string, string | number>}
 */
function protocolNames() {
  const source = readFileSync(PROTOCOL_PY, "utf8");
  /** @type {Map<string, string | number>} */
  const names = new Map();
  for (const match of source.matchAll(/^([A-Z][A-Z0-9_]*): Final = (.+)$/gm)) {
    const raw = match[2].trim();
    const value = /^["']/.test(raw) ? raw.slice(1, -1) : Number(raw.replace(/_/g, ""));
    assert.ok(typeof value === "string" || Number.isFinite(value), `cannot parse ${match[0]}`);
    names.set(match[1], value);
  }
  return names;
}

test("every name of _protocol.py exists in constants.js with the same value", () => {
  const names = protocolNames();
  assert.ok(names.size >= 15, `expected the protocol's names, found ${names.size}`);
  const exported = /** @type {Record<string, unknown>} */ ({ ...constants });
  for (const [name, value] of names) {
    assert.ok(name in exported, `constants.js lacks ${name}`);
    assert.equal(exported[name], value, `constants.js has another value for ${name}`);
  }
});

test("the binding attributes are LiveView's", () => {
  assert.equal(constants.PHX_CLICK, "phx-click");
  assert.equal(constants.PHX_VALUE_PREFIX, "phx-value-");
  assert.equal(constants.PHX_SUBMIT, "phx-submit");
  assert.equal(constants.PHX_CHANGE, "phx-change");
  assert.equal(constants.FORM_TARGET, "_target");
});
