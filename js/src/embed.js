/**
 * Other Jupyter widgets inside a view: the placeholders `{{ embed(w) }}` renders.
 *
 * A placeholder is an empty element carrying `data-lw-embed="<model id>"`. After each patch
 * the view calls `Embeds.afterPatch`: a placeholder seen for the first time gets one view of
 * that model, made by the page's widget manager and put inside it; a placeholder kept by the
 * patch keeps its view (morphdom leaves a placeholder's children alone while it names the
 * same model, see `keepsEmbed`), so the embedded widget is never re-created and never
 * flickers, whatever the view re-renders around it, and it moves with its element; a
 * placeholder that left the page, or now names another model, has its view removed.
 *
 * Placeholders inside an embedded widget (a LiveWidget inside a LiveWidget) belong to that
 * widget's own view, which keeps them itself.
 *
 * The widget manager is the one part that depends on the host. anywidget hands the model
 * proxy's `widget_manager` through as ipywidgets' manager (JupyterLab, Notebook 7 and
 * Voilà all use @jupyter-widgets/base's `ManagerBase`), though it says it may narrow it in a
 * later version: `displayWidget` is the one function that uses it.
 */

import { logError } from "./log.js";

/** The attribute naming the embedded widget's model id (`livewidget/template/_embed.py`). */
export const EMBED_ATTRIBUTE = "data-lw-embed";

/** The class of the text a placeholder shows when its widget cannot be shown. */
export const CLASS_EMBED_ERROR = "lw-embed-error";

const SELECTOR = `[${EMBED_ATTRIBUTE}]`;

/**
 * The part of ipywidgets' widget manager (`@jupyter-widgets/base`'s `ManagerBase`) used here.
 *
 * @typedef {object} WidgetManager
 * @property {(modelId: string) => Promise<unknown>} get_model the model of that id (may fail,
 *   or resolve to undefined, while its comm is still opening: see `modelOf`)
 * @property {(model: unknown, options?: object) => Promise<WidgetView>} create_view a new,
 *   rendered view of the model, not yet in the page
 */

/**
 * A view made by the widget manager: a Backbone view of `@jupyter-widgets/base`, with the
 * Lumino widget that JupyterLab uses to attach it.
 *
 * @typedef {object} WidgetView
 * @property {HTMLElement} el
 * @property {() => void} remove
 * @property {LuminoWidget} [luminoWidget] ipywidgets 8
 * @property {LuminoWidget} [pWidget] ipywidgets 7
 */

/**
 * @typedef {object} LuminoWidget
 * @property {HTMLElement} node
 * @property {(msg: {type: string}) => void} processMessage
 * @property {boolean} [isAttached]
 */

/**
 * Whether morphdom must leave the page's `fromEl` and its children as they are: both it and
 * its new version are placeholders of the same widget. (The placeholder's own attributes
 * still follow the kernel: the caller syncs them.)
 *
 * @param {Element} fromEl
 * @param {Element} toEl
 */
export function keepsEmbed(fromEl, toEl) {
  const id = fromEl.getAttribute(EMBED_ATTRIBUTE);
  return id !== null && id === toEl.getAttribute(EMBED_ATTRIBUTE);
}

/**
 * The widget manager of the page, read from what a view has of its model, or undefined
 * where there is none (a host without ipywidgets' manager, the unit tests' fake model).
 *
 * @param {unknown} store the view's store, whose `model` is anywidget's model proxy
 * @returns {WidgetManager | undefined}
 */
export function managerOf(store) {
  const model = /** @type {{model?: {widget_manager?: Partial<WidgetManager>}}} */ (store).model;
  const manager = model?.widget_manager;
  return manager && typeof manager.get_model === "function" && typeof manager.create_view === "function"
    ? /** @type {WidgetManager} */ (manager)
    : undefined;
}

/**
 * How long a model that is not in the manager yet is waited for: `tries` calls of
 * `get_model`, `step` ms apart.
 *
 * @typedef {object} ModelWait
 * @property {number} tries
 * @property {number} step
 */

/**
 * Two seconds, as ipywidgets 8.1's own `get_model` waits for a model whose comm is still
 * opening. Older managers (Voilà 0.5 bundles one) fail at once instead, and ipywidgets 7's
 * resolve to undefined: both are waited for here, so an embed never depends on which
 * manager the host ships.
 *
 * @type {ModelWait}
 */
export const MODEL_WAIT = Object.freeze({ tries: 20, step: 100 });

/**
 * The model `modelId` of `manager`, waiting for it as `wait` says if it is not there yet.
 * Rejects with the manager's own error (or "widget model not found") when it never comes.
 *
 * @param {WidgetManager} manager
 * @param {string} modelId
 * @param {ModelWait} wait
 * @returns {Promise<unknown>}
 */
export async function modelOf(manager, modelId, wait) {
  /** @type {unknown} */
  let failure = new Error("widget model not found");
  for (let attempt = 1; ; attempt++) {
    try {
      const model = await manager.get_model(modelId);
      if (model !== undefined) return model;
    } catch (error) {
      failure = error;
    }
    if (attempt >= wait.tries) throw failure;
    await new Promise((resolve) => setTimeout(resolve, wait.step));
  }
}

/**
 * Make a view of model `modelId` with `manager` and attach it inside `host`, as JupyterLab
 * attaches a widget's view to an output (the Lumino attach messages around the insertion,
 * which ipywidgets views turn into their `displayed` event). Returns a function removing it.
 *
 * @param {WidgetManager} manager
 * @param {string} modelId
 * @param {HTMLElement} host the placeholder
 * @param {ModelWait} [wait] how long a model not yet in the manager is waited for
 * @returns {Promise<() => void>}
 */
export async function displayWidget(manager, modelId, host, wait = MODEL_WAIT) {
  const model = await modelOf(manager, modelId, wait);
  const view = await manager.create_view(model, {});
  const lumino = view.luminoWidget ?? view.pWidget;
  const send = (/** @type {string} */ type) => lumino?.processMessage({ type });
  send("before-attach");
  host.append(lumino?.node ?? view.el);
  send("after-attach");
  return () => {
    // Detached first, as Lumino would: disposing of a view whose node already left the
    // page (its placeholder was removed) must not make Lumino detach it again.
    if (lumino?.isAttached !== false) send("before-detach");
    (lumino?.node ?? view.el).remove();
    if (lumino?.isAttached !== false) send("after-detach");
    view.remove();
  };
}

/** The embedded widgets of one view. */
export class Embeds {
  /**
   * @param {Element} container the view's element (placeholders are looked for inside)
   * @param {() => WidgetManager | undefined} manager the page's widget manager, if any
   * @param {typeof displayWidget} [display] how a view is made (a fake in tests)
   */
  constructor(container, manager, display = displayWidget) {
    /** @private */
    this.container = container;
    /** @private */
    this.manager = manager;
    /** @private */
    this.display = display;
    /** The embedded views, by placeholder. @type {Map<Element, EmbeddedView>} */
    this.shown = new Map();
  }

  /** Give each new placeholder its view; remove the views whose placeholder is gone. */
  afterPatch() {
    const seen = new Set();
    for (const el of Array.from(this.container.querySelectorAll(SELECTOR))) {
      if (!this.ownsPlaceholder(el)) continue;
      seen.add(el);
      const id = /** @type {string} */ (el.getAttribute(EMBED_ATTRIBUTE));
      const shown = this.shown.get(el);
      if (shown?.modelId === id) continue;
      shown?.dispose();
      this.shown.set(el, new EmbeddedView(/** @type {HTMLElement} */ (el), id, this.manager(), this.display));
    }
    for (const [el, shown] of this.shown) {
      if (seen.has(el)) continue;
      shown.dispose();
      this.shown.delete(el);
    }
  }

  /** Remove every embedded view (the view is being removed). */
  destroy() {
    for (const shown of this.shown.values()) shown.dispose();
    this.shown.clear();
  }

  /**
   * Whether placeholder `el` is this view's own, not one inside an embedded widget.
   *
   * @private
   * @param {Element} el
   */
  ownsPlaceholder(el) {
    const outer = el.parentElement?.closest(SELECTOR);
    return !outer || !this.container.contains(outer);
  }
}

/** One embedded widget's view, in its placeholder; it may still be on its way. */
export class EmbeddedView {
  /**
   * @param {HTMLElement} el the placeholder
   * @param {string} modelId
   * @param {WidgetManager | undefined} manager
   * @param {typeof displayWidget} display
   */
  constructor(el, modelId, manager, display) {
    /** The model this view shows. */
    this.modelId = modelId;
    /** @private */
    this.el = el;
    /** @private Removes the view once it is made. @type {(() => void) | null} */
    this.remove = null;
    /** @private */
    this.disposed = false;
    /** Settles when the view is shown (or failed, or was disposed of first). */
    this.ready = manager ? this.show(manager, display) : Promise.resolve(this.fail("no Jupyter widget manager on this page"));
  }

  /**
   * @private
   * @param {WidgetManager} manager
   * @param {typeof displayWidget} display
   */
  async show(manager, display) {
    try {
      const remove = await display(manager, this.modelId, this.el);
      // The placeholder left before the view was made: the view goes at once.
      if (this.disposed) remove();
      else this.remove = remove;
    } catch (error) {
      if (!this.disposed) this.fail(String(error), error);
    }
  }

  /**
   * Say in the placeholder that the widget cannot be shown.
   *
   * @private
   * @param {string} reason
   * @param {unknown} [error]
   */
  fail(reason, error) {
    logError(`cannot show the embedded widget ${this.modelId}: ${reason}`, ...(error === undefined ? [] : [error]));
    const note = this.el.ownerDocument.createElement("span");
    note.className = CLASS_EMBED_ERROR;
    note.textContent = `This widget cannot be shown here (${reason}).`;
    this.el.replaceChildren(note);
  }

  /** Remove the view (now, or as soon as it is made). */
  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    try {
      this.remove?.();
    } catch (error) {
      logError(`removing the embedded widget ${this.modelId} failed`, error);
    }
    this.remove = null;
    this.el.querySelector(`:scope > .${CLASS_EMBED_ERROR}`)?.remove();
  }
}
