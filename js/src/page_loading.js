/**
 * Page-loading events: `phx:page-loading-start` and `phx:page-loading-stop` on `window`,
 * as Phoenix LiveView's client sends them, so that a progress bar (topbar, NProgress) written
 * for Phoenix works around a widget's navigation too.
 *
 * Both events of a pair carry the same `detail`, Phoenix's shape:
 * - `{kind: "initial", to}` around a view's first tree: the widget joining, and every view
 *   the kernel mounts afterwards (a redirect, a back/forward to another view's entry);
 * - `{kind: "patch", to}` / `{kind: "redirect", to}` around a live navigation the page asks
 *   for (a `data-phx-link` link, `JS().patch` / `JS().navigate`), from the click to the
 *   kernel's answer; a mount it causes nests its `"initial"` pair inside;
 * - `{kind: "redirect", to, pop: true}` around the browser's back / forward (Voilà with
 *   `sync_url`): the page cannot know before the kernel answers whether that entry's view is
 *   still mounted;
 * - `{kind: "element", target}` around a `JS().push(..., page_loading=True)`, `target` the
 *   element whose binding ran it.
 *
 * `to` is the URL inside the widget (`/users/8`), not the page's. Every start gets exactly
 * one stop: when the kernel answers (its answer to an error included), when sending failed,
 * and when the widget's comm goes away or the widget is disposed of with answers pending.
 */

import { logError } from "./log.js";

/** The window event fired when a page load starts. */
export const PAGE_LOADING_START = "phx:page-loading-start";
/** The window event fired when it stops. */
export const PAGE_LOADING_STOP = "phx:page-loading-stop";

/**
 * What a page-loading event carries in `detail`.
 *
 * @typedef {object} PageLoadingInfo
 * @property {"initial" | "patch" | "redirect" | "element"} kind
 * @property {string} [to] the URL inside the widget (navigation kinds)
 * @property {boolean} [pop] a back / forward of the browser
 * @property {Element} [target] the element whose binding pushed (`"element"`)
 */

/** The page loads of one widget that have started and not stopped yet. */
export class PageLoading {
  /**
   * @param {() => Window | null} getWindow the window the events go to (none: no events)
   */
  constructor(getWindow) {
    /** @private */
    this.getWindow = getWindow;
    /** @private The stops still to call. @type {Set<() => void>} */
    this.pending = new Set();
  }

  /**
   * Fire `phx:page-loading-start` with `info`; the returned function fires the matching
   * stop, once (later calls do nothing).
   *
   * @param {PageLoadingInfo} info
   * @returns {() => void}
   */
  start(info) {
    const detail = { ...info };
    dispatch(this.getWindow(), PAGE_LOADING_START, detail);
    const stop = () => {
      if (!this.pending.delete(stop)) return;
      dispatch(this.getWindow(), PAGE_LOADING_STOP, detail);
    };
    this.pending.add(stop);
    return stop;
  }

  /**
   * Run `action` between a start and its stop (the stop fires even when `action` throws).
   *
   * @template T
   * @param {PageLoadingInfo} info
   * @param {() => T} action
   * @returns {T}
   */
  around(info, action) {
    const stop = this.start(info);
    try {
      return action();
    } finally {
      stop();
    }
  }

  /** How many page loads are still going. */
  get count() {
    return this.pending.size;
  }

  /** Stop every page load still going, newest first (no answer will come for them). */
  stopAll() {
    for (const stop of [...this.pending].reverse()) stop();
  }
}

/**
 * @param {Window | null} win
 * @param {string} type
 * @param {PageLoadingInfo} detail
 */
function dispatch(win, type, detail) {
  if (!win) return;
  try {
    // The page's own CustomEvent: the one its listeners expect.
    const PageCustomEvent = /** @type {{CustomEvent?: typeof CustomEvent}} */ (win).CustomEvent ?? CustomEvent;
    win.dispatchEvent(new PageCustomEvent(type, { detail }));
  } catch (error) {
    // A listener that throws is reported by the browser; this is a failure to dispatch.
    logError(`could not dispatch ${type}:`, error);
  }
}
