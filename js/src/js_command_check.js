/**
 * Checking JS commands: whether a binding's value holds commands, and parsing them into
 * operations that are known to be well formed before any of them runs.
 *
 * A value starting with `[` is commands: a JSON list of `[name, {args}]` pairs (built in
 * Python with `livewidget.JS`, Phoenix's shape). Each command's arguments are checked
 * against its schema: required arguments present, no unknown ones, each of the right
 * kind, and every selector one the browser can parse. A malformed list (bad JSON, an
 * unknown command, a wrong or unknown argument, a selector that does not parse) is
 * reported as a reason, which the caller logs; nothing of it runs (`js_commands.js`).
 *
 * Kept apart from running them: checking is pure (it touches no element of the view), and
 * `SCHEMAS` here is the one list of the commands and arguments the frontend accepts.
 */

import { isWidgetPath } from "./navigation.js";
import { isObject } from "./rendered.js";

/** @typedef {import("./rendered.js").JsonObject} JsonObject */
/** @typedef {[string, JsonObject]} Op a checked command: its name and arguments */

/** @type {Record<string, Record<string, (value: unknown) => string | null>>} */
const SCHEMAS = {
  push: { event: nonEmpty, value: object, loading: selector, page_loading: boolean, target: pushTarget },
  navigate: { href: widgetPath, replace: boolean },
  patch: { href: widgetPath, replace: boolean },
  show: { to: target, transition, time, display: nonEmpty },
  hide: { to: target, transition, time },
  toggle: { to: target, ins: transition, outs: transition, time, display: nonEmpty },
  add_class: { names: classNames, to: target, transition, time },
  remove_class: { names: classNames, to: target, transition, time },
  toggle_class: { names: classNames, to: target, transition, time },
  transition: { transition, to: target, time },
  set_attr: { attr: (v) => attrList(v, [2]), to: target },
  remove_attr: { attr: attrName, to: target },
  toggle_attr: { attr: (v) => attrList(v, [2, 3]), to: target },
  dispatch: { event: nonEmpty, to: target, detail: object, bubbles: boolean },
  focus: { to: target },
  focus_first: { to: target },
  exec: { attr: attrName, to: target },
};
/** @type {Record<string, string[]>} */
const REQUIRED = {
  push: ["event"],
  navigate: ["href"],
  patch: ["href"],
  add_class: ["names"],
  remove_class: ["names"],
  toggle_class: ["names"],
  transition: ["transition"],
  set_attr: ["attr"],
  remove_attr: ["attr"],
  toggle_attr: ["attr"],
  dispatch: ["event"],
  exec: ["attr"],
};

/**
 * Whether a binding's value holds JS commands rather than an event name.
 *
 * @param {string} value
 */
export function isCommands(value) {
  return value.trimStart().startsWith("[");
}

/**
 * Parse and check commands; the reason they are malformed, or the operations.
 *
 * @param {string} text
 * @returns {{ops: Op[]} | {error: string}}
 */
export function parseCommands(text) {
  /** @type {unknown} */
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `they are not valid JSON (${error instanceof Error ? error.message : error})` };
  }
  if (!Array.isArray(value)) return { error: "they are not a list of [name, {args}] pairs" };
  /** @type {Op[]} */
  const ops = [];
  for (const [i, item] of value.entries()) {
    const where = `command ${i + 1}`;
    if (!Array.isArray(item) || item.length !== 2 || typeof item[0] !== "string" || !isObject(item[1])) {
      return { error: `${where} is not a [name, {args}] pair: ${short(item)}` };
    }
    const [name, args] = /** @type {[string, JsonObject]} */ (item);
    const schema = Object.hasOwn(SCHEMAS, name) ? SCHEMAS[name] : undefined;
    if (!schema) return { error: `${where} is "${name}", which is no command (${Object.keys(SCHEMAS).join(", ")})` };
    for (const key of REQUIRED[name] ?? []) {
      if (!(key in args)) return { error: `${where} ("${name}") lacks its "${key}"` };
    }
    for (const [key, arg] of Object.entries(args)) {
      const check = Object.hasOwn(schema, key) ? schema[key] : undefined;
      if (!check) return { error: `${where} ("${name}") has an unknown argument "${key}"` };
      const problem = check(arg);
      if (problem) return { error: `${where} ("${name}"): "${key}" ${problem}, got ${short(arg)}` };
    }
    ops.push([name, args]);
  }
  return { ops };
}

/** @param {unknown} v */
function nonEmpty(v) {
  return typeof v === "string" && v.trim() !== "" ? null : "must be a non-empty string";
}
/** @param {unknown} v */
function object(v) {
  return isObject(v) ? null : "must be an object";
}
/** @param {unknown} v */
function boolean(v) {
  return typeof v === "boolean" ? null : "must be true or false";
}
/** @param {unknown} v */
function time(v) {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? null : "must be a number of milliseconds >= 0";
}
/** @param {unknown} v */
function widgetPath(v) {
  return isWidgetPath(v) ? null : 'must be a path inside the widget, starting with "/"';
}
/** @param {unknown} v */
function selector(v) {
  if (typeof v !== "string" || v.trim() === "") return "must be a CSS selector";
  return validSelector(v) ? null : "is not a valid CSS selector";
}
/** @param {unknown} v */
function target(v) {
  if (typeof v === "string") return selector(v);
  if (isObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && (keys[0] === "inner" || keys[0] === "closest")) return selector(v[keys[0]]);
  }
  return 'must be a CSS selector, {"inner": selector} or {"closest": selector}';
}
/** @param {unknown} v */
function classNames(v) {
  return Array.isArray(v) && v.length > 0 && v.every(isClassName) ? null : "must be a list of class names";
}
/** @param {unknown} v */
function transition(v) {
  const ok = Array.isArray(v) && v.length === 3 && v.every((part) => Array.isArray(part) && part.every(isClassName));
  return ok ? null : "must be three lists of class names (during, start, end)";
}
/** @param {unknown} v */
function attrName(v) {
  return isAttrName(v) ? null : "must be an attribute name";
}
/**
 * @param {unknown} v
 * @param {number[]} lengths
 */
function attrList(v, lengths) {
  const ok = Array.isArray(v) && lengths.includes(v.length) && isAttrName(v[0]) && v.slice(1).every((x) => typeof x === "string");
  return ok ? null : `must be [name, ${lengths.length > 1 ? "value(, other)" : "value"}] strings`;
}
/** @param {unknown} v */
function isClassName(v) {
  return typeof v === "string" && v !== "" && !/\s/.test(v);
}
/** @param {unknown} v */
function isAttrName(v) {
  return typeof v === "string" && /^[^\s"'<>/=]+$/.test(v);
}

/** Selectors that parse, remembered. @type {Map<string, boolean>} */
const selectorCache = new Map();

/** @param {string} text */
function validSelector(text) {
  let ok = selectorCache.get(text);
  if (ok === undefined) {
    try {
      // Any element will do: querySelector throws a SyntaxError for a selector that does not parse.
      scratchElement().querySelector(text);
      ok = true;
    } catch {
      ok = false;
    }
    if (selectorCache.size > 500) selectorCache.clear();
    selectorCache.set(text, ok);
  }
  return ok;
}

/** @type {Element | null} */
let scratch = null;
/** @returns {Element} */
function scratchElement() {
  if (scratch === null) {
    const doc = /** @type {{document?: Document}} */ (globalThis).document;
    if (!doc) throw new Error("no document to check selectors with");
    scratch = doc.createElement("div");
  }
  return scratch;
}

/**
 * Use `doc` to check selectors (the widget's own document; tests have no global one).
 *
 * @param {Document} doc
 */
export function useDocument(doc) {
  if (scratch === null || scratch.ownerDocument !== doc) {
    scratch = doc.createElement("div");
    selectorCache.clear();
  }
}

/**
 * @param {unknown} value
 * @returns {string}
 */
function short(value) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * A push's `target`: a component's cid, or a selector naming an element inside one.
 *
 * @param {unknown} value
 * @returns {string | null}
 */
function pushTarget(value) {
  if (typeof value === "number") return Number.isInteger(value) && value > 0 ? null : "a cid must be a positive integer";
  return selector(value);
}
