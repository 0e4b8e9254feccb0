/**
 * Phoenix LiveView's own client-side `Rendered` (merge + HTML), importable in Node, as an
 * oracle for livewidget's wire format.
 *
 * The npm package `phoenix_live_view` (a pinned 1.2.x dev dependency) ships one ESM bundle,
 * `priv/static/phoenix_live_view.esm.js`, that does not export `Rendered`. It is read from
 * node_modules at test time, one `export { Rendered }` line is appended, and the result is
 * imported from a `data:` URL: nothing of Phoenix's is copied into this repository or
 * written to disk. `Rendered` reads `window` (for `structuredClone`), so a happy-dom window
 * is installed as `globalThis.window` when there is none.
 *
 * Phoenix's client cannot read livewidget's one extension, `"m"` runs of moved rows inside
 * `"k"` (it would take `"m"` for a row index). `phoenixShape` rewrites each run into the
 * per-row `"i": j` entries Phoenix itself sends for the same moves; nothing else changes.
 *
 * HTML is compared as Phoenix's `toString()` gives it, with one normalisation: on a
 * component's root element (under `"c"`, with the root flag `"r"`) Phoenix's client writes
 * `data-phx-id` and `data-phx-view`, which name its own view and bookkeeping; those two are
 * dropped (`data-phx-component`, which ours writes too, is kept). livewidget's other trees
 * carry no `"r"`. The removed cids of a diff (`"cd"`, livewidget's one root addition) are
 * taken out before Phoenix merges it and handed to its `pruneCIDs` after.
 */

import { readFileSync } from "node:fs";
import { Window } from "happy-dom";

/** Where npm puts the package (js/node_modules). */
const PACKAGE = new URL("../../node_modules/phoenix_live_view/", import.meta.url);
/** The release line whose client livewidget's format must satisfy. */
const SUPPORTED = /^1\.2\.\d+$/;

/**
 * The part of Phoenix's `Rendered` the oracle uses.
 *
 * @typedef {object} PhoenixRendered
 * @property {(diff: object) => void} mergeDiff merge a diff (mutates it and the tree)
 * @property {(cids: number[]) => void} pruneCIDs forget components
 * @property {() => {buffer: string, streams?: Set<[string, [string, number, number | null, boolean][], string[], unknown?]>}} toString
 *   the HTML of the current tree, and the stream instructions it read
 */

/** @typedef {new (viewId: string, rendered: object) => PhoenixRendered} PhoenixRenderedClass */

/** @type {Promise<{Rendered: PhoenixRenderedClass, version: string}> | null} */
let loaded = null;

/**
 * Phoenix's `Rendered` class and the package's version (loaded once per process).
 *
 * @returns {Promise<{Rendered: PhoenixRenderedClass, version: string}>}
 */
export function loadPhoenix() {
  loaded ??= load();
  return loaded;
}

/** @returns {Promise<{Rendered: PhoenixRenderedClass, version: string}>} */
async function load() {
  /** @type {string} */
  let version;
  /** @type {string} */
  let source;
  try {
    version = JSON.parse(readFileSync(new URL("package.json", PACKAGE), "utf8")).version;
    source = readFileSync(new URL("priv/static/phoenix_live_view.esm.js", PACKAGE), "utf8");
  } catch (error) {
    throw new Error(
      `Phoenix LiveView's client is not installed under js/node_modules (${error}); run \`npm ci\` in js/`,
    );
  }
  if (!SUPPORTED.test(version)) {
    throw new Error(`expected phoenix_live_view 1.2.x in js/node_modules, found ${version}; run \`npm ci\` in js/`);
  }
  if (!/^var Rendered = class/m.test(source)) {
    throw new Error(`phoenix_live_view ${version}'s ESM bundle has no top-level \`var Rendered = class\` to export`);
  }
  if (globalThis.window === undefined) {
    Object.assign(globalThis, { window: new Window({ url: "http://localhost/" }) });
  }
  const url = `data:text/javascript;base64,${Buffer.from(`${source}\nexport { Rendered };\n`).toString("base64")}`;
  const module = await import(url);
  return { Rendered: module.Rendered, version };
}

/**
 * A message in the shape Phoenix's client reads: a deep copy with every `"m"` run of a
 * keyed diff (`[index, old index, length]`) written as Phoenix's own per-row moves,
 * `"index + o": old index + o`. The diff already says `"km": true` when rows moved.
 *
 * @param {unknown} value a tree or diff as livewidget sends it
 * @returns {unknown}
 */
export function phoenixShape(value) {
  if (Array.isArray(value)) return value.map(phoenixShape);
  if (typeof value !== "object" || value === null) return value;
  /** @type {{[key: string]: unknown}} */
  const out = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] = key === "k" ? keyedShape(child) : phoenixShape(child);
  }
  return out;
}

/**
 * @param {unknown} keyed the `"k"` object of a comprehension or its diff
 * @returns {unknown}
 */
function keyedShape(keyed) {
  const out = /** @type {{[key: string]: unknown}} */ (phoenixShape(keyed));
  if (typeof out !== "object" || out === null || !Array.isArray(out.m)) return out;
  for (const [index, was, length] of /** @type {number[][]} */ (out.m)) {
    for (let offset = 0; offset < length; offset++) out[String(index + offset)] = was + offset;
  }
  delete out.m;
  return out;
}

/**
 * The HTML Phoenix's client shows after each message of a sequence (message 0 a full tree,
 * the rest diffs), up to the first message it throws on, and that error. Messages are
 * copied first: Phoenix's merge adopts and mutates them.
 *
 * With `page` (streams: see `stream_page.js`), the HTML is what Phoenix's DOM patch leaves
 * on a page after each message, rather than `toString()`'s.
 *
 * @param {PhoenixRenderedClass} Rendered
 * @param {unknown[]} messages
 * @param {import("./stream_page.js").StreamPage} [page]
 * @returns {{html: string[], error?: string}}
 */
export function phoenixHTML(Rendered, messages, page) {
  /** @type {string[]} */
  const html = [];
  /** @type {PhoenixRendered | null} */
  let rendered = null;
  try {
    for (const message of messages) {
      const copy = /** @type {{[key: string]: unknown}} */ (phoenixShape(message));
      const removed = copy.cd;
      delete copy.cd;
      if (rendered === null) rendered = new Rendered("oracle", copy);
      else rendered.mergeDiff(copy);
      if (Array.isArray(removed)) rendered.pruneCIDs(removed);
      const out = rendered.toString();
      const buffer = out.buffer.replace(/ data-phx-(?:id|view)="[^"]*"/g, "");
      html.push(page ? page.patch(buffer, out.streams ?? []) : buffer);
    }
  } catch (error) {
    return { html, error: `message ${html.length}: ${describe(error)}` };
  }
  return { html };
}

/**
 * An error in one line with Phoenix's frames named by file (the module's URL is the whole
 * bundle, base64-encoded).
 *
 * @param {unknown} error
 * @returns {string}
 */
function describe(error) {
  if (!(error instanceof Error)) return String(error);
  const frames = (error.stack ?? "").split("\n").slice(1, 4);
  const where = frames.map((f) => f.trim().replace(/data:text\/javascript;base64,[A-Za-z0-9+/=]+/, "phoenix_live_view.esm.js"));
  return `${error.name}: ${error.message} (${where.join(" < ")})`;
}
