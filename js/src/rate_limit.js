/**
 * `phx-debounce` and `phx-throttle`: rate limits on the element an event comes from (an
 * input, a button, the element of a key binding), as Phoenix LiveView applies them.
 *
 * - `phx-debounce="300"`: the event is sent 300 ms after the last one in a row, built then
 *   (so a form sends its latest fields); leaving the element (blur) sends a pending one at once.
 * - `phx-debounce="blur"`: sent only when the element loses focus.
 * - `phx-throttle="300"`: the first event is sent at once, the next ones within 300 ms are
 *   dropped; a keydown of another key than the last one is not.
 *
 * Each (element, binding) pair is limited on its own. A value that is not a whole number
 * of milliseconds (or `blur`, for debounce) is logged and the event is not sent.
 */

import { DEBOUNCE_BLUR, PHX_DEBOUNCE, PHX_THROTTLE } from "./constants.js";
import { logError } from "./log.js";

/**
 * @typedef {object} Limit
 * @property {ReturnType<typeof setTimeout> | null} timer
 * @property {(() => void) | null} pending a debounced event waiting to be sent
 * @property {boolean} throttled
 * @property {string | null} lastKey the key of the last keydown seen (throttle)
 */

export class RateLimiter {
  constructor() {
    /** @private @type {Map<Element, Map<string, Limit>>} */
    this.limits = new Map();
  }

  /**
   * Run `send` now, later or never, as the element's rate limit says.
   *
   * @param {Element} el the element carrying phx-debounce / phx-throttle
   * @param {string} binding which binding fired (limits are kept per binding)
   * @param {Event} e the DOM event
   * @param {() => void} send builds and sends the event
   */
  run(el, binding, e, send) {
    const debounce = el.getAttribute(PHX_DEBOUNCE);
    const throttle = el.getAttribute(PHX_THROTTLE);
    if (debounce === null && throttle === null) {
      send();
      return;
    }
    if (debounce !== null) {
      if (debounce === DEBOUNCE_BLUR) {
        const limit = this.limit(el, binding);
        limit.pending = send;
        return;
      }
      const ms = milliseconds(debounce, PHX_DEBOUNCE, el, true);
      if (ms === null) return;
      const limit = this.limit(el, binding);
      if (limit.timer !== null) clearTimeout(limit.timer);
      limit.pending = send;
      limit.timer = setTimeout(() => {
        limit.timer = null;
        this.fire(el, binding);
      }, ms);
      return;
    }
    const ms = milliseconds(/** @type {string} */ (throttle), PHX_THROTTLE, el, false);
    if (ms === null) return;
    const limit = this.limit(el, binding);
    const key = /** @type {{key?: unknown}} */ (e).key;
    const newKey = e.type === "keydown" && typeof key === "string" && key !== limit.lastKey;
    if (e.type === "keydown" && typeof key === "string") limit.lastKey = key;
    if (limit.throttled && !newKey) return;
    send();
    if (limit.timer !== null) clearTimeout(limit.timer);
    limit.throttled = true;
    limit.timer = setTimeout(() => {
      limit.timer = null;
      limit.throttled = false;
      this.forget(el, binding);
    }, ms);
  }

  /**
   * Send what `el` has pending (it lost focus, or its form is being submitted).
   *
   * @param {Element} el
   */
  flush(el) {
    const limits = this.limits.get(el);
    if (!limits) return;
    for (const binding of [...limits.keys()]) {
      const limit = limits.get(binding);
      if (!limit?.pending) continue;
      if (limit.timer !== null) {
        clearTimeout(limit.timer);
        limit.timer = null;
      }
      this.fire(el, binding);
    }
  }

  /**
   * Send everything pending for elements inside `container` (a form about to submit).
   *
   * @param {Element} container
   */
  flushWithin(container) {
    for (const el of [...this.limits.keys()]) if (container.contains(el)) this.flush(el);
  }

  /** Drop everything pending and stop every timer (the view is going away). */
  clear() {
    for (const limits of this.limits.values()) {
      for (const limit of limits.values()) if (limit.timer !== null) clearTimeout(limit.timer);
    }
    this.limits.clear();
  }

  /** How many elements have a limit running (for tests). */
  get size() {
    return this.limits.size;
  }

  /**
   * @private
   * @param {Element} el
   * @param {string} binding
   */
  fire(el, binding) {
    const limit = this.limits.get(el)?.get(binding);
    const send = limit?.pending;
    if (!limit || !send) return;
    limit.pending = null;
    if (!limit.throttled) this.forget(el, binding);
    if (el.isConnected) send();
  }

  /**
   * @private
   * @param {Element} el
   * @param {string} binding
   * @returns {Limit}
   */
  limit(el, binding) {
    let limits = this.limits.get(el);
    if (!limits) this.limits.set(el, (limits = new Map()));
    let limit = limits.get(binding);
    if (!limit) limits.set(binding, (limit = { timer: null, pending: null, throttled: false, lastKey: null }));
    return limit;
  }

  /**
   * @private
   * @param {Element} el
   * @param {string} binding
   */
  forget(el, binding) {
    const limits = this.limits.get(el);
    const limit = limits?.get(binding);
    if (!limits || !limit || limit.pending || limit.timer !== null) return;
    limits.delete(binding);
    if (limits.size === 0) this.limits.delete(el);
  }
}

/**
 * @param {string} value
 * @param {string} attribute
 * @param {Element} el
 * @param {boolean} blurAllowed
 * @returns {number | null}
 */
function milliseconds(value, attribute, el, blurAllowed) {
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const expected = blurAllowed ? `a whole number of milliseconds or "${DEBOUNCE_BLUR}"` : "a whole number of milliseconds";
  logError(`ignoring an event: ${attribute}="${value}" is not ${expected}; on`, el);
  return null;
}
