/**
 * Event payloads: what a `phx-*` binding sends with its event, as Phoenix LiveView sends it.
 *
 * - `clickValue`: the `phx-value-*` attributes of the element, prefix stripped and names
 *   lowercased (clicks, click-away, window focus / blur, phx-mounted / phx-remove);
 * - `elementValue`: the same plus a form field's `value` (keys, focus, blur);
 * - `serializeForm`: a form's fields URL-encoded as a browser submits them, with the
 *   submitting button, `_target=<name of the changed field>` and an `_unused_<name>`
 *   marker for each field the user has not changed yet (phx-change; not for hidden
 *   fields; see livewidget/forms.py);
 * - `merge`: a binding's payload with the `value` of a JS `push` command merged in.
 *
 * These are pure functions of the DOM: the bindings decide when to send, this module only
 * what. The form helpers the bindings also need (`formOf`, `isSubmitControl`) live here
 * because serializing a form depends on them.
 */

import { FORM_TARGET, FORM_UNUSED_PREFIX, PHX_VALUE_PREFIX } from "./constants.js";

/** @typedef {import("./rendered.js").JsonObject} JsonObject */
/** @typedef {Record<string, unknown> | string} Payload an event's value: an object, or URL-encoded fields */

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
 * The `phx-value-*` attributes of `el`, and its `value` when it is a form field (an
 * unchecked checkbox or radio has none), as Phoenix sends with key and focus events.
 *
 * @param {Element} el
 * @returns {Record<string, string>}
 */
export function elementValue(el) {
  const value = clickValue(el);
  if (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT") {
    const field = /** @type {HTMLInputElement} */ (el);
    const type = (el.getAttribute("type") ?? "").toLowerCase();
    if (!((type === "checkbox" || type === "radio") && !field.checked)) value.value = field.value;
  }
  return value;
}

/**
 * The binding's payload with a JS push's `value` merged in (form fields are appended).
 *
 * @param {Payload} payload
 * @param {JsonObject | undefined} extra
 * @returns {Payload}
 */
export function merge(payload, extra) {
  if (!extra) return payload;
  if (typeof payload === "string") {
    const params = new URLSearchParams(payload);
    for (const [key, value] of Object.entries(extra)) params.append(key, typeof value === "string" ? value : JSON.stringify(value));
    return params.toString();
  }
  return { ...payload, ...extra };
}

/**
 * The marker name Phoenix sends for an unused field: `_unused_` before the last name part
 * (`email` → `_unused_email`, `user[email]` → `user[_unused_email]`, `tags[]` →
 * `_unused_tags[]`).
 *
 * @param {string} name
 */
export function unusedName(name) {
  const list = name.endsWith("[]");
  const base = list ? name.slice(0, -2) : name;
  const marked = base.replace(/([^[\]]+)(\]?)$/, `${FORM_UNUSED_PREFIX}$1$2`);
  return list ? `${marked}[]` : marked;
}

/**
 * The fields of `form`, URL-encoded, as a browser would submit them (files left out).
 *
 * @param {HTMLFormElement} form
 * @param {{submitter?: Element | null, target?: string | null, used?: Set<string> | null}} [extra]
 *   the button that submitted the form, the name of the field that changed, and the names
 *   of the fields the user changed (the others get an `_unused_` marker; null: no markers)
 * @returns {string}
 */
export function serializeForm(form, { submitter = null, target = null, used = null } = {}) {
  // The form's own window supplies FormData: it is the one that can read that form.
  const FormDataOfWindow = form.ownerDocument.defaultView?.FormData ?? FormData;
  const params = new URLSearchParams();
  const marked = new Set();
  for (const [key, value] of new FormDataOfWindow(form)) {
    if (typeof value !== "string") continue;
    if (used && !used.has(key) && !marked.has(key)) {
      marked.add(key);
      if (!onlyHidden(form, key)) params.append(unusedName(key), "");
    }
    params.append(key, value);
  }
  if (submitter && isSubmitControl(submitter)) {
    const button = /** @type {HTMLButtonElement | HTMLInputElement} */ (submitter);
    if (button.name && !button.disabled && button.form === form) params.append(button.name, button.value);
  }
  if (target) params.append(FORM_TARGET, target);
  return params.toString();
}

/**
 * Whether every field of `form` named `name` is a hidden input.
 *
 * @param {HTMLFormElement} form
 * @param {string} name
 */
function onlyHidden(form, name) {
  const fields = Array.from(form.elements ?? []).filter((el) => el.getAttribute("name") === name);
  return fields.length > 0 && fields.every((el) => el.tagName === "INPUT" && (el.getAttribute("type") ?? "").toLowerCase() === "hidden");
}

/**
 * Whether `el` submits its form when pressed (a submit button or a submit / image input).
 *
 * @param {Element} el
 */
export function isSubmitControl(el) {
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
export function formOf(el) {
  const owner = /** @type {{form?: unknown}} */ (el).form;
  if (owner && typeof owner === "object") return /** @type {HTMLFormElement} */ (owner);
  return /** @type {HTMLFormElement | null} */ (el.closest("form"));
}
