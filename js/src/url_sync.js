/**
 * Voilà URL sync: the widget's route mirrored into the hash of the browser's address bar.
 *
 * With the `sync_url` trait on, a kernel started by Voilà (`_voila` trait) and a page that
 * is not JupyterLab or Notebook, the widget's URL shows as the page's hash:
 * `http://host/voila/render/nb.ipynb#/users/7?tab=posts`. Voilà's own path and query are
 * never touched, so its URL keeps working. Then:
 * - every `"nav"` from the kernel becomes `history.pushState` (or `replaceState`: when the
 *   kernel replaced its entry, for the join reply, and when the browser's current entry
 *   already is that one, as after back/forward), with `{livewidget: {id, index, url}}` as
 *   state (`id` the widget's `_lw_id`, `index` its place in the kernel's history);
 * - `popstate` to an entry of this widget sends `{"k": "nav", "kind": "go", "index", "url"}`;
 *   to any other entry whose hash is a path (a hand-edited hash, an entry left by an
 *   earlier kernel), a `go` with an index past any history and that URL: the kernel then
 *   navigates there. `hashchange` does the same for browsers that fire no `popstate`;
 * - the join asks for the route in the page's hash (a reload, a shared link; this works
 *   with Voilà's preheated kernels too, as it comes from the page, not the kernel);
 * - `"t"` sets `document.title`.
 * In JupyterLab and Notebook nothing here touches `history`, `location` or
 * `document.title`, whatever the traits say. One widget per page should sync; when two
 * do, the last to move wins.
 */

import { HISTORY_STATE_KEY, NAV_INDEX_BEYOND, TRAIT_SYNC_URL, TRAIT_VOILA } from "./constants.js";
import { logError } from "./log.js";
import { isWidgetPath } from "./navigation.js";
import { isObject } from "./rendered.js";

/** @typedef {import("./transport.js").AnyModel} AnyModel */
/** @typedef {import("./navigation.js").NavState} NavState */

/**
 * Whether `doc` is a JupyterLab or Notebook page (never to be touched).
 *
 * Voilà's own page is built with JupyterLab's parts: its shell element has the class
 * `jp-LabShell` too. Its `<body data-voila="voila">` (every template of Voilà 0.5) and its
 * `#voila-top-panel` tell it apart. Notebook 7 marks its body with `data-notebook`.
 *
 * @param {Document} doc
 */
export function isJupyterApp(doc) {
  if (doc.body?.hasAttribute("data-voila") || doc.getElementById("voila-top-panel")) return false;
  if (doc.body?.hasAttribute("data-notebook")) return true;
  return doc.querySelector(".jp-LabShell, .jp-NotebookShell, #jp-NotebookShell, #jp-main-dock-panel") !== null;
}

/**
 * The widget URL a page hash names (`#/users/7` → `/users/7`), or null.
 *
 * @param {string} hash `location.hash`
 * @returns {string | null}
 */
export function hashUrl(hash) {
  const url = hash.startsWith("#") ? hash.slice(1) : "";
  return isWidgetPath(url) ? url : null;
}

/**
 * @callback Go
 * @param {number} index the kernel history entry to go to
 * @param {string | null} url the hash's URL, the kernel's fallback
 * @param {() => void} onAnswer called once the kernel answered
 * @returns {void}
 */

/** The browser URL and title of one widget (they stay untouched until it may sync). */
export class UrlSync {
  /**
   * @param {object} options
   * @param {AnyModel} options.model the widget's model (its traits decide)
   * @param {string} options.id the widget's `_lw_id`
   * @param {Window | null} options.window the page's window
   * @param {() => {url: string | null, index: number | null}} options.current where
   *   the widget is now: its URL and its index in the kernel's history
   * @param {Go} options.go asks the kernel to move in its history
   */
  constructor({ model, id, window, current, go }) {
    /** @private */
    this.model = model;
    /** @private */
    this.id = id;
    /** @private */
    this.window = window;
    /** @private */
    this.current = current;
    /** @private */
    this.go = go;
    /** @private The URL of the `go` waiting for its answer. @type {string | null} */
    this.requested = null;
    /** @private */
    this.onPopState = (/** @type {Event} */ e) => this.popState(/** @type {PopStateEvent} */ (e).state);
    /** @private */
    this.onHashChange = () => this.hashChange();
    /** @private */
    this.listening = window !== null && model.get(TRAIT_VOILA) === true && !isJupyterApp(window.document);
    if (this.listening && window) {
      window.addEventListener("popstate", this.onPopState);
      window.addEventListener("hashchange", this.onHashChange);
    }
  }

  /** Whether the widget may touch the page's URL and title now. */
  active() {
    const win = this.window;
    return (
      win !== null &&
      this.model.get(TRAIT_SYNC_URL) === true &&
      this.model.get(TRAIT_VOILA) === true &&
      !isJupyterApp(win.document)
    );
  }

  /** The route the page's hash asks for, when syncing; else null. */
  joinUrl() {
    return this.active() && this.window ? hashUrl(this.window.location.hash) : null;
  }

  /**
   * Mirror a move of the widget into the address bar.
   *
   * @param {NavState} nav
   * @param {boolean} joined whether this is the reply to the join
   */
  record(nav, joined) {
    const win = this.window;
    if (!win || !this.active()) return;
    const here = hashUrl(win.location.hash);
    const own = this.ownEntry(win.history.state);
    // The browser already shows that entry (after back/forward, or a hand-edited hash):
    // it gets this widget's state instead of a duplicate after it.
    const sameEntry = own !== null && own.url === here ? own.index === nav.index : here === nav.url;
    const state = { [HISTORY_STATE_KEY]: { id: this.id, index: nav.index, url: nav.url } };
    try {
      if (nav.replace || joined || sameEntry) win.history.replaceState(state, "", `#${nav.url}`);
      else win.history.pushState(state, "", `#${nav.url}`);
    } catch (error) {
      logError("could not update the browser's URL:", error);
    }
  }

  /**
   * Show the view's page title as the page's.
   *
   * @param {string} title
   */
  setTitle(title) {
    if (this.window && this.active()) this.window.document.title = title;
  }

  /**
   * @private
   * @param {unknown} state
   */
  popState(state) {
    const win = this.window;
    if (!win || !this.active()) return;
    const url = hashUrl(win.location.hash);
    const own = this.ownEntry(state);
    if (own !== null) this.request(own.index, url);
    else if (url !== null) this.request(NAV_INDEX_BEYOND, url);
  }

  /**
   * Browsers fire `hashchange` after the `popstate` of the same move (the request is
   * then in flight already); without a `popstate`, the state is either the entry's own,
   * when its URL is the hash's, or the previous entry's, left by a new hash.
   *
   * @private
   */
  hashChange() {
    const win = this.window;
    if (!win || !this.active()) return;
    const url = hashUrl(win.location.hash);
    if (url === null) return;
    const own = this.ownEntry(win.history.state);
    this.request(own !== null && own.url === url ? own.index : NAV_INDEX_BEYOND, url);
  }

  /**
   * Ask the kernel to go to a history entry (or, past the end, to `url`), unless the
   * widget is there already or the same request is waiting for its answer.
   *
   * @private
   * @param {number} index
   * @param {string | null} url
   */
  request(index, url) {
    if (url !== null) {
      const here = this.current();
      if (url === here.url && (index === NAV_INDEX_BEYOND || index === here.index)) return;
      if (url === this.requested) return;
    }
    this.requested = url;
    this.go(index, url, () => {
      if (this.requested === url) this.requested = null;
    });
  }

  /**
   * The kernel history entry a `history.state` stands for, when it is this widget's.
   *
   * @private
   * @param {unknown} state
   * @returns {{index: number, url: string | null} | null}
   */
  ownEntry(state) {
    const ours = isObject(state) ? state[HISTORY_STATE_KEY] : null;
    if (!isObject(ours) || ours.id !== this.id) return null;
    const { index, url } = ours;
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0) return null;
    return { index, url: typeof url === "string" ? url : null };
  }

  /** Stop listening to the page. */
  close() {
    if (this.listening && this.window) {
      this.window.removeEventListener("popstate", this.onPopState);
      this.window.removeEventListener("hashchange", this.onHashChange);
    }
  }
}
