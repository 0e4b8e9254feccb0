/**
 * Loading states: what an element looks like while its event is in flight.
 *
 * Every event the kernel gets is answered by exactly one message carrying its `ref`. From
 * the moment an event is sent until that answer arrives:
 * - the element the binding is on gets `phx-<type>-loading` (`phx-click-loading`,
 *   `phx-keydown-loading`, …); a phx-change puts `phx-change-loading` on the input and its
 *   form; a phx-submit puts `phx-submit-loading` on the form, its buttons and its fields,
 *   disables the buttons and makes the fields read-only;
 * - an element carrying `phx-disable-with="Saving…"` shows that text, disabled;
 * - the fields of a form whose change or submit is in flight keep what the user typed:
 *   patches bring their other attributes in line with the kernel, not their values.
 *
 * The kernel's own renders arriving meanwhile keep all of this (the loading state is put
 * back on each element's new version). The answer undoes it just before its own patch, so
 * that patch shows the kernel's reply as it is. Overlapping events on the same element are
 * counted: the element is restored when the last one is answered.
 *
 * A binding describes what its event marks with a `LoadingPlan`; `loadingParts` turns the
 * plan into the elements and classes `LoadingStates.start` puts in place.
 *
 * For screen readers, the view holding the marked elements (its `.lw-view`, the rendered HTML)
 * carries `aria-busy="true"` while any of its events is in flight: assistive technology waits
 * for the answer's patch before reading the region again. The error box sits outside that
 * region, so an error the answer brings is announced at once (it is a `role="alert"`).
 */

import { CLASS_VIEW, LOADING_CLASS_PREFIX, LOADING_CLASS_SUFFIX, PHX_DISABLE_WITH } from "./constants.js";
import { isSubmitControl } from "./payloads.js";
import { withRowsFrom } from "./row_skip.js";

/**
 * @typedef {object} Loading one element's part in an event
 * @property {Element} el
 * @property {string} cls the loading class
 * @property {boolean} [disable] disable it (a form's buttons on submit)
 * @property {boolean} [readonly] make it read-only (a form's fields on submit)
 */

/** How a sent event marks its elements while it is in flight. */
/** @typedef {{kind: "element", el: Element, cls: string} | {kind: "change", field: Element, form: Element} | {kind: "submit", form: HTMLFormElement} | {kind: "none"}} LoadingPlan */

/**
 * @typedef {object} ElementState
 * @property {Map<number, string>} refs the events in flight on the element, and their class
 * @property {boolean | null} disabled whether the kernel had it disabled (null: we did not touch it)
 * @property {boolean | null} readonly whether the kernel had it read-only (null: untouched)
 * @property {Node[] | null} restore the children `phx-disable-with` replaced
 * @property {boolean} classless whether the kernel's version had no `class` attribute (the
 *   answer then takes away the one the loading class made, so the page is the kernel's HTML)
 */

export class LoadingStates {
  constructor() {
    /** @private @type {Map<Element, ElementState>} */
    this.elements = new Map();
    /** @private @type {Map<number, {elements: Element[], form: Element | null, views: Element[]}>} */
    this.events = new Map();
    /** @private Views marked `aria-busy`, and their events in flight. @type {Map<Element, Set<number>>} */
    this.busyViews = new Map();
    /** @private Forms whose fields keep their values, and the events holding them. @type {Map<Element, Set<number>>} */
    this.forms = new Map();
  }

  /**
   * Event `ref` is in flight: put `parts` in their loading state.
   *
   * @param {number} ref
   * @param {Loading[]} parts
   * @param {Element | null} [form] a form whose fields keep what the user typed meanwhile
   */
  start(ref, parts, form = null) {
    /** @type {Element[]} */
    const elements = [];
    for (const part of parts) {
      const { el, cls } = part;
      let state = this.elements.get(el);
      if (!state) {
        state = { refs: new Map(), disabled: null, readonly: null, restore: null, classless: !el.hasAttribute("class") };
        this.elements.set(el, state);
      }
      if (state.refs.has(ref)) continue;
      state.refs.set(ref, cls);
      elements.push(el);
      el.classList.add(cls);
      const disableWith = el.getAttribute(PHX_DISABLE_WITH);
      if ((part.disable || disableWith !== null) && state.disabled === null) {
        state.disabled = el.hasAttribute("disabled");
        el.setAttribute("disabled", "");
      }
      if (part.readonly && state.readonly === null) {
        state.readonly = el.hasAttribute("readonly");
        el.setAttribute("readonly", "");
      }
      if (disableWith && state.restore === null) {
        state.restore = Array.from(el.childNodes);
        el.textContent = disableWith;
      }
    }
    const views = busyViews(parts);
    for (const view of views) {
      const refs = this.busyViews.get(view) ?? new Set();
      refs.add(ref);
      this.busyViews.set(view, refs);
      view.setAttribute(ARIA_BUSY, "true");
    }
    this.events.set(ref, { elements, form, views });
    if (form) {
      const refs = this.forms.get(form) ?? new Set();
      refs.add(ref);
      this.forms.set(form, refs);
    }
  }

  /**
   * Event `ref` was answered: undo what it put in place (idempotent; unknown refs ignored).
   *
   * @param {number} ref
   */
  finish(ref) {
    const event = this.events.get(ref);
    if (!event) return;
    this.events.delete(ref);
    if (event.form) {
      const refs = this.forms.get(event.form);
      refs?.delete(ref);
      if (refs && refs.size === 0) this.forms.delete(event.form);
    }
    for (const view of event.views) {
      const refs = this.busyViews.get(view);
      refs?.delete(ref);
      if (refs && refs.size > 0) continue;
      this.busyViews.delete(view);
      view.removeAttribute(ARIA_BUSY);
    }
    for (const el of event.elements) {
      const state = this.elements.get(el);
      if (!state) continue;
      const cls = state.refs.get(ref);
      state.refs.delete(ref);
      if (cls !== undefined && ![...state.refs.values()].includes(cls)) el.classList.remove(cls);
      if (state.refs.size > 0) continue;
      this.elements.delete(el);
      if (state.classless && el.getAttribute("class") === "") el.removeAttribute("class");
      if (state.disabled !== null) el.toggleAttribute("disabled", state.disabled);
      if (state.readonly !== null) el.toggleAttribute("readonly", state.readonly);
      if (state.restore !== null) el.replaceChildren(...state.restore);
    }
  }

  /** Undo every loading state (the comm is gone: no answer will come). */
  finishAll() {
    for (const ref of [...this.events.keys()]) this.finish(ref);
  }

  /** Whether any event is in flight. */
  get busy() {
    return this.events.size > 0;
  }

  /**
   * A patch is about to update `fromEl` to `toEl` (the kernel's new version): put the
   * loading state back on `toEl`, and keep the user's value in a held form's fields.
   *
   * @param {Element} fromEl
   * @param {Element} toEl
   */
  beforeElUpdated(fromEl, toEl) {
    const state = this.elements.get(fromEl);
    if (state) {
      state.classless = !toEl.hasAttribute("class");
      for (const cls of state.refs.values()) toEl.classList.add(cls);
      if (state.disabled !== null) {
        state.disabled = toEl.hasAttribute("disabled");
        toEl.setAttribute("disabled", "");
      }
      if (state.readonly !== null) {
        state.readonly = toEl.hasAttribute("readonly");
        toEl.setAttribute("readonly", "");
      }
      if (state.restore !== null) {
        // The kernel's new content is what the element shows once the answer arrives; rows
        // the patch skipped are placeholders there, filled in from the content saved before.
        const saved = toEl.ownerDocument.createElement(toEl.localName);
        saved.append(...state.restore);
        state.restore = Array.from(withRowsFrom(toEl, saved).childNodes);
        toEl.textContent = toEl.getAttribute(PHX_DISABLE_WITH) || fromEl.textContent || "";
      }
    }
    const form = /** @type {{form?: Element | null}} */ (fromEl).form;
    if (form && this.forms.has(form)) keepUserValue(fromEl, toEl);
  }
}

const ARIA_BUSY = "aria-busy";

/**
 * The views (`.lw-view` elements) holding `parts`: those an event in flight makes busy.
 *
 * @param {Loading[]} parts
 * @returns {Element[]}
 */
function busyViews(parts) {
  /** @type {Set<Element>} */
  const views = new Set();
  for (const { el } of parts) {
    const view = el.closest(`.${CLASS_VIEW}`);
    if (view) views.add(view);
  }
  return [...views];
}

/**
 * Make `toEl` (the kernel's version of a form field) carry the value the user left in
 * `fromEl`, so that morphing leaves it as it is.
 *
 * @param {Element} fromEl
 * @param {Element} toEl
 */
function keepUserValue(fromEl, toEl) {
  if (fromEl.tagName === "INPUT") {
    const input = /** @type {HTMLInputElement} */ (fromEl);
    const type = (input.getAttribute("type") ?? "").toLowerCase();
    if (type === "checkbox" || type === "radio") toEl.toggleAttribute("checked", input.checked);
    else if (type !== "file") toEl.setAttribute("value", input.value);
  } else if (fromEl.tagName === "TEXTAREA") {
    /** @type {HTMLTextAreaElement} */ (toEl).value = /** @type {HTMLTextAreaElement} */ (fromEl).value;
  } else if (fromEl.tagName === "SELECT") {
    const chosen = new Set(
      Array.from(/** @type {HTMLSelectElement} */ (fromEl).options)
        .filter((o) => o.selected)
        .map((o) => o.value),
    );
    for (const option of Array.from(toEl.querySelectorAll("option"))) {
      option.toggleAttribute("selected", chosen.has(option.getAttribute("value") ?? option.textContent ?? ""));
    }
  }
}

/**
 * The loading class of events of `type` (`phx-click-loading`, …).
 *
 * @param {string} type
 * @returns {string}
 */
export function loadingClass(type) {
  return `${LOADING_CLASS_PREFIX}${type}${LOADING_CLASS_SUFFIX}`;
}

/**
 * The plan of an event that marks only the element its binding is on.
 *
 * @param {Element} el
 * @param {string} type
 * @returns {LoadingPlan}
 */
export function loadingOf(el, type) {
  return { kind: "element", el, cls: loadingClass(type) };
}

/**
 * The elements `plan` marks, and the form whose fields keep the user's values meanwhile.
 *
 * @param {LoadingPlan} plan
 * @returns {{parts: Loading[], form: Element | null}}
 */
export function loadingParts(plan) {
  if (plan.kind === "element") return { parts: [{ el: plan.el, cls: plan.cls }], form: null };
  if (plan.kind === "change") {
    const cls = loadingClass("change");
    return { parts: [{ el: plan.field, cls }, { el: plan.form, cls }], form: plan.form };
  }
  if (plan.kind === "submit") {
    const cls = loadingClass("submit");
    /** @type {Loading[]} */
    const parts = [{ el: plan.form, cls }];
    for (const el of Array.from(plan.form.elements ?? [])) {
      if (el.tagName === "BUTTON" || isSubmitControl(el)) parts.push({ el, cls, disable: true });
      else if (el.tagName === "INPUT" || el.tagName === "TEXTAREA") parts.push({ el, cls, readonly: true });
      else if (el.tagName === "SELECT") parts.push({ el, cls });
    }
    for (const el of Array.from(plan.form.querySelectorAll(`[${PHX_DISABLE_WITH}]`))) {
      if (!parts.some((part) => part.el === el)) parts.push({ el, cls });
    }
    return { parts, form: plan.form };
  }
  return { parts: [], form: null };
}
