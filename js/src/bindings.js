/**
 * `phx-*` bindings: turn DOM events inside one widget into events for the kernel.
 *
 * Listeners are delegated: one per DOM event type, on the widget's root element, so
 * elements added by later patches need no wiring. Several widgets share a page (and a
 * widget's output may even sit inside another's), so every event is checked to belong to
 * this root and to no widget root nested inside it. Window-level bindings (`phx-window-*`,
 * `phx-click-away`) listen on the window / document, act only on this widget's elements,
 * and are removed with the view.
 *
 * Payloads (`value`), as Phoenix LiveView sends them:
 * - `phx-click` (closest element carrying it), `phx-click-away` (a click outside the
 *   element, while it is visible): `{type: "click"}` with the `phx-value-*` attributes,
 *   prefix stripped and names lowercased;
 * - `phx-keydown` / `phx-keyup` (on the focused element itself), `phx-window-keydown` /
 *   `phx-window-keyup` (any key on the page, unless the focused element has its own key
 *   binding): `{type: "keydown", value: {key, ...phx-value-*, value}}` where `value` is a
 *   form field's value; `phx-key="Enter"` lets only that key through;
 * - `phx-focus` / `phx-blur` (the element itself), `phx-window-focus` / `phx-window-blur`
 *   (the browser window): `{type: "focus" | "blur"}` with the `phx-value-*` (and a field's value);
 * - `phx-submit` on a form: the submission is prevented and the fields are sent
 *   URL-encoded (`{type: "form"}`), the button that submitted it included; pending
 *   debounced changes of the form are sent first;
 * - `phx-change` on a form (or on one of its fields, which then wins): on `input` and
 *   `change` events, the same encoding plus `_target=<name of the field>` and an
 *   `_unused_<name>` marker for each field the user has not changed since the form was
 *   shown or last submitted (not for hidden fields; see livewidget/forms.py).
 *
 * Any of these may hold JS commands instead of an event name (`js_commands.js`): they run
 * in the page, and their `push` sends the binding's payload merged with its own `value`.
 * `phx-debounce` / `phx-throttle` on the element an event comes from rate-limit it
 * (`rate_limit.js`); while an event is in flight its elements carry loading classes
 * (`loading.js`). `phx-mounted` / `phx-remove` run commands when an element enters / leaves
 * the view.
 *
 * A click on a submit button inside a `phx-submit` form is the form's business: it sends
 * a click event only when the button itself carries `phx-click`, never one borrowed from
 * an ancestor of the form.
 */

import {
  CLASS_ROOT,
  FORM_TARGET,
  FORM_UNUSED_PREFIX,
  LOADING_CLASS_PREFIX,
  LOADING_CLASS_SUFFIX,
  PHX_BLUR,
  PHX_CHANGE,
  PHX_CLICK,
  PHX_CLICK_AWAY,
  PHX_FOCUS,
  PHX_KEY,
  PHX_KEYDOWN,
  PHX_KEYUP,
  PHX_MOUNTED,
  PHX_REMOVE,
  PHX_SUBMIT,
  PHX_VALUE_PREFIX,
  PHX_WINDOW_BLUR,
  PHX_WINDOW_FOCUS,
  PHX_WINDOW_KEYDOWN,
  PHX_WINDOW_KEYUP,
  TYPE_BLUR,
  TYPE_CLICK,
  TYPE_FOCUS,
  TYPE_FORM,
  TYPE_KEYDOWN,
  TYPE_KEYUP,
} from "./constants.js";
import { isCommands, isVisible, longestTransition, parseCommands, runCommands, execOps, Sticky, useDocument } from "./js_commands.js";
import { LoadingStates } from "./loading.js";
import { logError } from "./log.js";
import { RateLimiter } from "./rate_limit.js";

/** @typedef {import("./rendered.js").JsonObject} JsonObject */
/** @typedef {Record<string, unknown> | string} Payload an event's value: an object, or URL-encoded fields */

/**
 * Send an event to the kernel. Returns the event's ref when it has one (its answer then
 * calls `onAnswer`), which turns loading states on.
 *
 * @callback PushEvent
 * @param {string} type the event type (`click`, `form`, `keydown`, …)
 * @param {string} event the event name from the binding attribute
 * @param {Payload} value the payload
 * @param {() => void} [onAnswer] called once the kernel answered (or the send failed)
 * @returns {number | null | void}
 */

/**
 * @callback Navigate
 * @param {"patch" | "redirect"} kind
 * @param {string} url
 * @param {boolean} replace
 * @returns {void}
 */

/**
 * @typedef {object} BindingsOptions
 * @property {Element} [container] the element holding the rendered HTML (default: the root)
 * @property {Navigate} [navigate] follows a JS `navigate` / `patch` command
 */

/** How a sent event marks its elements while it is in flight. */
/** @typedef {{kind: "element", el: Element, cls: string} | {kind: "change", field: Element, form: Element} | {kind: "submit", form: HTMLFormElement} | {kind: "none"}} LoadingPlan */

/**
 * Listen to the events of `root` and hand bound ones to `push`.
 *
 * @param {Element} root the widget's root element
 * @param {PushEvent} push receives each bound event
 * @param {BindingsOptions} [options]
 * @returns {() => void} removes the listeners
 */
export function bindEvents(root, push, options = {}) {
  const bindings = new Bindings(root, push, options);
  return () => bindings.destroy();
}

/** The bindings of one view: listeners, rate limits, loading states, JS commands. */
export class Bindings {
  /**
   * @param {Element} root the widget's root element
   * @param {PushEvent} push
   * @param {BindingsOptions} [options]
   */
  constructor(root, push, { container, navigate } = {}) {
    /** @private */
    this.root = root;
    /** @private */
    this.container = container ?? root;
    /** @private */
    this.push = push;
    /** @private */
    this.navigate = navigate ?? (() => logError("a JS navigate/patch command has nowhere to go here"));
    /** What JS commands did to elements, kept across patches. */
    this.sticky = new Sticky();
    /** Elements whose events are in flight. */
    this.loading = new LoadingStates();
    /** @private */
    this.rate = new RateLimiter();
    /** @private The last change payload per form, so a `change` repeating an `input` is dropped. @type {WeakMap<Element, string>} */
    this.lastChange = new WeakMap();
    /** @private Names of the fields the user changed, per form, since it was shown or submitted. @type {WeakMap<Element, Set<string>>} */
    this.used = new WeakMap();
    /** @private Elements added by the running patch (for phx-mounted). @type {Element[]} */
    this.added = [];
    /** @private Elements kept for their phx-remove transition. @type {WeakSet<Element>} */
    this.removing = new WeakSet();
    /** @private @type {Set<ReturnType<typeof setTimeout>>} */
    this.timers = new Set();
    /** @private Submissions in flight, by ref. @type {Map<number, Element>} */
    this.submits = new Map();
    /** @private Forms whose submission the message being handled answers. @type {Set<Element>} */
    this.answeredForms = new Set();
    useDocument(root.ownerDocument);

    const doc = root.ownerDocument;
    const win = doc.defaultView;
    /** @type {[EventTarget | null, string, (e: Event) => void, boolean][]} */
    this.listeners = [
      [root, "click", (e) => this.onClick(e), false],
      [root, "submit", (e) => this.onSubmit(e), false],
      [root, "input", (e) => this.onChange(e), false],
      [root, "change", (e) => this.onChange(e), false],
      [root, "reset", (e) => this.onReset(e), false],
      [root, "keydown", (e) => this.onKey(e, PHX_KEYDOWN, TYPE_KEYDOWN), false],
      [root, "keyup", (e) => this.onKey(e, PHX_KEYUP, TYPE_KEYUP), false],
      [root, "focusin", (e) => this.onFocus(e, PHX_FOCUS, TYPE_FOCUS), false],
      [root, "focusout", (e) => this.onFocus(e, PHX_BLUR, TYPE_BLUR), false],
      // Capture: click-away runs before the click's own binding (which may show the element).
      [doc, "click", (e) => this.onClickAway(e), true],
      [win, "keydown", (e) => this.onWindowKey(e, PHX_KEYDOWN, PHX_WINDOW_KEYDOWN, TYPE_KEYDOWN), false],
      [win, "keyup", (e) => this.onWindowKey(e, PHX_KEYUP, PHX_WINDOW_KEYUP, TYPE_KEYUP), false],
      [win, "focus", (e) => this.onWindowFocus(e, PHX_WINDOW_FOCUS, TYPE_FOCUS), false],
      [win, "blur", (e) => this.onWindowFocus(e, PHX_WINDOW_BLUR, TYPE_BLUR), false],
    ];
    for (const [target, type, listener, capture] of this.listeners) target?.addEventListener(type, listener, capture);
  }

  /** Remove every listener, timer and loading state. */
  destroy() {
    for (const [target, type, listener, capture] of this.listeners) target?.removeEventListener(type, listener, capture);
    this.listeners = [];
    this.rate.clear();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.loading.finishAll();
    this.submits.clear();
  }

  // -- the kernel's answers and patches ------------------------------------------------

  /**
   * The kernel answered event `ref`: undo its loading state (before the answer's patch).
   *
   * @param {number} ref
   */
  answered(ref) {
    this.loading.finish(ref);
    const form = this.submits.get(ref);
    if (form) {
      this.submits.delete(ref);
      // For this message's patch only (it is handled synchronously, right after).
      if (this.answeredForms.size === 0) queueMicrotask(() => this.answeredForms.clear());
      this.answeredForms.add(form);
    }
  }

  /**
   * Whether the focused control `el` keeps the user's value through the running patch: not
   * when the patch answers its form's submission (the kernel may have cleared the form).
   *
   * @param {Element} el
   */
  keepsFocusedValue(el) {
    const form = /** @type {{form?: Element | null}} */ (el).form;
    return !(form && this.answeredForms.has(form));
  }

  /**
   * A patch is about to update `fromEl` to the kernel's `toEl`: keep what JS commands and
   * in-flight events did to it.
   *
   * @param {Element} fromEl
   * @param {Element} toEl
   */
  beforeElUpdated(fromEl, toEl) {
    this.sticky.apply(fromEl, toEl);
    this.loading.beforeElUpdated(fromEl, toEl);
  }

  /** @param {Element} el an element the running patch added */
  nodeAdded(el) {
    if (el.hasAttribute(PHX_MOUNTED)) this.added.push(el);
  }

  /**
   * The patch is about to remove `el`: run its (and its descendants') `phx-remove`
   * commands; an element with an id whose commands run a transition stays until it ends.
   *
   * @param {Element} el
   * @returns {boolean} false to keep the element for now
   */
  beforeNodeDiscarded(el) {
    if (this.removing.has(el)) return false;
    if (!owns(this.root, el)) return true;
    let keepFor = 0;
    const removed = el.hasAttribute(PHX_REMOVE) ? [el] : [];
    removed.push(...Array.from(el.querySelectorAll(`[${PHX_REMOVE}]`)));
    for (const node of removed) {
      const text = node.getAttribute(PHX_REMOVE) ?? "";
      const parsed = parseCommands(text);
      if ("error" in parsed) {
        logError(`ignoring the JS commands of ${PHX_REMOVE}: ${parsed.error}; on`, node);
        continue;
      }
      execOps(parsed.ops, node, this.commandContext(TYPE_CLICK, () => clickValue(node), { kind: "none" }), 0);
      if (node === el && el.id) keepFor = longestTransition(parsed.ops);
    }
    if (keepFor <= 0) return true;
    this.removing.add(el);
    this.later(() => {
      this.removing.delete(el);
      el.remove();
    }, keepFor);
    return false;
  }

  /** After a patch: `phx-mounted` commands of the elements it added. */
  afterPatch() {
    const added = this.added.splice(0);
    for (const el of added) {
      if (el.isConnected && owns(this.root, el)) this.run(el, PHX_MOUNTED, TYPE_CLICK, () => clickValue(el), { kind: "none" });
    }
  }

  // -- DOM listeners -------------------------------------------------------------------

  /** @private @param {Event} e */
  onClick(e) {
    const target = eventElement(e);
    const el = target?.closest(`[${PHX_CLICK}]`);
    if (!target || !el || !owns(this.root, el)) return;
    if (isFormsSubmitClick(target, el)) return;
    if (el.tagName === "A" && el.getAttribute("href") === "#") e.preventDefault();
    this.rate.run(el, PHX_CLICK, e, () => {
      this.run(el, PHX_CLICK, TYPE_CLICK, () => clickValue(el), loadingOf(el, TYPE_CLICK));
    });
  }

  /** @private @param {Event} e */
  onClickAway(e) {
    const target = eventElement(e);
    if (!target) return;
    for (const el of this.bound(PHX_CLICK_AWAY)) {
      if (el.contains(target) || !isVisible(el)) continue;
      this.run(el, PHX_CLICK_AWAY, TYPE_CLICK, () => clickValue(el), loadingOf(el, TYPE_CLICK));
    }
  }

  /** @private @param {Event} e */
  onSubmit(e) {
    const form = eventElement(e);
    if (!form || form.tagName !== "FORM" || !owns(this.root, form)) return;
    if (!form.hasAttribute(PHX_SUBMIT)) {
      // A plain submission would navigate the whole notebook page away; only a form
      // that names where to go is let through.
      if (!form.hasAttribute("action")) e.preventDefault();
      return;
    }
    e.preventDefault();
    const htmlForm = /** @type {HTMLFormElement} */ (form);
    // Changes still waiting on a debounce go first, so the kernel sees them in order.
    this.rate.flushWithin(form);
    const submitter = /** @type {{submitter?: Element | null}} */ (e).submitter ?? null;
    const value = serializeForm(htmlForm, { submitter });
    this.used.delete(form);
    this.run(form, PHX_SUBMIT, TYPE_FORM, () => value, { kind: "submit", form: htmlForm });
  }

  /** @private @param {Event} e */
  onChange(e) {
    const field = eventElement(e);
    if (!field) return;
    const form = formOf(field);
    if (!form || !owns(this.root, form)) return;
    const bound = field.hasAttribute(PHX_CHANGE) ? field : form.hasAttribute(PHX_CHANGE) ? form : null;
    if (!bound) return;
    const name = field.getAttribute("name");
    if (name) {
      const used = this.used.get(form) ?? new Set();
      used.add(name);
      this.used.set(form, used);
    }
    this.rate.run(field, PHX_CHANGE, e, () => {
      const value = serializeForm(form, { target: name, used: this.used.get(form) ?? new Set() });
      // Browsers fire `change` after `input` for the same edit (on blur for text, at once
      // for checkboxes and selects); the kernel needs to hear about it once.
      if (e.type === "change" && this.lastChange.get(form) === value) return;
      this.lastChange.set(form, value);
      this.run(bound, PHX_CHANGE, TYPE_FORM, () => value, { kind: "change", field, form });
    });
  }

  /** @private @param {Event} e */
  onReset(e) {
    const form = eventElement(e);
    if (form) this.used.delete(form);
  }

  /**
   * @private
   * @param {Event} e
   * @param {string} attribute
   * @param {string} type
   */
  onKey(e, attribute, type) {
    const el = eventElement(e);
    if (!el || !el.hasAttribute(attribute) || !owns(this.root, el)) return;
    this.key(el, attribute, type, e);
  }

  /**
   * @private
   * @param {Event} e
   * @param {string} elementAttribute
   * @param {string} windowAttribute
   * @param {string} type
   */
  onWindowKey(e, elementAttribute, windowAttribute, type) {
    const target = eventElement(e);
    // The focused element's own key binding takes the key (as in Phoenix).
    if (target?.hasAttribute(elementAttribute)) return;
    for (const el of this.bound(windowAttribute)) this.key(el, windowAttribute, type, e);
  }

  /**
   * @private
   * @param {Element} el
   * @param {string} attribute
   * @param {string} type
   * @param {Event} e
   */
  key(el, attribute, type, e) {
    const key = /** @type {{key?: unknown}} */ (e).key;
    if (typeof key !== "string" || key === "") return; // e.g. an autofill's keydown
    const only = el.getAttribute(PHX_KEY);
    if (only !== null && only.toLowerCase() !== key.toLowerCase()) return;
    this.rate.run(el, attribute, e, () => {
      this.run(el, attribute, type, () => ({ key, ...elementValue(el) }), loadingOf(el, type));
    });
  }

  /**
   * @private
   * @param {Event} e
   * @param {string} attribute
   * @param {string} type
   */
  onFocus(e, attribute, type) {
    const el = eventElement(e);
    if (!el || !owns(this.root, el)) return;
    // Leaving a field sends what its debounce holds back, before the blur itself.
    if (type === TYPE_BLUR) this.rate.flush(el);
    if (!el.hasAttribute(attribute)) return;
    this.run(el, attribute, type, () => elementValue(el), loadingOf(el, type));
  }

  /**
   * @private
   * @param {Event} e
   * @param {string} attribute
   * @param {string} type
   */
  onWindowFocus(e, attribute, type) {
    if (e.target !== this.root.ownerDocument.defaultView) return; // an element's, not the window's
    for (const el of this.bound(attribute)) this.run(el, attribute, type, () => clickValue(el), loadingOf(el, type));
  }

  // -- sending -------------------------------------------------------------------------

  /**
   * Fire the binding `attribute` of `el`: send its event, or run its JS commands.
   *
   * @private
   * @param {Element} el the element carrying the binding
   * @param {string} attribute
   * @param {string} type the event type sent
   * @param {() => Payload} payload the binding's own payload
   * @param {LoadingPlan} plan
   */
  run(el, attribute, type, payload, plan) {
    const value = el.getAttribute(attribute) ?? "";
    if (isCommands(value)) {
      runCommands(value, el, this.commandContext(type, payload, plan), attribute);
      return;
    }
    if (!value) {
      logError(`ignoring an event: the ${attribute} attribute is empty on`, el);
      return;
    }
    this.send(type, value, payload(), plan, []);
  }

  /**
   * @private
   * @param {string} type
   * @param {() => Payload} payload
   * @param {LoadingPlan} plan
   * @returns {import("./js_commands.js").CommandContext}
   */
  commandContext(type, payload, plan) {
    return {
      root: this.root,
      container: this.container,
      sticky: this.sticky,
      push: (event, extra, loading) => this.send(type, event, merge(payload(), extra), plan, loading),
      navigate: (kind, href, replace) => this.navigate(kind, href, replace),
    };
  }

  /**
   * Send one event and put its elements in their loading state until it is answered.
   *
   * @private
   * @param {string} type
   * @param {string} event
   * @param {Payload} value
   * @param {LoadingPlan} plan
   * @param {Element[]} extra more elements for the loading class (a push's `loading`)
   */
  send(type, event, value, plan, extra) {
    let answered = false;
    /** @type {number | null} */
    let ref = null;
    const result = this.push(type, event, value, () => {
      answered = true;
      if (ref !== null) this.loading.finish(ref);
    });
    if (typeof result !== "number" || answered) return;
    ref = result;
    if (plan.kind === "submit") this.submits.set(ref, plan.form);
    const { parts, form } = loadingParts(plan);
    const cls = parts[0]?.cls ?? loadingClass(type);
    for (const el of extra) parts.push({ el, cls });
    if (parts.length > 0) this.loading.start(ref, parts, form);
  }

  // -- helpers -------------------------------------------------------------------------

  /**
   * This widget's elements carrying `attribute`.
   *
   * @private
   * @param {string} attribute
   * @returns {Element[]}
   */
  bound(attribute) {
    return Array.from(this.container.querySelectorAll(`[${attribute}]`)).filter((el) => owns(this.root, el));
  }

  /**
   * @private
   * @param {() => void} fn
   * @param {number} ms
   */
  later(fn, ms) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }
}

/**
 * @param {string} type
 * @returns {string}
 */
export function loadingClass(type) {
  return `${LOADING_CLASS_PREFIX}${type}${LOADING_CLASS_SUFFIX}`;
}

/**
 * @param {Element} el
 * @param {string} type
 * @returns {LoadingPlan}
 */
function loadingOf(el, type) {
  return { kind: "element", el, cls: loadingClass(type) };
}

/**
 * @param {LoadingPlan} plan
 * @returns {{parts: import("./loading.js").Loading[], form: Element | null}}
 */
function loadingParts(plan) {
  if (plan.kind === "element") return { parts: [{ el: plan.el, cls: plan.cls }], form: null };
  if (plan.kind === "change") {
    const cls = loadingClass("change");
    return { parts: [{ el: plan.field, cls }, { el: plan.form, cls }], form: plan.form };
  }
  if (plan.kind === "submit") {
    const cls = loadingClass("submit");
    /** @type {import("./loading.js").Loading[]} */
    const parts = [{ el: plan.form, cls }];
    for (const el of Array.from(plan.form.elements ?? [])) {
      if (el.tagName === "BUTTON" || isSubmitControl(el)) parts.push({ el, cls, disable: true });
      else if (el.tagName === "INPUT" || el.tagName === "TEXTAREA") parts.push({ el, cls, readonly: true });
      else if (el.tagName === "SELECT") parts.push({ el, cls });
    }
    for (const el of Array.from(plan.form.querySelectorAll("[phx-disable-with]"))) {
      if (!parts.some((part) => part.el === el)) parts.push({ el, cls });
    }
    return { parts, form: plan.form };
  }
  return { parts: [], form: null };
}

/**
 * The binding's payload with a JS push's `value` merged in (form fields are appended).
 *
 * @param {Payload} payload
 * @param {JsonObject | undefined} extra
 * @returns {Payload}
 */
function merge(payload, extra) {
  if (!extra) return payload;
  if (typeof payload === "string") {
    const params = new URLSearchParams(payload);
    for (const [key, value] of Object.entries(extra)) params.append(key, typeof value === "string" ? value : JSON.stringify(value));
    return params.toString();
  }
  return { ...payload, ...extra };
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
 * The element an event happened on (a text node's parent element).
 *
 * @param {Event} e
 * @returns {Element | null}
 */
export function eventElement(e) {
  const node = /** @type {Node | null} */ (e.target);
  if (!node) return null;
  if (node.nodeType === 1) return /** @type {Element} */ (node);
  if (node.nodeType === 3) return node.parentElement;
  return null;
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
