/**
 * One displayed view of a widget: its elements, its bindings and its error box.
 *
 *     el                        the element anywidget gives `render`
 *     └─ div.lw-root            the root: event listeners live here
 *        ├─ div.lw-error        an error box, when the kernel reported one
 *        └─ div.lw-view         the rendered HTML, patched by morphdom
 *
 * The error box sits beside the rendered HTML, not inside it, so patches leave it alone.
 * Until the first tree arrives, the view shows a small "connecting…" placeholder. The root
 * carries one of Phoenix's state classes: `phx-loading` until the first tree, then
 * `phx-connected`, and `phx-error` once the widget's comm is gone.
 * The root also catches clicks on `data-phx-link` links (`navigation.js`), the view
 * keeps the hook instances of its elements (`view_hooks.js`), and the `<script>` elements a
 * patch adds run (`scripts.js`), embedded widgets get their views (`embed.js`), and chosen
 * files go to the kernel (`uploads.js`).
 */

import { Bindings } from "./bindings.js";
import {
  CLASS_CONNECTING,
  CLASS_PHX_CONNECTED,
  CLASS_PHX_ERROR,
  CLASS_PHX_LOADING,
  CLASS_ERROR,
  CLASS_ERROR_DISMISS,
  CLASS_ERROR_HEADER,
  CLASS_ERROR_MESSAGE,
  CLASS_ERROR_TRACEBACK,
  CLASS_ROOT,
  CLASS_VIEW,
  CONNECTING_TEXT,
  TYPE_CLICK,
} from "./constants.js";
import { patch } from "./dom_patch.js";
import { checkedLists } from "./dom_quiet.js";
import { Embeds, managerOf } from "./embed.js";
import { patchAroundLists } from "./list_skip.js";
import { patchRowsInPlace } from "./row_patch.js";
import { learnShapesWhenIdle, RowSkipper } from "./row_skip.js";
import { patchTextsInPlace } from "./text_patch.js";
import { ScriptRunner } from "./scripts.js";
import { Uploader } from "./uploads.js";
import { bindLinks } from "./navigation.js";
import { ViewHooks } from "./view_hooks.js";
import { Viewport } from "./viewport.js";

/** @typedef {import("./store.js").WidgetStore} WidgetStore */
/** @typedef {import("./transport.js").ErrorInfo} ErrorInfo */

/** One view of a widget, attached to its model's store. */
export class LiveViewElement {
  /**
   * Build the view inside `el`, bind its events and show the store's current tree.
   *
   * @param {HTMLElement} el the element anywidget gives `render`
   * @param {WidgetStore} store the model's store
   */
  constructor(el, store) {
    const doc = el.ownerDocument;
    /** @private */
    this.store = store;
    /** The widget's root element. */
    this.root = doc.createElement("div");
    this.root.className = CLASS_ROOT;
    this.root.classList.add(CLASS_PHX_LOADING);
    /** The element holding the rendered HTML. */
    this.container = doc.createElement("div");
    this.container.className = CLASS_VIEW;
    /** @private Whether the placeholder is still shown. */
    this.connecting = true;
    /** @private Which comprehension rows the DOM shows, to skip them next time. */
    this.rows = new RowSkipper(doc);
    /** @private The tree the DOM shows. @type {import("./rendered.js").Tree | null} */
    this.onScreen = null;
    /** @private The error box shown, if any. @type {HTMLElement | null} */
    this.errorBox = null;
    /** @private Runs the `<script>` elements each patch adds (`scripts.js`). */
    this.scripts = new ScriptRunner();
    this.container.append(connectingPlaceholder(doc));
    this.root.append(this.container);
    el.append(this.root);

    /** @private The `phx-*` bindings, their loading states and JS commands. */
    this.bindings = new Bindings(this.root, (type, event, value, onAnswer, pageLoading, cid) => store.pushEvent(type, event, value, onAnswer, pageLoading, cid), {
      container: this.container,
      navigate: (kind, url, replace) => store.navigate(kind, url, replace),
    });
    /** @private */
    this.unbindLinks = bindLinks(this.root, (kind, url, replace) => store.navigate(kind, url, replace));
    /** @private `phx-viewport-top` / `phx-viewport-bottom` (infinite scroll). */
    this.viewport = new Viewport(this.container, (event, value, onAnswer) => store.pushEvent(TYPE_CLICK, event, value, onAnswer));
    /** The hook instances of this view's elements. */
    this.hooks = new ViewHooks({
      root: this.root,
      container: this.container,
      library: store.library,
      push: (event, payload, cid) => store.pushHookEvent(event, payload, cid),
      showError: (error) => this.showError(error),
    });
    /** The other Jupyter widgets embedded in this view (`embed.js`). */
    this.embeds = new Embeds(this.container, () => managerOf(store));
    /** The files chosen for this view's uploads, on their way to the kernel (`uploads.js`). */
    this.uploads = new Uploader(this.root, this.container, (msg, buffers, onAnswer) => store.sendUpload(msg, buffers, onAnswer));
    store.attach(this);
  }

  /**
   * Show `tree`, patching what is on screen. Rows changed, removed or appended are patched on
   * their own elements (`row_patch.js`); anything else is patched around the lists that are
   * on screen already (`list_skip.js`), or, when the page does not line up for that, with
   * placeholders for the rows on screen (`row_skip.js`).
   *
   * @param {import("./rendered.js").Tree} tree
   */
  update(tree) {
    if (this.connecting) {
      this.connecting = false;
      this.container.replaceChildren();
      this.rows.reset();
      this.onScreen = null;
      this.root.classList.replace(CLASS_PHX_LOADING, CLASS_PHX_CONNECTED);
    }
    const before = this.onScreen;
    this.onScreen = tree;
    if (!before || !patchTextsInPlace(this.container, before, tree)) {
      const rows = before && patchRowsInPlace(this.container, before, tree, this.observer);
      if (rows) this.rows.showing(rows.shown);
      if (!rows || rows.rest) this.patchRest(tree);
    }
    // Before the hooks mount: a hook may use what a script of the page defines.
    this.scripts.run(this.container);
    this.embeds.afterPatch();
    this.uploads.afterPatch();
    this.hooks.afterPatch();
    this.bindings.afterPatch();
    this.viewport.afterPatch();
  }

  /**
   * Patch in what the rows' fast path left: around the lists already on screen, or, when the
   * page does not line up for that, with placeholders for the rows on screen.
   *
   * @private
   * @param {import("./rendered.js").Tree} tree
   */
  patchRest(tree) {
    /** @type {import("./list_skip.js").SkippedList[]} */
    const lists = [];
    let html = this.rows.html(tree, lists, checkedLists(this.container));
    if (lists.length > 0) {
      const outcome = patchAroundLists(this.container, html, lists, this.observer);
      if (outcome === "patched") {
        this.rows.commit();
        return;
      }
      // Something removed a row's element behind our back: the full HTML repairs it.
      if (outcome === "orphan placeholder") this.rows.reset();
      html = this.rows.html(tree);
    }
    if (!patch(this.container, html, this.observer)) {
      // Something removed a row's element behind our back: patch with the full HTML.
      this.rows.reset();
      patch(this.container, this.rows.html(tree), this.observer);
    }
    this.rows.commit();
    // The next patch skips the rows shown now: learn what they look like before it comes.
    learnShapesWhenIdle(tree, this.container.ownerDocument);
  }

  /**
   * The kernel answered event `ref` (called before that answer's patch).
   *
   * @param {number} ref
   */
  answered(ref) {
    this.bindings.answered(ref);
  }

  /**
   * What hears about a patch as it runs: the hooks first (an unchanged hooked element is
   * not patched at all), then the bindings (JS commands' sticky changes, loading states).
   *
   * @private
   * @returns {import("./dom_patch.js").PatchObserver}
   */
  get observer() {
    return {
      beforeElUpdated: (fromEl, toEl) => {
        if (!this.hooks.beforeElUpdated(fromEl, toEl)) return false;
        this.bindings.beforeElUpdated(fromEl, toEl);
        this.scripts.beforeElUpdated(fromEl, toEl);
        return true;
      },
      nodeAdded: (el) => {
        this.scripts.nodeAdded(el);
        this.bindings.nodeAdded(el);
      },
      // Whenever `nodeAdded` tells another part, that part says here what it looks for.
      heedsAdded: (html) => this.scripts.heedsAdded(html) || this.bindings.heedsAdded(html),
      keepsFocusedValue: (el) => this.bindings.keepsFocusedValue(el),
      beforeNodeDiscarded: (el) => this.bindings.beforeNodeDiscarded(el),
    };
  }

  /**
   * Hand a pushed event to this view's hooks.
   *
   * @param {string} event
   * @param {unknown} payload
   */
  deliver(event, payload) {
    this.hooks.deliver(event, payload);
  }

  /** A hook module finished loading: its elements get mounted. */
  hooksLoaded() {
    this.hooks.mountPending();
  }

  /**
   * The widget's comm went away or came back.
   *
   * @param {boolean} live
   */
  setLive(live) {
    this.hooks.setLive(live);
    if (!this.connecting) this.root.classList.replace(live ? CLASS_PHX_ERROR : CLASS_PHX_CONNECTED, live ? CLASS_PHX_CONNECTED : CLASS_PHX_ERROR);
    else if (!live) this.root.classList.replace(CLASS_PHX_LOADING, CLASS_PHX_ERROR);
    // No answer will come for what is in flight: its elements are usable again.
    if (!live) this.bindings.loading.finishAll();
  }

  /**
   * Show an error box, replacing the one shown, if any.
   *
   * @param {ErrorInfo} error
   */
  showError(error) {
    this.errorBox?.remove();
    this.errorBox = errorBox(this.root.ownerDocument, error);
    this.root.insertBefore(this.errorBox, this.container);
  }

  /** Remove the view: hooks (`destroyed`), listeners, elements, and its place in the store. */
  destroy() {
    this.hooks.destroyAll();
    this.embeds.destroy();
    this.uploads.destroy();
    this.bindings.destroy();
    this.unbindLinks();
    this.viewport.destroy();
    this.store.detach(this);
    this.root.remove();
  }
}

/**
 * @param {Document} doc
 * @returns {HTMLElement}
 */
function connectingPlaceholder(doc) {
  const placeholder = doc.createElement("div");
  placeholder.className = CLASS_CONNECTING;
  placeholder.textContent = CONNECTING_TEXT;
  return placeholder;
}

/**
 * The error box: message, traceback (when there is one) and a dismiss button.
 * All text goes in as text, never as HTML.
 *
 * @param {Document} doc
 * @param {ErrorInfo} error
 * @returns {HTMLElement}
 */
function errorBox(doc, error) {
  const box = doc.createElement("div");
  box.className = CLASS_ERROR;
  box.setAttribute("role", "alert");

  const header = doc.createElement("div");
  header.className = CLASS_ERROR_HEADER;
  const message = doc.createElement("span");
  message.className = CLASS_ERROR_MESSAGE;
  message.textContent = error.message;
  const dismiss = doc.createElement("button");
  dismiss.type = "button";
  dismiss.className = CLASS_ERROR_DISMISS;
  dismiss.setAttribute("aria-label", "Dismiss");
  dismiss.title = "Dismiss";
  dismiss.textContent = "×";
  dismiss.addEventListener("click", () => box.remove());
  header.append(message, dismiss);
  box.append(header);

  if (error.traceback) {
    const traceback = doc.createElement("pre");
    traceback.className = CLASS_ERROR_TRACEBACK;
    traceback.textContent = error.traceback;
    box.append(traceback);
  }
  return box;
}
