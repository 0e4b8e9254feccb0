/**
 * `phx-*` bindings: turn DOM events inside one widget into events for the kernel.
 *
 * Listeners are delegated: one per DOM event type, on the widget's root element, so
 * elements added by later patches need no wiring. Several widgets share a page (and a
 * widget's output may even sit inside another's), so every event is checked to belong to
 * this root and to no widget root nested inside it.
 *
 * - `phx-click="name"` on the target or an ancestor: `{type: "click", event: "name",
 *   value: {...}}` where value holds the element's `phx-value-*` attributes, prefix
 *   stripped and names lowercased.
 * - `phx-submit="name"` on a form: the submission is prevented and
 *   `{type: "form", event: "name", value: "a=1&b=2"}` is sent, with the fields of the
 *   form URL-encoded, the button that submitted it included.
 * - `phx-change="name"` on a form: on `input` and `change` events from its fields,
 *   the same encoding plus `_target=<name of the field that changed>`.
 *
 * A click on a submit button inside a `phx-submit` form is the form's business: it sends
 * a click event only when the button itself carries `phx-click`, never one borrowed from
 * an ancestor of the form.
 */

import {
  CLASS_ROOT,
  FORM_TARGET,
  PHX_CHANGE,
  PHX_CLICK,
  PHX_SUBMIT,
  PHX_VALUE_PREFIX,
  TYPE_CLICK,
  TYPE_FORM,
} from "./constants.js";
import { logError } from "./log.js";

/**
 * @callback PushEvent
 * @param {string} type the event type (`click`, `form`)
 * @param {string} event the event name from the binding attribute
 * @param {Record<string, string> | string} value the payload
 * @returns {void}
 */

/**
 * Listen to the events of `root` and hand bound ones to `push`.
 *
 * @param {Element} root the widget's root element
 * @param {PushEvent} push receives each bound event
 * @returns {() => void} removes the listeners
 */
export function bindEvents(root, push) {
  /** The last payload sent per form, so that a `change` repeating an `input` is dropped. */
  /** @type {WeakMap<Element, string>} */
  const lastChange = new WeakMap();

  /** @param {Event} e */
  const onClick = (e) => {
    const target = eventElement(e);
    const el = target?.closest(`[${PHX_CLICK}]`);
    if (!target || !el || !owns(root, el)) return;
    if (isFormsSubmitClick(target, el)) return;
    const name = eventName(el, PHX_CLICK);
    if (name === null) return;
    if (el.tagName === "A" && el.getAttribute("href") === "#") e.preventDefault();
    push(TYPE_CLICK, name, clickValue(el));
  };

  /** @param {Event} e */
  const onSubmit = (e) => {
    const form = eventElement(e);
    if (!form || form.tagName !== "FORM" || !owns(root, form)) return;
    if (!form.hasAttribute(PHX_SUBMIT)) {
      // A plain submission would navigate the whole notebook page away; only a form
      // that names where to go is let through.
      if (!form.hasAttribute("action")) e.preventDefault();
      return;
    }
    e.preventDefault();
    const name = eventName(form, PHX_SUBMIT);
    if (name === null) return;
    const submitter = /** @type {{submitter?: Element | null}} */ (e).submitter ?? null;
    push(TYPE_FORM, name, serializeForm(/** @type {HTMLFormElement} */ (form), { submitter }));
  };

  /** @param {Event} e */
  const onChange = (e) => {
    const field = eventElement(e);
    if (!field) return;
    const form = formOf(field);
    if (!form || !owns(root, form) || !form.hasAttribute(PHX_CHANGE)) return;
    const name = eventName(form, PHX_CHANGE);
    if (name === null) return;
    const value = serializeForm(form, { target: field.getAttribute("name") });
    // Browsers fire `change` after `input` for the same edit (on blur for text, at once
    // for checkboxes and selects); the kernel needs to hear about it once.
    if (e.type === "change" && lastChange.get(form) === value) return;
    lastChange.set(form, value);
    push(TYPE_FORM, name, value);
  };

  /** @type {[string, (e: Event) => void][]} */
  const listeners = [
    ["click", onClick],
    ["submit", onSubmit],
    ["input", onChange],
    ["change", onChange],
  ];
  for (const [type, listener] of listeners) root.addEventListener(type, listener);
  return () => {
    for (const [type, listener] of listeners) root.removeEventListener(type, listener);
  };
}

/**
 * The `phx-value-*` attributes of `el`, prefix stripped and names lowercased.
 *
 * @param {Element} el
 * @returns {Record<string, string>}
 */
export function clickValue(el) {
  /** @type {Record<string, string>} */
  const value = {};
  for (const { name, value: attr } of Array.from(el.attributes)) {
    const lower = name.toLowerCase();
    if (lower.startsWith(PHX_VALUE_PREFIX) && lower.length > PHX_VALUE_PREFIX.length) {
      value[lower.slice(PHX_VALUE_PREFIX.length)] = attr;
    }
  }
  return value;
}

/**
 * The fields of `form`, URL-encoded, as a browser would submit them (files left out).
 *
 * @param {HTMLFormElement} form
 * @param {{submitter?: Element | null, target?: string | null}} [extra]
 *   the button that submitted the form, and the name of the field that changed
 * @returns {string}
 */
export function serializeForm(form, { submitter = null, target = null } = {}) {
  // The form's own window supplies FormData: it is the one that can read that form.
  const FormDataOfWindow = form.ownerDocument.defaultView?.FormData ?? FormData;
  const params = new URLSearchParams();
  for (const [key, value] of new FormDataOfWindow(form)) {
    if (typeof value === "string") params.append(key, value);
  }
  if (submitter && isSubmitControl(submitter)) {
    const button = /** @type {HTMLButtonElement | HTMLInputElement} */ (submitter);
    if (button.name && !button.disabled && button.form === form) params.append(button.name, button.value);
  }
  if (target) params.append(FORM_TARGET, target);
  return params.toString();
}

/**
 * The element an event happened on (a text node's parent element).
 *
 * @param {Event} e
 * @returns {Element | null}
 */
export function eventElement(e) {
  const node = /** @type {Node | null} */ (e.target);
  if (!node) return null;
  if (node.nodeType === 1) return /** @type {Element} */ (node);
  return node.parentElement;
}

/**
 * Whether `el` belongs to the widget of `root`: inside it, and not inside another
 * widget's root nested in it.
 *
 * @param {Element} root
 * @param {Element} el
 */
export function owns(root, el) {
  if (!root.contains(el)) return false;
  const nearest = el.closest(`.${CLASS_ROOT}`);
  return nearest === null || nearest === root || nearest.contains(root);
}

/**
 * The binding's event name, or null (logged) when the attribute is empty.
 *
 * @param {Element} el
 * @param {string} attribute
 * @returns {string | null}
 */
function eventName(el, attribute) {
  const name = el.getAttribute(attribute);
  if (name) return name;
  logError(`ignoring an event: the ${attribute} attribute is empty on`, el);
  return null;
}

/**
 * Whether a click on `target`, bound through `bound`, is only a phx-submit form's
 * submit button being pressed (and so no click of its own).
 *
 * @param {Element} target where the click happened
 * @param {Element} bound the closest element carrying phx-click
 */
function isFormsSubmitClick(target, bound) {
  const control = target.closest("button, input");
  if (!control || control === bound || !isSubmitControl(control)) return false;
  if (!bound.contains(control)) return false;
  const form = formOf(control);
  return form !== null && form.hasAttribute(PHX_SUBMIT);
}

/** @param {Element} el */
function isSubmitControl(el) {
  const type = (el.getAttribute("type") ?? "").toLowerCase();
  if (el.tagName === "BUTTON") return type === "" || type === "submit";
  return el.tagName === "INPUT" && (type === "submit" || type === "image");
}

/**
 * The form a field belongs to (its `form` property, else its closest form).
 *
 * @param {Element} el
 * @returns {HTMLFormElement | null}
 */
function formOf(el) {
  const owner = /** @type {{form?: unknown}} */ (el).form;
  if (owner && typeof owner === "object") return /** @type {HTMLFormElement} */ (owner);
  return /** @type {HTMLFormElement | null} */ (el.closest("form"));
}
