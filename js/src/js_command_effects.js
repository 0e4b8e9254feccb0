/**
 * What JS commands do to elements in the page: show / hide (with the `phx:show-start`,
 * `phx:show-end`, `phx:hide-start`, `phx:hide-end` events), transitions, classes and
 * attributes, and `Sticky`, which keeps all of it across patches.
 *
 * Everything a command does to an element (classes, attributes, shown / hidden, a running
 * transition) is *sticky*: it is remembered per element, and put back on the element's
 * new version when a patch from the kernel updates it, as in Phoenix, so that a menu
 * opened by a command stays open across the kernel's renders. Which elements a command
 * acts on and when it runs is `js_commands.js`'s business; this module is only the effect.
 */

import { LOG_PREFIX } from "./constants.js";

/** @typedef {[string[], string[], string[]]} TransitionClasses during, start, end */

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
 * Show `el` if it is hidden: its `display` (default: the stylesheet's, else `block`),
 * after the transition `tr` when there is one.
 *
 * @param {Element} el
 * @param {Sticky} sticky
 * @param {TransitionClasses | undefined} tr
 * @param {number} ms
 * @param {string | undefined} display
 */
export function show(el, sticky, tr, ms, display) {
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
 * Hide `el` if it is shown (`display: none`), once the transition `tr` ends when there is one.
 *
 * @param {Element} el
 * @param {Sticky} sticky
 * @param {TransitionClasses | undefined} tr
 * @param {number} ms
 */
export function hide(el, sticky, tr, ms) {
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
 * Add or remove the class `cls` of `el`.
 *
 * @param {Element} el
 * @param {Sticky} sticky
 * @param {string} cls
 * @param {boolean} add
 */
export function setClass(el, sticky, cls, add) {
  el.classList.toggle(cls, add);
  sticky.put(el, `class:${cls}`, (to) => to.classList.toggle(cls, add));
}

/**
 * Set or remove the attribute `attr` of `el`.
 *
 * @param {Element} el
 * @param {Sticky} sticky
 * @param {string} attr
 * @param {string | null} value null removes it
 */
export function setAttr(el, sticky, attr, value) {
  if (value !== null) value = safeAttrValue(attr, value);
  /** @param {Element} to */
  const apply = (to) => (value === null ? to.removeAttribute(attr) : to.setAttribute(attr, value));
  apply(el);
  sticky.put(el, `attr:${attr}`, apply);
}

// URL attributes whose value may not carry a script scheme, as in the templates
// (livewidget/template/_html_context.py): the value may come from an assign.
const URL_ATTRIBUTES = new Set(
  "href src action formaction xlink:href poster background cite data codebase longdesc manifest ping usemap icon lowsrc dynsrc classid archive srcset imagesrcset profile".split(" "),
);

/**
 * `value` for attribute `attr`, with a script scheme in a URL attribute neutralised
 * (`unsafe:` in front, a console warning), as the templates do; raster `data:image/` URLs are kept.
 *
 * @param {string} attr
 * @param {string} value
 */
export function safeAttrValue(attr, value) {
  // Browsers drop controls and spaces from a URL before they read its scheme.
  const probe = value.replace(/[\u0000-\u0020\u007f-\u009f]+/g, "").toLowerCase();
  if (!URL_ATTRIBUTES.has(attr.toLowerCase()) || !/^(javascript|vbscript|data):/.test(probe)) return value;
  if (probe.startsWith("data:image/") && !probe.startsWith("data:image/svg")) return value;
  console.warn(`${LOG_PREFIX} neutralised an unsafe URL set on the ${attr} attribute:`, value);
  return `unsafe:${value}`;
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
export function runTransition(el, sticky, [during, start, end], ms, onDone) {
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
