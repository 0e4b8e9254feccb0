/**
 * The hook instances of one view: one per element carrying `phx-hook="Name"` and an `id`.
 *
 * An instance is an object whose prototype is the hook object, with `el`, `pushEvent`,
 * `pushEventTo`, `handleEvent` and `removeHandleEvent` of its own. Its callbacks run:
 * - `mounted` once the element is in the view and its hook's module is loaded (after the
 *   patch that added it, or when a module that was still loading arrives);
 * - `beforeUpdate` / `updated` around a patch that changes the element's server-rendered
 *   HTML (its attributes or content); elements whose HTML the server left as it was are
 *   not patched at all, so what the hook did to its element (text, attributes, children)
 *   stays until the server renders that element differently;
 * - `destroyed` when the element leaves the view (or the view is removed);
 * - `disconnected` / `reconnected` when the widget's comm goes away / comes back.
 *
 * A callback that throws (or returns a promise that rejects) is logged and shown in the
 * view's error box, naming the hook; the view and its other hooks keep working.
 */

import { targetCid } from "./components.js";
import { PHX_HOOK } from "./constants.js";
import { describeError } from "./hooks.js";
import { logError } from "./log.js";
import { owns } from "./ownership.js";
import { withRowsFrom } from "./row_skip.js";

/**
 * @typedef {import("./hooks.js").HookLibrary} HookLibrary
 * @typedef {import("./hooks.js").HookObject} HookObject
 * @typedef {import("./transport.js").ErrorInfo} ErrorInfo
 * @typedef {(payload: unknown) => void} EventCallback
 * @typedef {{event: string, callback: EventCallback}} HandleEventRef
 * @typedef {(reply: unknown, ref: number | null) => void} OnReply
 */

/**
 * @typedef {object} HookContext what a view gives its hooks
 * @property {Element} root the view's root element (nested widgets are not ours)
 * @property {Element} container the element holding the rendered HTML
 * @property {HookLibrary} library the widget's hooks
 * @property {(event: string, payload: unknown, cid?: number) => {ref: number | null, reply: Promise<unknown>}} push
 *   sends a hook event; `reply` resolves with the kernel's `"rep"` (undefined without one)
 * @property {(error: ErrorInfo) => void} showError shows the view's error box
 */

/**
 * @typedef {object} Mounted one hook instance
 * @property {string} name the hook's name
 * @property {{[key: string]: unknown}} instance the object the callbacks run on
 * @property {Set<HandleEventRef>} listeners its `handleEvent` registrations
 * @property {Element} server a copy of the element as the server last rendered it
 */

/** The hook instances of one view. */
export class ViewHooks {
  /** @param {HookContext} context */
  constructor(context) {
    /** @private */
    this.context = context;
    /** @private @type {Map<Element, Mounted>} */
    this.mounted = new Map();
    /** @private Elements a running patch changed. @type {Set<Element>} */
    this.changed = new Set();
    /** @private Elements already logged for lacking an id. @type {WeakSet<Element>} */
    this.warned = new WeakSet();
  }

  /**
   * morphdom is about to update `fromEl` into `toEl`. A hooked element whose server HTML
   * did not change is left alone (false): the hook may have changed it. One that did
   * change gets `beforeUpdate` now and `updated` after the patch.
   *
   * @param {Element} fromEl
   * @param {Element} toEl
   * @returns {boolean} whether morphdom should update the element
   */
  beforeElUpdated(fromEl, toEl) {
    const hooked = this.mounted.get(fromEl);
    if (!hooked) return true;
    // Rows the patch skips are written as placeholders: compare with them filled in, or an
    // element holding a list would look changed on every patch.
    const server = withRowsFrom(toEl, hooked.server);
    if (hooked.server.isEqualNode(server)) return false;
    hooked.server = server;
    // An element changing hooks is not updated: its instance is destroyed after the patch.
    if (toEl.getAttribute(PHX_HOOK) !== hooked.name) return true;
    this.changed.add(fromEl);
    this.call(hooked, fromEl, "beforeUpdate");
    return true;
  }

  /** After a patch: `destroyed` for elements gone, `updated` for changed ones, `mounted` for new ones. */
  afterPatch() {
    const present = new Set(this.hookElements());
    for (const [el, hooked] of [...this.mounted]) {
      if (!present.has(el) || el.getAttribute(PHX_HOOK) !== hooked.name) this.destroy(el);
    }
    for (const el of this.changed) {
      const hooked = this.mounted.get(el);
      if (hooked) this.call(hooked, el, "updated");
    }
    this.changed.clear();
    this.mountNew(present);
  }

  /** A hook module finished loading: mount the elements that were waiting for it. */
  mountPending() {
    this.mountNew(this.hookElements());
  }

  /**
   * Hand a pushed event to every `handleEvent` callback registered for it.
   *
   * @param {string} event
   * @param {unknown} payload
   */
  deliver(event, payload) {
    for (const [el, hooked] of [...this.mounted]) {
      for (const ref of [...hooked.listeners]) {
        if (ref.event !== event || !hooked.listeners.has(ref)) continue;
        this.run(hooked, el, `its handleEvent("${event}") callback`, () => ref.callback(payload));
      }
    }
  }

  /** @param {boolean} live the widget's comm went away (false) or came back (true) */
  setLive(live) {
    for (const [el, hooked] of [...this.mounted]) this.call(hooked, el, live ? "reconnected" : "disconnected");
  }

  /** The view is going away: `destroyed` for every instance. */
  destroyAll() {
    for (const el of [...this.mounted.keys()]) this.destroy(el);
  }

  /**
   * The hooked elements of this view, in document order (not those of a nested widget).
   *
   * @private
   * @returns {Element[]}
   */
  hookElements() {
    const { root, container } = this.context;
    return Array.from(container.querySelectorAll(`[${PHX_HOOK}]`)).filter((el) => owns(root, el));
  }

  /** @private @param {Iterable<Element>} elements */
  mountNew(elements) {
    for (const el of elements) {
      if (this.mounted.has(el)) continue;
      const name = el.getAttribute(PHX_HOOK) ?? "";
      if (!name || !el.id) {
        if (!this.warned.has(el)) {
          this.warned.add(el);
          const why = name ? `phx-hook="${name}" needs an id on its element` : "an empty phx-hook attribute";
          logError(`not attaching a hook: ${why}:`, el);
        }
        continue;
      }
      const hook = this.context.library.lookup(name);
      if (hook === null) continue;
      /** @type {Mounted} */
      const hooked = {
        name,
        instance: this.instantiate(hook, el),
        listeners: new Set(),
        server: /** @type {Element} */ (el.cloneNode(true)),
      };
      this.mounted.set(el, hooked);
      this.call(hooked, el, "mounted");
    }
  }

  /** @private @param {Element} el */
  destroy(el) {
    const hooked = this.mounted.get(el);
    if (!hooked) return;
    this.mounted.delete(el);
    this.changed.delete(el);
    this.call(hooked, el, "destroyed");
    hooked.listeners.clear();
  }

  /** @private A new instance of `hook` for `el`. @param {HookObject} hook @param {Element} el */
  instantiate(hook, el) {
    /** @type {{[key: string]: unknown}} */
    const instance = Object.create(hook);
    const self = this;
    /** @type {() => Mounted | undefined} */
    const hooked = () => self.mounted.get(el);
    Object.assign(instance, {
      el,
      /** @param {string} event @param {unknown} [payload] @param {OnReply} [onReply] */
      pushEvent(event, payload, onReply) {
        return self.push(el, event, payload, onReply);
      },
      /** @param {string | Element} target @param {string} event @param {unknown} [payload] @param {OnReply} [onReply] */
      pushEventTo(target, event, payload, onReply) {
        if (self.targetsThisView(target)) {
          return self.push(el, event, payload, onReply, targetCid(el, self.context.container, target));
        }
        logError(`hook on #${el.id}: pushEventTo found no element inside this widget's view for`, target);
        return Promise.resolve(undefined);
      },
      /** @param {string} event @param {EventCallback} callback @returns {HandleEventRef} */
      handleEvent(event, callback) {
        const ref = { event, callback };
        if (typeof callback === "function") hooked()?.listeners.add(ref);
        else logError(`hook on #${el.id}: handleEvent("${event}") needs a callback function`);
        return ref;
      },
      /** @param {HandleEventRef} ref */
      removeHandleEvent(ref) {
        hooked()?.listeners.delete(ref);
      },
    });
    return instance;
  }

  /**
   * Send a hook event; its reply goes to `onReply(reply, ref)` when there is one.
   *
   * @private
   * @param {Element} el
   * @param {string} event
   * @param {unknown} payload
   * @param {OnReply | undefined} onReply
   * @param {number} [cid] the component it targets (`pushEventTo`); absent: the view
   * @returns {Promise<unknown>} resolves with the reply
   */
  push(el, event, payload, onReply, cid) {
    if (typeof event !== "string" || !event) {
      logError(`hook on #${el.id}: pushEvent needs an event name, got`, event);
      return Promise.resolve(undefined);
    }
    const { ref, reply } = this.context.push(event, payload ?? {}, cid);
    return reply.then((rep) => {
      const hooked = this.mounted.get(el);
      if (rep !== undefined && typeof onReply === "function" && hooked) {
        this.run(hooked, el, `its pushEvent("${event}") reply callback`, () => onReply.call(hooked.instance, rep, ref));
      }
      return rep;
    });
  }

  /**
   * Whether a pushEventTo target (a selector or an element) lies in this view.
   *
   * @private
   * @param {unknown} target
   */
  targetsThisView(target) {
    const { root, container } = this.context;
    if (typeof target === "string") {
      try {
        return Array.from(container.querySelectorAll(target)).some((el) => owns(root, el));
      } catch {
        return false; // not a valid selector
      }
    }
    const node = /** @type {{nodeType?: unknown}} */ (target);
    return typeof target === "object" && target !== null && node.nodeType === 1 && container.contains(/** @type {Element} */ (target));
  }

  /**
   * Run one lifecycle callback of an instance, when the hook defines it.
   *
   * @private
   * @param {Mounted} hooked
   * @param {Element} el
   * @param {string} callback
   */
  call(hooked, el, callback) {
    const fn = hooked.instance[callback];
    if (typeof fn !== "function") return;
    this.run(hooked, el, callback, () => fn.call(hooked.instance));
  }

  /**
   * Run hook code; what it throws (or its promise rejects with) is logged and shown.
   *
   * @private
   * @param {Mounted} hooked
   * @param {Element} el
   * @param {string} what
   * @param {() => unknown} fn
   */
  run(hooked, el, what, fn) {
    /** @param {unknown} error */
    const report = (error) => {
      const message = `Hook "${hooked.name}" on #${el.id} failed in ${what}: ${describeError(error)}`;
      logError(message, error);
      const traceback = error instanceof Error && error.stack ? error.stack : "";
      this.context.showError({ message, traceback });
    };
    try {
      const result = fn();
      if (result && typeof (/** @type {any} */ (result).then) === "function") {
        /** @type {Promise<unknown>} */ (result).then(undefined, report);
      }
    } catch (error) {
      report(error);
    }
  }
}
