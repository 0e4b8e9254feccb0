/**
 * Pushed events: `socket.push_event` on the kernel, `"e": [[type, payload], ...]` on the wire.
 *
 * They are dispatched after the DOM patch of the message that carries them, in order,
 * each once per widget (however many views it has): first as a `phx:<type>` CustomEvent
 * on the page's window, whose `detail` is the payload (LiveViewJS and Phoenix do the
 * same), then to every `handleEvent(type, cb)` callback of that widget's hooks, as
 * `cb(payload)`. Hooks of other widgets hear only the window event, like any page code.
 */

import { PHX_EVENT_PREFIX } from "./constants.js";
import { logError } from "./log.js";

/**
 * @typedef {[string, unknown]} PushedEvent an event's type and payload
 */

/**
 * Check the `"e"` of a message: a list of `[type, payload]` pairs. Malformed entries are
 * logged and left out; the others keep their order.
 *
 * @param {unknown} value
 * @returns {PushedEvent[]}
 */
export function parsePushedEvents(value) {
  if (!Array.isArray(value)) {
    logError('ignoring pushed events ("e") that are not a list:', value);
    return [];
  }
  /** @type {PushedEvent[]} */
  const events = [];
  for (const entry of value) {
    if (Array.isArray(entry) && entry.length === 2 && typeof entry[0] === "string" && entry[0]) {
      events.push([entry[0], entry[1]]);
    } else {
      logError("ignoring a pushed event that is not [type, payload]:", entry);
    }
  }
  return events;
}

/**
 * Dispatch the pushed events of one message: each to the window, then to the hooks.
 *
 * @param {Window | null} win the page's window (none: the hooks alone hear them)
 * @param {unknown} value the message's `"e"`
 * @param {(type: string, payload: unknown) => void} deliver hands one event to the hooks
 */
export function dispatchPushedEvents(win, value, deliver) {
  for (const [type, payload] of parsePushedEvents(value)) {
    if (win) {
      try {
        // The page's own CustomEvent: the one its listeners expect.
        const PageCustomEvent = /** @type {{CustomEvent?: typeof CustomEvent}} */ (win).CustomEvent ?? CustomEvent;
        win.dispatchEvent(new PageCustomEvent(PHX_EVENT_PREFIX + type, { detail: payload }));
      } catch (error) {
        logError(`a listener of "${PHX_EVENT_PREFIX}${type}" failed:`, error);
      }
    }
    deliver(type, payload);
  }
}
