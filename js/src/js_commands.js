/**
 * JS commands: the `[["push", {...}], ["toggle", {"to": "#menu"}], ...]` a binding may hold
 * instead of an event name (built in Python with `livewidget.JS`, Phoenix's shape).
 *
 * A value starting with `[` is commands. It is checked whole before anything runs
 * (`js_command_check.js`): a malformed one (bad JSON, an unknown command, a wrong or
 * unknown argument, a selector that does not parse) is logged with the `[livewidget]`
 * prefix and does nothing at all.
 *
 * This module runs them. Commands run in order, on the element the binding is on, or on
 * the elements `to` names: a selector matched inside the widget's view only (never another
 * widget's elements nor the rest of the page), `{"inner": sel}` inside that element,
 * `{"closest": sel}` its nearest ancestor in the view. Only `push`, `navigate` and `patch`
 * reach the kernel.
 *
 * What commands did to an element (classes, attributes, shown / hidden, a running
 * transition) is *sticky*: patches from the kernel keep it, as in Phoenix
 * (`js_command_effects.js`).
 */

import { parseCommands, useDocument } from "./js_command_check.js";
import { hide, isHidden, runTransition, setAttr, setClass, show } from "./js_command_effects.js";
import { logError } from "./log.js";
import { owns } from "./ownership.js";

/** @typedef {import("./rendered.js").JsonObject} JsonObject */
/** @typedef {import("./js_command_check.js").Op} Op */
/** @typedef {import("./js_command_effects.js").Sticky} Sticky */
/** @typedef {import("./js_command_effects.js").TransitionClasses} TransitionClasses */
/** @typedef {string | {inner: string} | {closest: string}} Target */

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
 * @property {(event: string, value: JsonObject | undefined, loading: Element[], pageLoading: Element | null, source?: Element, target?: unknown) => void} push
 *   sends `event` as the binding would, its own payload merged with `value`; `loading` are
 *   more elements for the binding's loading class; `pageLoading` (the element running the
 *   command, when it has `page_loading`) puts page-loading events around the event;
 *   `source` (the element running it) and `target` (the push's own) say which component
 *   handles it (see `components.js`)
 * @property {(kind: "patch" | "redirect", href: string, replace: boolean) => void} navigate
 */

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
    const pageLoading = args.page_loading === true ? source : null;
    ctx.push(/** @type {string} */ (args.event), /** @type {JsonObject | undefined} */ (args.value), loading, pageLoading, source, args.target);
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
