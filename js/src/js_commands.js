/**
 * JS commands: the `[["push", {...}], ["toggle", {"to": "#menu"}], ...]` a binding may hold
 * instead of an event name (built in Python with `livewidget.JS`, Phoenix's shape).
 *
 * A value starting with `[` is commands. It is checked whole before anything runs: a
 * malformed one (bad JSON, an unknown command, a wrong or unknown argument, a selector that
 * does not parse) is logged with the `[livewidget]` prefix and does nothing at all.
 *
 * Commands run in order, on the element the binding is on, or on the elements `to` names:
 * a selector matched inside the widget's view only (never another widget's elements nor
 * the rest of the page), `{"inner": sel}` inside that element, `{"closest": sel}` its
 * nearest ancestor in the view. Only `push`, `navigate` and `patch` reach the kernel.
 *
 * What commands did to an element (classes, attributes, shown / hidden, a running
 * transition) is *sticky*: patches from the kernel keep it, as in Phoenix (`Sticky`).
 */

import { owns } from "./bindings.js";
import { logError } from "./log.js";
import { isWidgetPath } from "./navigation.js";
import { isObject } from "./rendered.js";

/** @typedef {import("./rendered.js").JsonObject} JsonObject */
/** @typedef {[string, JsonObject]} Op */
/** @typedef {string | {inner: string} | {closest: string}} Target */
/** @typedef {[string[], string[], string[]]} TransitionClasses during, start, end */

/** Milliseconds a transition runs when the command gives no `time`. */
export const DEFAULT_TIME = 200;
/** How deep `exec` may nest (a command running an attribute that runs one, …). */
const MAX_EXEC_DEPTH = 8;

/**
 * What a command needs from the binding that runs it.
 *
 * @typedef {object} CommandContext
 * @property {Element} root the widget's root (elements of nested widgets are not ours)
 * @property {Element} container the element holding the view's HTML: selectors look here
 * @property {Sticky} sticky what commands did to elements, kept across patches
 * @property {(event: string, value: JsonObject | undefined, loading: Element[]) => void} push
 *   sends `event` as the binding would, its own payload merged with `value`; `loading` are
 *   more elements for the binding's loading class
 * @property {(kind: "patch" | "redirect", href: string, replace: boolean) => void} navigate
 */

// ---------------------------------------------------------------------------------------
// Checking.

/** @type {Record<string, Record<string, (value: unknown) => string | null>>} */
const SCHEMAS = {
  push: { event: nonEmpty, value: object, loading: selector },
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

// ---------------------------------------------------------------------------------------
// Running.

/**
 * Run the commands held by a binding's value on `source`; a malformed value is logged
 * (naming `what`, e.g. `phx-click`) and does nothing.
 *
 * @param {string} text the attribute's value
 * @param {Element} source the element the binding is on
 * @param {CommandContext} context
 * @param {string} what which binding, for the log
 * @returns {boolean} whether the commands were well formed
 */
export function runCommands(text, source, context, what) {
  useDocument(source.ownerDocument);
  const parsed = parseCommands(text);
  if ("error" in parsed) {
    logError(`ignoring the JS commands of ${what}: ${parsed.error}; on`, source);
    return false;
  }
  execOps(parsed.ops, source, context, 0);
  return true;
}

/**
 * The longest transition among `ops` (what `phx-remove` waits for), in milliseconds.
 *
 * @param {Op[]} ops
 */
export function longestTransition(ops) {
  let longest = 0;
  for (const [, args] of ops) {
    if ("transition" in args || "ins" in args || "outs" in args) {
      longest = Math.max(longest, typeof args.time === "number" ? args.time : DEFAULT_TIME);
    }
  }
  return longest;
}

/**
 * @param {Op[]} ops
 * @param {Element} source
 * @param {CommandContext} context
 * @param {number} depth
 */
export function execOps(ops, source, context, depth) {
  for (const [name, args] of ops) {
    try {
      execOp(name, args, source, context, depth);
    } catch (error) {
      logError(`the JS command "${name}" failed:`, error, source);
    }
  }
}

/**
 * @param {string} name
 * @param {JsonObject} args
 * @param {Element} source
 * @param {CommandContext} ctx
 * @param {number} depth
 */
function execOp(name, args, source, ctx, depth) {
  if (name === "push") {
    const loading = typeof args.loading === "string" ? resolve(args.loading, source, ctx) : [];
    ctx.push(/** @type {string} */ (args.event), /** @type {JsonObject | undefined} */ (args.value), loading);
    return;
  }
  if (name === "navigate" || name === "patch") {
    ctx.navigate(name === "patch" ? "patch" : "redirect", /** @type {string} */ (args.href), args.replace === true);
    return;
  }
  const targets = resolve(/** @type {Target | undefined} */ (args.to), source, ctx);
  const ms = typeof args.time === "number" ? args.time : DEFAULT_TIME;
  const tr = /** @type {TransitionClasses | undefined} */ (args.transition);
  for (const el of targets) {
    switch (name) {
      case "show":
        show(el, ctx.sticky, tr, ms, /** @type {string | undefined} */ (args.display));
        break;
      case "hide":
        hide(el, ctx.sticky, tr, ms);
        break;
      case "toggle":
        if (isHidden(el)) show(el, ctx.sticky, /** @type {TransitionClasses | undefined} */ (args.ins), ms, /** @type {string | undefined} */ (args.display));
        else hide(el, ctx.sticky, /** @type {TransitionClasses | undefined} */ (args.outs), ms);
        break;
      case "add_class":
      case "remove_class":
      case "toggle_class":
        for (const cls of /** @type {string[]} */ (args.names)) {
          const add = name === "add_class" || (name === "toggle_class" && !el.classList.contains(cls));
          setClass(el, ctx.sticky, cls, add);
        }
        if (tr) runTransition(el, ctx.sticky, tr, ms);
        break;
      case "transition":
        if (tr) runTransition(el, ctx.sticky, tr, ms);
        break;
      case "set_attr": {
        const [attr, value] = /** @type {string[]} */ (args.attr);
        setAttr(el, ctx.sticky, attr, value);
        break;
      }
      case "remove_attr":
        setAttr(el, ctx.sticky, /** @type {string} */ (args.attr), null);
        break;
      case "toggle_attr": {
        const [attr, value, other] = /** @type {string[]} */ (args.attr);
        const current = el.getAttribute(attr);
        if (other === undefined) setAttr(el, ctx.sticky, attr, current === null ? value : null);
        else setAttr(el, ctx.sticky, attr, current === value ? other : value);
        break;
      }
      case "dispatch": {
        const win = el.ownerDocument.defaultView;
        const init = { detail: args.detail ?? {}, bubbles: args.bubbles !== false, cancelable: true };
        const event = win ? new win.CustomEvent(/** @type {string} */ (args.event), init) : null;
        if (event) el.dispatchEvent(event);
        break;
      }
      case "focus":
        /** @type {HTMLElement} */ (el).focus?.();
        break;
      case "focus_first": {
        const first = Array.from(el.querySelectorAll(FOCUSABLE)).find((candidate) => !isHidden(candidate));
        /** @type {HTMLElement | undefined} */ (first)?.focus?.();
        break;
      }
      case "exec": {
        const attr = /** @type {string} */ (args.attr);
        const text = el.getAttribute(attr);
        if (text === null) {
          logError(`the JS command "exec" found no ${attr} attribute on`, el);
        } else if (depth >= MAX_EXEC_DEPTH) {
          logError(`the JS command "exec" nests more than ${MAX_EXEC_DEPTH} deep; stopped at`, el);
        } else {
          const parsed = parseCommands(text);
          if ("error" in parsed) logError(`ignoring the JS commands of ${attr}: ${parsed.error}; on`, el);
          else execOps(parsed.ops, el, ctx, depth + 1);
        }
        break;
      }
    }
  }
}

const FOCUSABLE =
  'a[href], area[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), iframe, [tabindex]:not([tabindex="-1"]), [contenteditable=""], [contenteditable="true"]';

/**
 * The elements a command acts on: `source` itself without `to`; else those `to` names,
 * inside this widget's view only.
 *
 * @param {Target | undefined} to
 * @param {Element} source
 * @param {CommandContext} ctx
 * @returns {Element[]}
 */
function resolve(to, source, ctx) {
  if (to === undefined) return [source];
  /** @param {Element} el */
  const ours = (el) => ctx.container.contains(el) && owns(ctx.root, el);
  if (typeof to === "string") return Array.from(ctx.container.querySelectorAll(to)).filter(ours);
  if ("inner" in to) return Array.from(source.querySelectorAll(to.inner)).filter(ours);
  const closest = source.closest(to.closest);
  return closest && ours(closest) ? [closest] : [];
}

/**
 * Whether `el` is hidden by `display: none` (its own, not its ancestors').
 *
 * @param {Element} el
 */
export function isHidden(el) {
  const style = /** @type {HTMLElement} */ (el).style;
  const inline = style?.display;
  if (inline) return inline === "none";
  if (el.hasAttribute("hidden")) return true;
  const view = el.ownerDocument.defaultView;
  return view ? view.getComputedStyle(el).display === "none" : false;
}

/**
 * Whether `el` and its ancestors are displayed.
 *
 * @param {Element} el
 */
export function isVisible(el) {
  for (let node = /** @type {Element | null} */ (el); node; node = node.parentElement) {
    if (isHidden(node)) return false;
  }
  return true;
}

/**
 * @param {Element} el
 * @param {Sticky} sticky
 * @param {TransitionClasses | undefined} tr
 * @param {number} ms
 * @param {string | undefined} display
 */
function show(el, sticky, tr, ms, display) {
  if (!isHidden(el)) return;
  fire(el, "phx:show-start");
  const style = /** @type {HTMLElement} */ (el).style;
  if (display) {
    style.display = display;
  } else {
    style.removeProperty("display");
    if (isHidden(el)) style.display = "block";
  }
  const value = style.display;
  sticky.put(el, "display", (to) => setDisplay(to, value));
  if (tr) runTransition(el, sticky, tr, ms, () => fire(el, "phx:show-end"));
  else fire(el, "phx:show-end");
}

/**
 * @param {Element} el
 * @param {Sticky} sticky
 * @param {TransitionClasses | undefined} tr
 * @param {number} ms
 */
function hide(el, sticky, tr, ms) {
  if (isHidden(el)) return;
  fire(el, "phx:hide-start");
  const done = () => {
    setDisplay(el, "none");
    sticky.put(el, "display", (to) => setDisplay(to, "none"));
    fire(el, "phx:hide-end");
  };
  if (tr) runTransition(el, sticky, tr, ms, done);
  else done();
}

/**
 * @param {Element} el
 * @param {string} value an inline `display`, "" to remove it
 */
function setDisplay(el, value) {
  const style = /** @type {HTMLElement} */ (el).style;
  if (!style) return;
  if (value) style.display = value;
  else style.removeProperty("display");
}

/**
 * @param {Element} el
 * @param {Sticky} sticky
 * @param {string} cls
 * @param {boolean} add
 */
function setClass(el, sticky, cls, add) {
  el.classList.toggle(cls, add);
  sticky.put(el, `class:${cls}`, (to) => to.classList.toggle(cls, add));
}

/**
 * @param {Element} el
 * @param {Sticky} sticky
 * @param {string} attr
 * @param {string | null} value null removes it
 */
function setAttr(el, sticky, attr, value) {
  /** @param {Element} to */
  const apply = (to) => (value === null ? to.removeAttribute(attr) : to.setAttribute(attr, value));
  apply(el);
  sticky.put(el, `attr:${attr}`, apply);
}

/**
 * Add `during` and `start`, next frame swap `start` for `end`, after `ms` remove them all.
 *
 * @param {Element} el
 * @param {Sticky} sticky
 * @param {TransitionClasses} classes
 * @param {number} ms
 * @param {() => void} [onDone]
 */
function runTransition(el, sticky, [during, start, end], ms, onDone) {
  let current = [...during, ...start];
  el.classList.add(...current);
  sticky.put(el, "transition", (to) => to.classList.add(...current));
  nextFrame(() => {
    el.classList.remove(...start);
    el.classList.add(...end);
    current = [...during, ...end];
  });
  setTimeout(() => {
    el.classList.remove(...during, ...start, ...end);
    sticky.delete(el, "transition");
    onDone?.();
  }, ms);
}

/** @param {() => void} fn */
function nextFrame(fn) {
  const raf = /** @type {{requestAnimationFrame?: (cb: () => void) => unknown}} */ (globalThis).requestAnimationFrame;
  if (typeof raf === "function") raf(() => raf(fn));
  else setTimeout(fn, 0);
}

/**
 * @param {Element} el
 * @param {string} type
 */
function fire(el, type) {
  const win = el.ownerDocument.defaultView;
  if (win) el.dispatchEvent(new win.CustomEvent(type, { bubbles: true }));
}

/**
 * What JS commands did to elements, replayed onto each element's new version when a patch
 * updates it, so that a menu opened by a command stays open across the kernel's renders.
 */
export class Sticky {
  constructor() {
    /** @private @type {WeakMap<Element, Map<string, (el: Element) => void>>} */
    this.ops = new WeakMap();
  }

  /**
   * Remember an operation on `el` (the last one of each key wins, in the order put).
   *
   * @param {Element} el
   * @param {string} key
   * @param {(el: Element) => void} apply
   */
  put(el, key, apply) {
    let ops = this.ops.get(el);
    if (!ops) this.ops.set(el, (ops = new Map()));
    ops.delete(key);
    ops.set(key, apply);
  }

  /**
   * @param {Element} el
   * @param {string} key
   */
  delete(el, key) {
    this.ops.get(el)?.delete(key);
  }

  /**
   * A patch is about to update `fromEl` to `toEl`: apply `fromEl`'s operations to `toEl`.
   *
   * @param {Element} fromEl
   * @param {Element} toEl
   */
  apply(fromEl, toEl) {
    const ops = this.ops.get(fromEl);
    if (ops) for (const apply of ops.values()) apply(toEl);
  }
}
