/**
 * The model-level store: one per widget, shared by all its views.
 *
 * anywidget calls `initialize` once per model and `render` once per displayed view (a
 * widget shown in two cells has two views). The rendered tree lives here, at model level:
 * each message from the kernel is handled once, the HTML is built once, and every view
 * patches itself from it. A view created later renders the current tree at once.
 *
 * Stores are found by the widget's `_lw_id` (see `registry.js`), not by model proxy.
 *
 * Page loads (`page_loading.js`): an `"initial"` pair around the join and around every message
 * that mounts a view (it carries the view's hook sources, `"h"`), a `"patch"` / `"redirect"`
 * pair around each navigation the page asks for, until the kernel answers it (a redirect the
 * kernel decides in an event's answer gets its `"redirect"` pair around that answer).
 *
 * Per message, in order: hook sources (`"h"`), the tree or diff patched into every view
 * (hooks' `beforeUpdate` / `updated` / `mounted` / `destroyed` with it), the error box,
 * the navigation state and title, the pushed events (`"e"`: one `phx:` window event each,
 * then every `handleEvent` callback of this widget's hooks), and last the reply (`"rep"`)
 * to the hook's pushEvent that the message answers.
 *
 * Disconnected / reconnected: ipywidgets' model fires `comm_live_update` when its
 * `comm_live` changes; anywidget's proxy forwards `on()` to the model, so the event
 * arrives, but the proxy exposes neither `comm_live` nor the model itself. As of
 * ipywidgets 8, the widget manager sets `comm_live` only to false after a model is made
 * (on kernel restart): a model never comes back; a restarted kernel makes new ones. So an
 * update is read as "disconnected", unless the model exposes `comm_live` (a proxy that
 * forwards it, or another host), which is then believed, "reconnected" included.
 */

import {
  COMM_LIVE_UPDATE,
  EVENTS,
  FROM_FIRST,
  HOOKS,
  JOIN,
  JOIN_FIRST,
  JOIN_LATER,
  KIND,
  NAV,
  NAV_GO,
  NAV_INDEX,
  NAV_KIND,
  NAV_REPLACE,
  NAVIGATION,
  TITLE,
  TRAIT_FIRST,
  TRAIT_TITLE,
  TRAIT_URL,
  TYPE_HOOK,
  URL,
} from "./constants.js";
import { environment } from "./environment.js";
import { HookLibrary } from "./hooks.js";
import { logError } from "./log.js";
import { parseNavigation } from "./navigation.js";
import { PageLoading } from "./page_loading.js";
import { dispatchPushedEvents } from "./push_events.js";
import { mergeDiff } from "./rendered.js";
import { parseInbound, Transport } from "./transport.js";
import { UrlSync } from "./url_sync.js";

/** @typedef {import("./transport.js").AnyModel} AnyModel */
/** @typedef {import("./transport.js").ErrorInfo} ErrorInfo */
/** @typedef {import("./transport.js").Inbound} Inbound */
/** @typedef {import("./rendered.js").Tree} Tree */

/**
 * What the store needs from a view.
 *
 * @typedef {object} ViewHandle
 * @property {(tree: Tree) => void} update show this tree
 * @property {(error: ErrorInfo) => void} showError show an error box
 * @property {(event: string, payload: unknown) => void} deliver hand a pushed event to the hooks
 * @property {() => void} hooksLoaded a hook module finished loading
 * @property {(live: boolean) => void} setLive the comm went away or came back
 * @property {(ref: number) => void} [answered] the kernel answered event `ref` (before its patch)
 */

/** State and traffic of one widget. */
export class WidgetStore {
  /**
   * @param {AnyModel} model
   * @param {string} id the widget's `_lw_id`
   * @param {{deferJoin?: boolean}} [options] `deferJoin`: the store is made as the model is
   *   (anywidget's `initialize`), so it has missed no message of the kernel: when the state
   *   is the `comm_open`'s (its first reply marked `JOIN_LATER`), its join can wait (see
   *   `Transport.defer`). A store made later, by a view (the loader's fallback skips
   *   `initialize`), or from a state the page asked for, joins at once.
   */
  constructor(model, id, { deferJoin = false } = {}) {
    /** The current tree, null until the first one arrives. @type {Tree | null} */
    this.tree = null;
    /** The widget's URL (path and query). @type {string | null} */
    this.currentUrl = stringTrait(model, TRAIT_URL);
    /** The current entry's index in the kernel's history, once reported. @type {number | null} */
    this.historyIndex = null;
    /** The view's page title, once set. @type {string | null} */
    this.title = stringTrait(model, TRAIT_TITLE);
    /** The widget's hooks. */
    this.library = new HookLibrary({
      onReady: () => this.eachView((view) => view.hooksLoaded()),
      onError: (name, message) => this.hookFailed(name, message),
    });
    /** @private @type {Set<ViewHandle>} */
    this.views = new Set();
    /** @private */
    this.model = model;
    /** @private Whether the comm is alive, as far as this store knows. */
    this.live = true;
    /** @private */
    this.onLiveUpdate = () => this.liveUpdate();
    model.on(COMM_LIVE_UPDATE, this.onLiveUpdate);
    /** The page-loading events of this widget (`phx:page-loading-start` / `-stop`). */
    this.pageLoading = new PageLoading(() => environment.window);
    /** @private The refs of navigation intents waiting for their answer. @type {Set<number>} */
    this.navigating = new Set();
    /** @private */
    this.transport = new Transport(model, (msg) => this.receive(msg));
    /** @private */
    this.urlSync = new UrlSync({
      model,
      id,
      window: environment.window,
      current: () => ({ url: this.currentUrl, index: this.historyIndex }),
      go: (index, url, onAnswer) => {
        const msg = { [KIND]: NAV, [NAV_KIND]: NAV_GO, [NAV_INDEX]: index };
        const to = url ?? this.currentUrl ?? "/";
        this.sendNavigation(url === null ? msg : { ...msg, [URL]: url }, { kind: "redirect", to, pop: true }, onAnswer);
      },
    });
    /** @private Whether the reply to the join is still to come. */
    this.joining = true;
    const url = this.urlSync.joinUrl();
    /** @private Stops the join's page load, once its tree is shown. */
    this.joinLoading = this.pageLoading.start({ kind: "initial", to: url ?? this.currentUrl ?? "/" });
    // The first reply in the widget's state is the page at the kernel's URL: a page whose
    // address names another route joins for that one instead.
    const first = url === null ? readFirst(model) : null;
    /** @private Whether the view shows the state's first reply: any answer to the join then comes without a ref. */
    this.showsFirst = first !== null;
    /** @type {import("./transport.js").JsonObject} */
    const join = { [KIND]: JOIN };
    if (url !== null) join[URL] = url;
    if (first === null) {
      this.transport.send(join);
      return;
    }
    join[JOIN_FIRST] = true;
    // The page is the state's first reply, as an ipywidgets view is its state. The join of a
    // `comm_open`'s reply waits for the page's first message to the kernel (the view's first
    // change before any page joined joins this page: see `receive`): a widget nobody uses
    // sends the kernel nothing, and Run All on a notebook of widgets queues no join behind
    // its cells.
    const later = deferJoin && first.extra?.[JOIN_LATER] === true;
    if (later) this.transport.defer(join);
    else this.transport.send(join);
    this.apply(first, first.extra ?? {}, true);
    if (later) this.joinLoading(); // the page is loaded: it shows the view
  }

  /**
   * Add a view; it is shown the current tree at once, if there is one.
   *
   * @param {ViewHandle} view
   */
  attach(view) {
    this.views.add(view);
    if (this.tree !== null) view.update(this.tree);
  }

  /** @param {ViewHandle} view */
  detach(view) {
    this.views.delete(view);
  }

  /**
   * Send an event to the kernel.
   *
   * @param {string} type
   * @param {string} event
   * @param {unknown} value
   * @param {() => void} [onAnswer] called once the kernel answered it (or sending failed)
   * @param {Element | null} [pageLoading] the element of a `JS().push(..., page_loading=True)`:
   *   an `"element"` page load runs until the answer
   * @param {number} [cid] the component that handles it (`phx-target`); absent: the view
   * @returns {number | null} the event's ref
   */
  pushEvent(type, event, value, onAnswer, pageLoading = null, cid = undefined) {
    const stop = pageLoading ? this.pageLoading.start({ kind: "element", target: pageLoading }) : null;
    return this.transport.pushEvent(
      type,
      event,
      value,
      () => {
        stop?.();
        onAnswer?.();
      },
      cid,
    );
  }

  /**
   * Send an upload message (`uploads.js`) with its binary buffers (a chunk's bytes).
   *
   * @param {import("./rendered.js").JsonObject} msg
   * @param {ArrayBuffer[]} buffers
   * @param {import("./transport.js").OnAnswer} onAnswer gets the answer's `"rep"` and error
   * @returns {number | null} the message's ref
   */
  sendUpload(msg, buffers, onAnswer) {
    return this.transport.send(msg, onAnswer, buffers);
  }

  /**
   * Send a hook's event; `reply` resolves with the kernel's `"rep"` (undefined without).
   *
   * @param {string} event
   * @param {unknown} payload
   * @param {number} [cid] the component it targets (a hook's `pushEventTo`)
   * @returns {{ref: number | null, reply: Promise<unknown>}}
   */
  pushHookEvent(event, payload, cid = undefined) {
    /** @type {(reply: unknown) => void} */
    let settle = () => {};
    const reply = new Promise((resolve) => (settle = resolve));
    const ref = this.transport.pushEvent(TYPE_HOOK, event, payload, (rep) => settle(rep), cid);
    return { ref, reply };
  }

  /**
   * Ask the kernel to follow a link.
   *
   * @param {"patch" | "redirect"} kind
   * @param {string} url
   * @param {boolean} replace
   */
  navigate(kind, url, replace) {
    this.sendNavigation({ [KIND]: NAV, [NAV_KIND]: kind, [URL]: url, [NAV_REPLACE]: replace }, { kind, to: url });
  }

  /**
   * Send a navigation intent inside its page load, which stops once the kernel answered.
   *
   * @private
   * @param {import("./transport.js").JsonObject} msg
   * @param {import("./page_loading.js").PageLoadingInfo} info
   * @param {(reply: unknown) => void} [onAnswer]
   */
  sendNavigation(msg, info, onAnswer) {
    const stop = this.pageLoading.start(info);
    /** @type {number | null} */
    let ref = null;
    let answered = false;
    ref = this.transport.send(msg, (reply) => {
      answered = true;
      if (ref !== null) this.navigating.delete(ref);
      stop();
      onAnswer?.(reply);
    });
    // Sending failed: the answer came at once, before the ref was known.
    if (ref !== null && !answered) this.navigating.add(ref);
  }

  /**
   * Handle one checked message from the kernel.
   *
   * @private
   * @param {Inbound} msg
   */
  receive(msg) {
    const extra = msg.extra ?? {};
    const fromFirst = extra[FROM_FIRST] === true && this.transport.deferring;
    if (this.joining && this.showsFirst && msg.diff !== undefined && !fromFirst) {
      // A diff before this page's join was answered, from a tree it may not show: its first
      // reply may be stale (a state replayed after a page joined), or its join went out (the
      // answer brings the whole tree). The join goes out now, if it waited.
      this.transport.flush();
      return;
    }
    // The join's answer: a tree; for a page showing the state's first reply, also the answer
    // to a join showing it (the navigation alone: the first reply is current), or the view's
    // first change (its diff from the first reply), which joins the pages whose join waits.
    const answersFirst = fromFirst || (msg.diff === undefined && NAVIGATION in extra);
    const joined = this.joining && msg.ref === undefined && (msg.tree !== undefined || (this.showsFirst && answersFirst));
    if (joined) this.transport.cancelDeferred();
    // A view was mounted (its hook sources come with it): Phoenix's "initial" page load around
    // it, inside a "redirect" one when the kernel redirected on its own (an event's answer).
    const stops = [];
    if (joined) {
      stops.push(this.joinLoading);
    } else if (HOOKS in extra) {
      const nav = NAVIGATION in extra ? parseNavigation(extra[NAVIGATION]) : null;
      const to = nav?.url ?? this.currentUrl ?? "/";
      if (nav && !(msg.ref !== undefined && this.navigating.has(msg.ref))) {
        stops.push(this.pageLoading.start({ kind: "redirect", to }));
      }
      stops.push(this.pageLoading.start({ kind: "initial", to }));
    }
    if (joined) this.joining = false;
    try {
      this.apply(msg, extra, joined);
    } finally {
      for (const stop of stops.reverse()) stop();
    }
  }

  /**
   * Apply one message: hooks, tree, error, navigation, title, pushed events.
   *
   * @private
   * @param {Inbound} msg
   * @param {import("./transport.js").JsonObject} extra
   * @param {boolean} joined whether it is the answer to the join (or the state's first reply)
   */
  apply(msg, extra, joined) {
    if (HOOKS in extra) this.library.define(extra[HOOKS]);
    const ref = msg.ref;
    if (ref !== undefined) this.eachView((view) => view.answered?.(ref));
    if (msg.tree) {
      this.show(mergeDiff(null, msg.tree));
    } else if (msg.diff) {
      if (this.tree === null) {
        logError("ignoring a diff that arrived before the first tree:", msg.diff);
      } else {
        this.show(mergeDiff(this.tree, msg.diff));
      }
    }
    const error = msg.error;
    if (error) this.eachView((view) => view.showError(error));
    if (NAVIGATION in extra) {
      const nav = parseNavigation(extra[NAVIGATION]);
      if (nav) {
        this.currentUrl = nav.url;
        this.historyIndex = nav.index;
        this.urlSync.record(nav, joined);
      }
    }
    if (TITLE in extra) {
      const title = extra[TITLE];
      if (typeof title === "string") {
        this.title = title;
        this.urlSync.setTitle(title);
      } else {
        logError(`ignoring a title ("${TITLE}") that is not a string:`, title);
      }
    }
    if (EVENTS in extra) {
      dispatchPushedEvents(environment.window, extra[EVENTS], (event, payload) => this.eachView((view) => view.deliver(event, payload)));
    }
  }

  /**
   * @private
   * @param {Tree | null} tree
   */
  show(tree) {
    if (tree === null || tree === this.tree) return;
    this.tree = tree;
    this.eachView((view) => view.update(tree));
  }

  /**
   * @private
   * @param {string} name
   * @param {string} message
   */
  hookFailed(name, message) {
    const text = `Hook "${name}" cannot be used: ${message}`;
    logError(text);
    this.eachView((view) => view.showError({ message: text, traceback: "" }));
  }

  /** @private */
  liveUpdate() {
    const flag = this.model.comm_live;
    const live = typeof flag === "boolean" ? flag : false;
    if (live === this.live) return;
    this.live = live;
    // No answer will come for what is in flight: its page loads end here.
    if (!live) this.pageLoading.stopAll();
    this.eachView((view) => view.setLive(live));
  }

  /**
   * Do something with every view; one failing view does not stop the others.
   *
   * @private
   * @param {(view: ViewHandle) => void} action
   */
  eachView(action) {
    for (const view of [...this.views]) {
      try {
        action(view);
      } catch (error) {
        logError("a view failed to update:", error);
      }
    }
  }

  /** Stop listening to the model and the page, and forget the views. */
  dispose() {
    this.pageLoading.stopAll();
    this.transport.close();
    this.urlSync.close();
    this.library.dispose();
    this.model.off(COMM_LIVE_UPDATE, this.onLiveUpdate);
    this.views.clear();
  }
}

/**
 * A trait's value when it is a non-empty string, else null.
 *
 * @param {AnyModel} model
 * @param {string} name
 * @returns {string | null}
 */
function stringTrait(model, name) {
  const value = model.get(name);
  return typeof value === "string" && value ? value : null;
}

/**
 * The first reply the widget's state carries (`TRAIT_FIRST`: JSON in a binary buffer, or the
 * object itself), checked, or null. The model's copy stays: the frontend never writes to the
 * model (a write would be synced by anyone's next `save_changes`, and the kernel refuses
 * every update from the page).
 *
 * @param {AnyModel} model
 * @returns {Inbound | null}
 */
function readFirst(model) {
  const raw = model.get(TRAIT_FIRST);
  if (raw === null || raw === undefined) return null;
  // The kernel sends it as UTF-8 JSON in a binary buffer (ipywidgets gives a DataView).
  let content = raw;
  if (ArrayBuffer.isView(raw) || raw instanceof ArrayBuffer) {
    try {
      content = JSON.parse(new TextDecoder().decode(/** @type {ArrayBuffer | ArrayBufferView} */ (raw)));
    } catch (error) {
      logError("ignoring a first reply that is not JSON:", error);
      return null;
    }
  }
  const msg = parseInbound(content);
  // Only a whole tree answers for the join: anything else, the join's answer brings.
  return msg !== null && msg.tree !== undefined && msg.ref === undefined && msg.error === undefined ? msg : null;
}
