/**
 * The model-level store: one per frontend model, shared by all its views.
 *
 * anywidget calls `initialize` once per model and `render` once per displayed view (a
 * widget shown in two cells has two views). The rendered tree lives here, at model level:
 * each message from the kernel is handled once, the HTML is built once, and every view
 * patches itself from it. A view created later renders the current tree at once.
 *
 * anywidget hands `initialize` and `render` a fresh proxy of the model each time, so the
 * proxy's identity cannot link a view to its store. `initialize` therefore also stores a
 * token in a frontend-only model attribute (never saved to the kernel by this package),
 * and `render` finds the store through it.
 */

import { JOIN, KIND } from "./constants.js";
import { logError } from "./log.js";
import { mergeDiff, toHTML } from "./rendered.js";
import { Transport } from "./transport.js";

/** @typedef {import("./transport.js").AnyModel} AnyModel */
/** @typedef {import("./transport.js").ErrorInfo} ErrorInfo */
/** @typedef {import("./transport.js").Inbound} Inbound */
/** @typedef {import("./rendered.js").Tree} Tree */

/**
 * What the store needs from a view.
 *
 * @typedef {object} ViewHandle
 * @property {(html: string) => void} update show this HTML
 * @property {(error: ErrorInfo) => void} showError show an error box
 */

/** The frontend-only model attribute linking `render` to the store of `initialize`. */
export const STORE_TOKEN_ATTRIBUTE = "_lw_frontend_store";

/** State and traffic of one frontend model. */
export class WidgetStore {
  /** @param {AnyModel} model */
  constructor(model) {
    /** The current tree, null until the first one arrives. @type {Tree | null} */
    this.tree = null;
    /** The HTML of the current tree, null until the first one arrives. @type {string | null} */
    this.html = null;
    /** @private @type {Set<ViewHandle>} */
    this.views = new Set();
    /** @private */
    this.transport = new Transport(model, (msg) => this.receive(msg));
    this.transport.send({ [KIND]: JOIN });
  }

  /**
   * Add a view; it is shown the current tree at once, if there is one.
   *
   * @param {ViewHandle} view
   */
  attach(view) {
    this.views.add(view);
    if (this.html !== null) view.update(this.html);
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
   * @returns {number | null} the event's ref
   */
  pushEvent(type, event, value) {
    return this.transport.pushEvent(type, event, value);
  }

  /**
   * Handle one checked message from the kernel.
   *
   * @private
   * @param {Inbound} msg
   */
  receive(msg) {
    if (msg.tree) {
      this.show(msg.tree);
    } else if (msg.diff) {
      if (this.tree === null) {
        logError("ignoring a diff that arrived before the first tree:", msg.diff);
      } else {
        this.show(mergeDiff(this.tree, msg.diff));
      }
    }
    if (msg.error) {
      for (const view of this.views) view.showError(msg.error);
    }
  }

  /**
   * @private
   * @param {Tree | null} tree
   */
  show(tree) {
    if (tree === null || tree === this.tree) return;
    this.tree = tree;
    this.html = toHTML(tree);
    for (const view of this.views) {
      try {
        view.update(this.html);
      } catch (error) {
        logError("a view failed to update:", error);
      }
    }
  }

  /** Stop listening to the model and forget the views. */
  dispose() {
    this.transport.close();
    this.views.clear();
  }
}

/** @type {WeakMap<object, WidgetStore>} */
const storesByModel = new WeakMap();
/** @type {Map<string, WidgetStore>} */
const storesByToken = new Map();
let lastToken = 0;

/**
 * Create the store of a model (anywidget's `initialize`).
 *
 * @param {AnyModel} model
 * @returns {() => void} disposes of the store
 */
export function createStore(model) {
  const store = new WidgetStore(model);
  const token = `lw-${Date.now().toString(36)}-${++lastToken}`;
  storesByModel.set(model, store);
  storesByToken.set(token, store);
  try {
    model.set(STORE_TOKEN_ATTRIBUTE, token);
  } catch (error) {
    logError("could not tag the model; views will look their store up by model:", error);
  }
  return () => {
    store.dispose();
    storesByModel.delete(model);
    storesByToken.delete(token);
  };
}

/**
 * The store of a model, created when `initialize` never ran for it.
 *
 * @param {AnyModel} model
 * @returns {WidgetStore}
 */
export function storeOf(model) {
  const known = storesByModel.get(model) ?? storesByToken.get(String(model.get(STORE_TOKEN_ATTRIBUTE)));
  if (known) return known;
  createStore(model);
  return /** @type {WidgetStore} */ (storesByModel.get(model));
}
