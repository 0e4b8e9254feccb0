/**
 * Key and focus bindings: the `phx-*` bindings that fire on keys and on focus changes
 * rather than on clicks and forms.
 *
 * Payloads (`value`), as Phoenix LiveView sends them:
 * - `phx-keydown` / `phx-keyup` (on the focused element itself), `phx-window-keydown` /
 *   `phx-window-keyup` (any key on the page, unless the focused element has its own key
 *   binding): `{type: "keydown", value: {key, ...phx-value-*, value}}` where `value` is a
 *   form field's value; `phx-key="Enter"` lets only that key through. A key event without
 *   a key (an autofill's) sends nothing;
 * - `phx-focus` / `phx-blur` (the element itself), `phx-window-focus` / `phx-window-blur`
 *   (the browser window): `{type: "focus" | "blur"}` with the `phx-value-*` (and a field's
 *   value). Leaving a field first sends what its `phx-debounce` holds back.
 *
 * With several widgets on a page, the window key bindings of one widget only receive a key
 * when `page_keys.js` routes it there (the focused widget, else the one last used, else all);
 * while the focus is inside a widget, the notebook's shortcuts stay off the keys it takes.
 * Escape that no binding took hands the focus back to the notebook.
 *
 * These are the listeners `Bindings` (bindings.js) registers for them; what a fired binding
 * does (send its event, or run its JS commands, with its loading class) stays there, behind
 * `fire`.
 */

import {
  PHX_BLUR,
  PHX_FOCUS,
  PHX_KEY,
  PHX_KEYDOWN,
  PHX_KEYUP,
  PHX_WINDOW_BLUR,
  PHX_WINDOW_FOCUS,
  PHX_WINDOW_KEYDOWN,
  PHX_WINDOW_KEYUP,
  TYPE_BLUR,
  TYPE_FOCUS,
  TYPE_KEYDOWN,
  TYPE_KEYUP,
} from "./constants.js";
import { eventElement, owns } from "./ownership.js";
import { handBackFocus, pageKeysOf, stopLineBreakGuard } from "./page_keys.js";
import { clickValue, elementValue } from "./payloads.js";

/** @typedef {import("./bindings.js").Listener} Listener */
/** @typedef {import("./payloads.js").Payload} Payload */

/**
 * What key and focus bindings need from the view's bindings.
 *
 * @typedef {object} KeyBindingsHost
 * @property {Element} root the widget's root element
 * @property {import("./rate_limit.js").RateLimiter} rate the view's rate limits
 * @property {(attribute: string) => Element[]} bound this widget's elements carrying `attribute`
 * @property {(el: Element, attribute: string, type: string, payload: () => Payload) => void} fire
 *   fires the binding `attribute` of `el` (its event of `type`, or its JS commands), with
 *   the element's own loading class
 */

/**
 * The key and focus bindings of one widget: their listeners (keys and focus changes of the
 * root's elements, and of the window), and `detach`, which takes the widget off the page's
 * key routing once the listeners are gone.
 *
 * @param {KeyBindingsHost} host
 * @returns {{listeners: Listener[], detach: () => void}}
 */
export function keyBindings(host) {
  const { root } = host;
  const win = root.ownerDocument.defaultView;
  const page = pageKeysOf(root);
  page?.add(root, (e) => bindsKey(host, e));
  /** @type {Listener[]} */
  const listeners = [
    [root, "keydown", (e) => onKey(host, e, PHX_KEYDOWN, TYPE_KEYDOWN), false],
    [root, "keyup", (e) => onKey(host, e, PHX_KEYUP, TYPE_KEYUP), false],
    [root, "focusin", (e) => onFocus(host, e, PHX_FOCUS, TYPE_FOCUS), false],
    [root, "focusout", (e) => onFocus(host, e, PHX_BLUR, TYPE_BLUR), false],
    [win, "keydown", (e) => onWindowKey(host, page, e, PHX_KEYDOWN, PHX_WINDOW_KEYDOWN, TYPE_KEYDOWN), false],
    [win, "keyup", (e) => onWindowKey(host, page, e, PHX_KEYUP, PHX_WINDOW_KEYUP, TYPE_KEYUP), false],
    [win, "focus", (e) => onWindowFocus(host, e, PHX_WINDOW_FOCUS, TYPE_FOCUS), false],
    [win, "blur", (e) => onWindowFocus(host, e, PHX_WINDOW_BLUR, TYPE_BLUR), false],
  ];
  if (page) listeners.push([root, "beforeinput", stopLineBreakGuard(root, page), true]);
  return { listeners, detach: () => page?.remove(root) };
}

/** Key events some binding fired for (an Escape taken by a binding keeps the focus). */
const taken = new WeakSet();

/**
 * @param {KeyBindingsHost} host
 * @param {Event} e
 * @param {string} attribute
 * @param {string} type
 */
function onKey(host, e, attribute, type) {
  const el = eventElement(e);
  if (!el || !el.hasAttribute(attribute) || !owns(host.root, el)) return;
  if (fireKey(host, el, attribute, type, e)) taken.add(e);
}

/**
 * @param {KeyBindingsHost} host
 * @param {import("./page_keys.js").PageKeys | null} page
 * @param {Event} e
 * @param {string} elementAttribute
 * @param {string} windowAttribute
 * @param {string} type
 */
function onWindowKey(host, page, e, elementAttribute, windowAttribute, type) {
  if (page && !page.receives(host.root, e.target)) return;
  const target = eventElement(e);
  // The focused element's own key binding takes the key (as in Phoenix).
  if (!target?.hasAttribute(elementAttribute)) {
    for (const el of host.bound(windowAttribute)) if (fireKey(host, el, windowAttribute, type, e)) taken.add(e);
  }
  const key = /** @type {KeyboardEvent} */ (e).key;
  if (type !== TYPE_KEYDOWN || key !== "Escape" || taken.has(e) || e.defaultPrevented) return;
  if (page?.ownerOf(e.target) === host.root) handBackFocus(host.root);
}

/**
 * Whether a binding of the widget names the key of `e` with `phx-key`: the focused element's
 * own key binding, else a window key binding (a modifier shortcut named so is the widget's).
 *
 * @param {KeyBindingsHost} host
 * @param {KeyboardEvent} e
 */
function bindsKey(host, e) {
  if (typeof e.key !== "string" || e.key === "") return false;
  const key = e.key.toLowerCase();
  /** @param {Element} el */
  const names = (el) => el.getAttribute(PHX_KEY)?.toLowerCase() === key;
  const target = eventElement(e);
  if (target && owns(host.root, target) && (target.hasAttribute(PHX_KEYDOWN) || target.hasAttribute(PHX_KEYUP))) {
    return names(target);
  }
  return [...host.bound(PHX_WINDOW_KEYDOWN), ...host.bound(PHX_WINDOW_KEYUP)].some(names);
}

/**
 * Fire the key binding `attribute` of `el` for the key of `e`, as `phx-key` and the
 * element's rate limit let it.
 *
 * @param {KeyBindingsHost} host
 * @param {Element} el
 * @param {string} attribute
 * @param {string} type
 * @param {Event} e
 * @returns {boolean} whether the binding takes the key (fired, or held back by its rate limit)
 */
function fireKey(host, el, attribute, type, e) {
  const key = /** @type {{key?: unknown}} */ (e).key;
  if (typeof key !== "string" || key === "") return false; // e.g. an autofill's keydown
  const only = el.getAttribute(PHX_KEY);
  if (only !== null && only.toLowerCase() !== key.toLowerCase()) return false;
  host.rate.run(el, attribute, e, () => {
    host.fire(el, attribute, type, () => ({ key, ...elementValue(el) }));
  });
  return true;
}

/**
 * @param {KeyBindingsHost} host
 * @param {Event} e
 * @param {string} attribute
 * @param {string} type
 */
function onFocus(host, e, attribute, type) {
  const el = eventElement(e);
  if (!el || !owns(host.root, el)) return;
  // Leaving a field sends what its debounce holds back, before the blur itself.
  if (type === TYPE_BLUR) host.rate.flush(el);
  if (!el.hasAttribute(attribute)) return;
  host.fire(el, attribute, type, () => elementValue(el));
}

/**
 * @param {KeyBindingsHost} host
 * @param {Event} e
 * @param {string} attribute
 * @param {string} type
 */
function onWindowFocus(host, e, attribute, type) {
  if (e.target !== host.root.ownerDocument.defaultView) return; // an element's, not the window's
  for (const el of host.bound(attribute)) host.fire(el, attribute, type, () => clickValue(el));
}
