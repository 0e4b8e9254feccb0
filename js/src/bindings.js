/**
 * `phx-*` bindings: turn DOM events inside one widget into events for the kernel.
 *
 * Listeners are delegated: one per DOM event type, on the widget's root element, so
 * elements added by later patches need no wiring. Several widgets share a page (and a
 * widget's output may even sit inside another's), so every event is checked to belong to
 * this root and to no widget root nested inside it (`ownership.js`). Window-level bindings
 * (`phx-window-*`, `phx-click-away`) listen on the window / document, act only on this
 * widget's elements, and are removed with the view.
 *
 * This module holds the view's `Bindings`: the click and form bindings, and what every
 * binding shares (sending, JS commands, rate limits, loading states). The key and focus
 * bindings are in `key_bindings.js`; what each event sends is built by `payloads.js`.
 * Payloads (`value`), as Phoenix LiveView sends them:
 * - `phx-click` (closest element carrying it), `phx-click-away` (a click outside the
 *   element, while it is visible): `{type: "click"}` with the `phx-value-*` attributes,
 *   prefix stripped and names lowercased;
 * - `phx-keydown` / `phx-keyup`, `phx-focus` / `phx-blur` and their `phx-window-*` twins:
 *   see `key_bindings.js`;
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

import { targetCids } from "./components.js";
import { untouched } from "./dom_quiet.js";
import { PHX_CHANGE, PHX_CLICK, PHX_CLICK_AWAY, PHX_MOUNTED, PHX_REMOVE, PHX_SUBMIT, TYPE_CLICK, TYPE_FORM } from "./constants.js";
import { isCommands, parseCommands, useDocument } from "./js_command_check.js";
import { isVisible, Sticky } from "./js_command_effects.js";
import { execOps, longestTransition, runCommands } from "./js_commands.js";
import { keyBindings } from "./key_bindings.js";
import { LoadingStates, loadingClass, loadingOf, loadingParts } from "./loading.js";
import { logError } from "./log.js";
import { eventElement, owns } from "./ownership.js";
import { clickValue, formOf, isSubmitControl, merge, serializeForm } from "./payloads.js";
import { RateLimiter } from "./rate_limit.js";

/** The attributes `nodeAdded` acts on, anywhere in some HTML. */
const ADDED_ATTRIBUTES = new RegExp(`${PHX_MOUNTED}|${PHX_REMOVE}`, "i");

/** @typedef {import("./payloads.js").Payload} Payload */
/** @typedef {import("./loading.js").LoadingPlan} LoadingPlan */
/** @typedef {[EventTarget | null, string, (e: Event) => void, boolean]} Listener a DOM listener: target, event type, listener, capture */

/**
 * Send an event to the kernel. Returns the event's ref when it has one (its answer then
 * calls `onAnswer`), which turns loading states on.
 *
 * @callback PushEvent
 * @param {string} type the event type (`click`, `form`, `keydown`, …)
 * @param {string} event the event name from the binding attribute
 * @param {Payload} value the payload
 * @param {() => void} [onAnswer] called once the kernel answered (or the send failed)
 * @param {Element | null} [pageLoading] the element of a `JS().push(..., page_loading=True)`:
 *   page-loading events run around the event (`page_loading.js`)
 * @param {number} [cid] the component that handles it (`phx-target`); absent: the view
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
    /**
     * @private Whether the view may hold a `phx-remove`, for the running patch only (null:
     * not looked yet). One look at the whole view per patch that removes anything, instead of
     * a search inside each removed element (a stream batch under a limit drops 100 rows).
     * @type {boolean | null}
     */
    this.removeBound = null;
    /**
     * @private True when the view held no `phx-click-away` at the last look, made after the
     * last patch; a click then skips the search of the whole view while `dom_quiet.js` says
     * nothing changed the view since that patch.
     */
    this.noClickAway = false;
    /** @private Whether that look is scheduled. */
    this.clickAwayLook = false;
    /** @private @type {Set<ReturnType<typeof setTimeout>>} */
    this.timers = new Set();
    /** @private Submissions in flight, by ref. @type {Map<number, Element>} */
    this.submits = new Map();
    /** @private Forms whose submission the message being handled answers. @type {Set<Element>} */
    this.answeredForms = new Set();
    useDocument(root.ownerDocument);

    const doc = root.ownerDocument;
    /** @private The key and focus bindings (and this widget's place in the page's key routing). */
    this.keys = keyBindings({
      root,
      rate: this.rate,
      bound: (attribute) => this.bound(attribute),
      fire: (el, attribute, type, payload) => this.run(el, attribute, type, payload, loadingOf(el, type)),
    });
    /** @type {Listener[]} */
    this.listeners = [
      [root, "click", (e) => this.onClick(e), false],
      [root, "submit", (e) => this.onSubmit(e), false],
      [root, "input", (e) => this.onChange(e), false],
      [root, "change", (e) => this.onChange(e), false],
      [root, "reset", (e) => this.onReset(e), false],
      // Capture: click-away runs before the click's own binding (which may show the element).
      [doc, "click", (e) => this.onClickAway(e), true],
      ...this.keys.listeners,
    ];
    for (const [target, type, listener, capture] of this.listeners) target?.addEventListener(type, listener, capture);
  }

  /** Remove every listener, timer and loading state. */
  destroy() {
    for (const [target, type, listener, capture] of this.listeners) target?.removeEventListener(type, listener, capture);
    this.listeners = [];
    this.keys.detach();
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
    if (toEl.hasAttribute(PHX_REMOVE)) this.mayRemove(true);
    this.sticky.apply(fromEl, toEl);
    this.loading.beforeElUpdated(fromEl, toEl);
  }

  /**
   * Whether `nodeAdded` may act on an element of `html` once added: only on one with
   * `phx-mounted` or `phx-remove` (attribute names are case-insensitive in HTML).
   *
   * @param {string} html
   */
  heedsAdded(html) {
    return ADDED_ATTRIBUTES.test(html);
  }

  /** @param {Element} el an element the running patch added */
  nodeAdded(el) {
    if (el.hasAttribute(PHX_MOUNTED)) this.added.push(el);
    // It may leave again in this patch (a stream batch pruning its own new rows).
    if (el.hasAttribute(PHX_REMOVE)) this.mayRemove(true);
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
    if (!this.mayRemove() || !owns(this.root, el)) return true;
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

  /**
   * Whether the view may hold a `phx-remove` during the running patch: looked up once per
   * patch (the answer is forgotten when the patch's task ends), or told so (`found`) when
   * the patch adds or updates an element carrying one.
   *
   * @private
   * @param {boolean} [found]
   */
  mayRemove(found = false) {
    if (this.removeBound === null) {
      queueMicrotask(() => {
        this.removeBound = null;
      });
      this.removeBound = found || this.container.querySelector(`[${PHX_REMOVE}]`) !== null;
    } else if (found) this.removeBound = true;
    return this.removeBound;
  }

  /** After a patch: `phx-mounted` commands of the elements it added. */
  afterPatch() {
    const added = this.added.splice(0);
    for (const el of added) {
      if (el.isConnected && owns(this.root, el)) this.run(el, PHX_MOUNTED, TYPE_CLICK, () => clickValue(el), { kind: "none" });
    }
    // Whether the view holds a phx-click-away: looked up after the patch's task, off both the
    // patch's and the next click's way.
    this.noClickAway = false;
    if (this.clickAwayLook) return;
    this.clickAwayLook = true;
    this.later(() => {
      this.clickAwayLook = false;
      this.noClickAway = untouched(this.container) && this.container.querySelector(`[${PHX_CLICK_AWAY}]`) === null;
    }, 0);
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
    // Nothing changed the view since a look found no phx-click-away after the last patch.
    if (this.noClickAway && untouched(this.container)) return;
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
    for (const cid of targetCids(el, this.container)) this.send(type, value, payload(), plan, [], null, cid);
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
      push: (event, extra, loading, pageLoading, source, target) => {
        for (const cid of source ? targetCids(source, this.container, target) : [undefined]) {
          this.send(type, event, merge(payload(), extra), plan, loading, pageLoading, cid);
        }
      },
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
   * @param {Element | null} [pageLoading] the element of a push with `page_loading`
   * @param {number} [cid] the component that handles it (`phx-target`)
   */
  send(type, event, value, plan, extra, pageLoading = null, cid = undefined) {
    let answered = false;
    /** @type {number | null} */
    let ref = null;
    const result = this.push(
      type,
      event,
      value,
      () => {
        answered = true;
        if (ref !== null) this.loading.finish(ref);
      },
      pageLoading,
      cid,
    );
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
