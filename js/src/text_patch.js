/**
 * The cheapest patch: a changed row, or a small view, whose only differences are the texts of
 * some of its elements gets those texts set on the page's text nodes; nothing is parsed or
 * morphed.
 *
 * A change qualifies when every dynamic that differs (nested ones too) is plain text before
 * and after, lying in a "text slot":
 * - the slot is in the text that is the whole content of one element, beside static text or
 *   other slots only (`<td>` 7 `</td>`, `<span>Count: ` 7 `</span>`);
 * - the element is one whose text the HTML parser keeps as one plain text child (`TEXT_TAGS`:
 *   no `<pre>`, whose first newline the parser drops, no `<textarea>`, `<option>`, `<script>`…);
 * - both values hold no markup and no character the parser rewrites: no `<`, no `\r`, no NUL,
 *   and `&` only in the entities the kernel's escaping writes (`ENTITIES`).
 *
 * The page must show exactly the old HTML: the row element's `outerHTML` (a view's
 * `innerHTML`) is that HTML, character for character or once the kernel's escapes are written
 * as the serializer writes them (`asSerialized`), and the page holds one element per start tag
 * of it. That proves what the parser made of the HTML (no element dropped, implied or moved,
 * nothing a hook, a JS command or a loading state put there since), so the slot's element is
 * found by counting the start tags before it, and its text node is where the new text goes.
 * A fresh parse of the new HTML would make the same element with the same single text node:
 * the page ends up exactly as the full patch makes it. Anything else returns null (false) and
 * the row or view is patched as before (`row_apply.js`, `dom_patch.js`).
 *
 * An element with a hook or `phx-update` (the element's own or one around it) is left to the
 * full patch: a hook hears `updated` from it, `phx-update` keeps its children. So is a row or
 * view holding a form control: the patch also brings what an unfocused control shows back to
 * the kernel's value, which its HTML does not tell.
 */

import { DYNAMICS, PHX_HOOK, PHX_UPDATE, STATICS } from "./constants.js";
import { settle, untouched } from "./dom_quiet.js";
import { streamState } from "./streams.js";

/**
 * One element's new text.
 *
 * @typedef {object} TextEdit
 * @property {Element} el the element whose only content is the slot
 * @property {string} text its new text (decoded: what the text node holds)
 */

/** How many texts were set in place of a row's parse and morph, for the tests. */
export const textsSet = { count: 0 };

/**
 * Elements whose content, as plain text, is parsed into one text child and serialized back as
 * it was written (given no `<`, `\r` or NUL in it, and `>` or U+00A0 only as the old text's
 * `outerHTML` check allows).
 */
const TEXT_TAGS = new Set([
  "a", "abbr", "b", "bdi", "bdo", "big", "blockquote", "button", "caption", "cite", "code",
  "data", "dd", "del", "dfn", "div", "dt", "em", "figcaption", "h1", "h2", "h3", "h4", "h5",
  "h6", "i", "ins", "kbd", "label", "legend", "li", "mark", "output", "p", "q", "s", "samp",
  "small", "span", "strong", "sub", "summary", "sup", "td", "th", "time", "u", "var",
]);

/** The entities the kernel's escaping writes (MarkupSafe's), and what they stand for. */
const ENTITIES = new Map([
  ["&amp;", "&"],
  ["&lt;", "<"],
  ["&gt;", ">"],
  ["&quot;", '"'],
  ["&#34;", '"'],
  ["&#39;", "'"],
  ["&#x27;", "'"],
]);

const HTML = "http://www.w3.org/1999/xhtml";

/**
 * Elements whose content the start tags of a serialization may not count one to one: raw text
 * that may read like markup (`<script>`, `<style>`… and `<noscript>`, whose content a
 * `<template>` parses as elements), a template's content (not among the descendants), and
 * SVG and MathML, whose `<style>` and `<script>` hold elements. Their HTML is patched.
 */
const UNCOUNTED = new Set([
  "script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext",
  "template", "svg", "math",
]);

/** A start tag as the serializer writes it: lowercase name, each attribute as `name="value"`. */
const START_TAG = /<([a-z][^\s/>]*)(?: [^\s"'<>/=]+="[^"]*")*>/y;

/** The most HTML a view may have for `patchTextsInPlace` to compare it with the page. */
const SMALL_VIEW = 8192;

/**
 * A form control: what it shows (its value, its checked state, the option selected) is not in
 * the HTML, and the patch brings an unfocused one back in line with the kernel's HTML. A row or
 * view holding one is patched, not only its texts set.
 */
const FORM_CONTROL = /<(?:input|select|textarea)[\s/>]/;

/** Text the parser would not keep as one text node of the same characters. */
const NOT_PLAIN = /[<\r\0]/;

/**
 * The text edits that turn the page's element `el`, showing row `before`, into row `after`;
 * null when the change is not texts alone or the page does not show exactly `before`.
 *
 * @param {string[]} statics the comprehension's statics
 * @param {unknown[]} before the row on screen
 * @param {unknown[]} after its new version (the same number of dynamics)
 * @param {Element} el the row's element on the page
 * @param {{lead: string, trail: string}} shape the whitespace around the row's element
 * @returns {TextEdit[] | null}
 */
export function planTextEdits(statics, before, after, el, shape) {
  if (before.length !== after.length) return null;
  /** @type {Walk} */
  const walk = { out: [], length: 0, slots: [], limit: Infinity, lists: true };
  if (!walkStatics(statics, before, after, walk) || walk.slots.length === 0) return null;
  const html = walk.out.join("");
  const start = shape.lead.length;
  const outer = html.slice(start, html.length - shape.trail.length);
  const found = FORM_CONTROL.test(outer) ? null : shown(el.outerHTML, outer);
  if (!found) return null;
  const slots = walk.slots.map(({ at, old, value }) => ({ at: at - start, old, value }));
  if (slots.some(({ at, old }) => at < 0 || at + old.length > outer.length)) return null;
  return editsFor(el, outer, found, slots, true);
}

/**
 * Patch a small view whose new tree differs from the one on screen in texts alone: set those
 * texts, and say so; false when the change is not that, or the page does not show exactly
 * `before` (nothing was touched then).
 *
 * Only views of at most `SMALL_VIEW` characters of HTML, holding no list, component or
 * stream: the check reads the view's whole `innerHTML`, and a list's rows are the row patch's
 * to change (`planTextEdits`) and the patch around lists' to learn.
 *
 * @param {Element} container the view's element, showing `before`
 * @param {import("./rendered.js").Tree} before the tree on screen
 * @param {import("./rendered.js").Tree} after the new tree
 * @returns {boolean}
 */
export function patchTextsInPlace(container, before, after) {
  /** @type {Walk} */
  const walk = { out: [], length: 0, slots: [], limit: SMALL_VIEW, lists: false };
  if (!walkBoth(before, after, walk) || walk.slots.length === 0) return false;
  const html = walk.out.join("");
  const found = FORM_CONTROL.test(html) ? null : shown(container.innerHTML, html);
  const edits = found && editsFor(container, html, found, walk.slots, false);
  if (!edits) return false;
  // The view's DOM is as its patches left it, and stays so: the row patch may trust it.
  const quiet = untouched(container);
  applyTextEdits(edits);
  if (quiet) settle(container);
  return true;
}

/**
 * Rendering the tree on screen while comparing it with the new one.
 *
 * @typedef {object} Walk
 * @property {string[]} out the HTML so far
 * @property {number} length its length
 * @property {Slot[]} slots the texts that change
 * @property {number} limit the most HTML to render (false beyond)
 * @property {boolean} lists whether lists may be walked (inside a row), their rows pairwise
 */

/**
 * Render `before` into `walk`, noting each text that differs in `after`; false as soon as
 * the trees differ otherwise, hold a component or a stream, or the HTML grows too long.
 *
 * @param {unknown} before
 * @param {unknown} after
 * @param {Walk} walk
 * @returns {boolean}
 */
function walkBoth(before, after, walk) {
  if (typeof before === "string") {
    if (before !== after) {
      if (typeof after !== "string" || NOT_PLAIN.test(before) || NOT_PLAIN.test(after)) return false;
      walk.slots.push({ at: walk.length, old: before, value: after });
    }
    walk.out.push(before);
    walk.length += before.length;
    return walk.length <= walk.limit;
  }
  if (!isNode(before) || !isNode(after) || before[STATICS] !== after[STATICS] || streamState(before) !== undefined) {
    return false;
  }
  const statics = before[STATICS];
  if (!Array.isArray(statics) || statics.length === 0) return false;
  if (DYNAMICS in before) {
    // A view's lists change through the row patch, and the patch around lists learns them.
    const [rows, next] = [before[DYNAMICS], after[DYNAMICS]];
    if (!walk.lists || !Array.isArray(rows) || !Array.isArray(next) || rows.length !== next.length) return false;
    for (let i = 0; i < rows.length; i++) {
      const [row, nextRow] = [rows[i], next[i]];
      if (!Array.isArray(row) || !Array.isArray(nextRow) || row.length !== nextRow.length) return false;
      if (!walkStatics(statics, row, nextRow, walk)) return false;
    }
    return true;
  }
  const keys = Array.from({ length: statics.length - 1 }, (_, i) => String(i));
  if (!keys.every((key) => key in before && key in after)) return false;
  return walkStatics(statics, keys.map((key) => before[key]), keys.map((key) => after[key]), walk);
}

/**
 * `walkBoth` over statics and the dynamics between them.
 *
 * @param {unknown[]} statics
 * @param {unknown[]} before
 * @param {unknown[]} after
 * @param {Walk} walk
 * @returns {boolean}
 */
function walkStatics(statics, before, after, walk) {
  for (let i = 0; i < statics.length; i++) {
    const part = statics[i];
    if (typeof part !== "string") return false;
    walk.out.push(part);
    walk.length += part.length;
    if (i < before.length && !walkBoth(before[i], after[i], walk)) return false;
  }
  return walk.length <= walk.limit;
}

/**
 * @param {unknown} value
 * @returns {value is {[key: string]: unknown}}
 */
function isNode(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Set each edit's text (the plan was checked against the page just before).
 *
 * @param {TextEdit[]} edits
 */
export function applyTextEdits(edits) {
  for (const { el, text } of edits) {
    const node = el.firstChild;
    if (text === "") node?.remove();
    else if (node) /** @type {Text} */ (node).data = text;
    else el.append(el.ownerDocument.createTextNode(text));
    textsSet.count += 1;
  }
}

/**
 * A text that changes: where it starts in the HTML on screen, its HTML there and its new HTML.
 *
 * @typedef {object} Slot
 * @property {number} at
 * @property {string} old
 * @property {string} value
 */

/**
 * The edits that change `slots` (in the order of `html`) in the page: each slot must lie in
 * the text that is the whole content of an element of `TEXT_TAGS` (beside other text of the
 * template's or other slots, not beside an element), and that element must hold it as its one
 * text node. Null otherwise. `html` is the serialization of `root`: its `outerHTML` when
 * `self`, else its `innerHTML`; `found`, its parts.
 *
 * @param {Element} root
 * @param {string} html
 * @param {Part[]} found
 * @param {Slot[]} slots
 * @param {boolean} self whether `html` starts with `root`'s own start tag
 * @returns {TextEdit[] | null}
 */
function editsFor(root, html, found, slots, self) {
  const tags = tagsOf(found);
  // Every element of the page is a start tag of the HTML, in order, and no other is.
  const elements = root.getElementsByTagName("*");
  if (tags.length !== elements.length + (self ? 1 : 0)) return null;
  /** @type {TextEdit[]} */
  const edits = [];
  let from = 0;
  let index = -1; // of the last start tag before the slot
  while (from < slots.length) {
    const { at } = slots[from];
    while (index + 1 < tags.length && tags[index + 1].end <= at) index++;
    const opened = tags[index];
    if (!opened || !TEXT_TAGS.has(opened.name)) return null;
    // (A slot inside a start tag, an attribute's value, follows text with a "<" in it.)
    if (html.slice(opened.end, at).includes("<")) return null;
    const close = html.indexOf("<", at);
    if (close === -1 || !html.startsWith(`</${opened.name}>`, close)) return null;
    // The element's whole content, with each of its slots' new HTML.
    const parts = [];
    let last = opened.end;
    let to = from;
    // (A slot at `close` is empty, at the end of this content.)
    for (; to < slots.length && slots[to].at <= close; to++) {
      parts.push(html.slice(last, slots[to].at), slots[to].value);
      last = slots[to].at + slots[to].old.length;
    }
    parts.push(html.slice(last, close));
    const text = decode(parts.join(""));
    const el = self ? (index === 0 ? root : elements[index - 1]) : elements[index];
    if (text === null || !el || el.localName !== opened.name || el.namespaceURI !== HTML) return null;
    const kids = el.childNodes;
    if (close === opened.end ? kids.length !== 0 : kids.length !== 1 || kids[0].nodeType !== 3) return null;
    const stop = self ? null : root;
    for (let up = /** @type {Element | null} */ (el); up && up !== stop; up = up === root ? null : up.parentElement) {
      if (up.hasAttribute(PHX_HOOK) || up.hasAttribute(PHX_UPDATE)) return null;
    }
    edits.push({ el, text });
    from = to;
  }
  return edits;
}

/**
 * The parts of `html` (`parts`) when `serialized`, the page's serialization, is `html` as the
 * page's serializer writes it: the same, or the same once the kernel's escapes are written as
 * the serializer writes them (`asSerialized`); null otherwise.
 *
 * @param {string} serialized
 * @param {string} html
 * @returns {Part[] | null}
 */
function shown(serialized, html) {
  const found = parts(html);
  return found && (serialized === html || serialized === asSerialized(html, found)) ? found : null;
}

/**
 * `html` as an HTML serializer writes what it parses into, where the two differ only in how
 * characters are escaped: the kernel writes `'` and `"` as `&#39;` and `&#34;` everywhere
 * (MarkupSafe), a serializer leaves them as they are in text and writes `"` as `&quot;` in
 * attribute values, escapes `>` and U+00A0 in text and `<` and `>` in attribute values (as
 * Chromium does).
 *
 * @param {string} html
 * @param {Part[]} found its parts
 * @returns {string}
 */
function asSerialized(html, found) {
  return found
    .map(({ kind, from, to }) => {
      const part = html.slice(from, to);
      if (kind === "text") return serializedText(part);
      if (kind === "start") return part.replace(/="([^"]*)"/g, (_, value) => `="${serializedValue(value)}"`);
      return part;
    })
    .join("");
}

/** @param {string} text the kernel's HTML of a text @returns {string} the serializer's */
function serializedText(text) {
  return text
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&#34;|&quot;|&#x22;/g, '"')
    .replace(/>/g, "&gt;")
    .replace(/\u00a0/g, "&nbsp;");
}

/** @param {string} value the kernel's HTML of an attribute value @returns {string} the serializer's */
function serializedValue(value) {
  return value
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&#34;|&#x22;/g, "&quot;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\u00a0/g, "&nbsp;");
}

/**
 * Where each start tag of serialized HTML `html` ends, and its name, in order; null as `parts`.
 *
 * @param {string} html
 * @returns {{name: string, end: number}[] | null}
 */
export function startTags(html) {
  const found = parts(html);
  return found && tagsOf(found);
}

/**
 * @param {Part[]} found
 * @returns {{name: string, end: number}[]}
 */
function tagsOf(found) {
  return found.filter((part) => part.kind === "start").map(({ name, to }) => ({ name, end: to }));
}

/**
 * One part of serialized HTML: a text, a start tag (and its element's name), or other markup
 * (an end tag, a comment), from `from` to `to`.
 *
 * @typedef {{kind: "text" | "start" | "markup", from: number, to: number, name: string}} Part
 */

/**
 * The parts of serialized HTML `html`, in order; null when something is not as the serializer
 * writes it, or when an element may hold what the serialization does not show as start tags
 * one to one (`UNCOUNTED`): then nothing is assumed.
 *
 * @param {string} html
 * @returns {Part[] | null}
 */
function parts(html) {
  /** @type {Part[]} */
  const found = [];
  let at = 0;
  for (;;) {
    const lt = html.indexOf("<", at);
    const text = lt === -1 ? html.length : lt;
    if (text > at) found.push({ kind: "text", from: at, to: text, name: "" });
    if (lt === -1) return found;
    const comment = html.startsWith("<!--", lt);
    if (comment || html[lt + 1] === "/") {
      const closer = comment ? "-->" : ">";
      const close = html.indexOf(closer, comment ? lt + 4 : lt + 2);
      if (close === -1) return null;
      at = close + closer.length;
      found.push({ kind: "markup", from: lt, to: at, name: "" });
    } else {
      START_TAG.lastIndex = lt;
      const match = START_TAG.exec(html);
      if (!match || UNCOUNTED.has(match[1])) return null;
      at = START_TAG.lastIndex;
      found.push({ kind: "start", from: lt, to: at, name: match[1] });
    }
  }
}

/**
 * The text `html` stands for, or null when it holds an entity the kernel does not write.
 *
 * @param {string} html
 * @returns {string | null}
 */
function decode(html) {
  if (!html.includes("&")) return html;
  let unknown = false;
  const text = html.replace(/&[^;&]*;?/g, (entity) => {
    const char = ENTITIES.get(entity);
    if (char === undefined) unknown = true;
    return char ?? entity;
  });
  return unknown ? null : text;
}
