/**
 * The stores of the page, by widget.
 *
 * anywidget hands `initialize` and `render` a fresh proxy of the model each time, so the
 * proxy's identity cannot link a view to its store. The kernel syncs a unique `_lw_id`
 * trait instead (`livewidget/widget.py`), the same for every frontend model of a widget:
 * a module-level map goes from it to the store. `initialize` and every `render` each hold
 * the store (a view rendered first creates it, and so joins); the last to let go disposes
 * of it, and a later display makes a new one. Nothing is written to the model.
 */

import { TRAIT_ID } from "./constants.js";
import { logError } from "./log.js";
import { WidgetStore } from "./store.js";

/** @typedef {import("./transport.js").AnyModel} AnyModel */

/** The stores of the page by `_lw_id`, with how many holders each has. @type {Map<string, {store: WidgetStore, holders: number}>} */
const stores = new Map();

/**
 * Hold the store of a model's widget, creating it (and so joining) when none exists.
 *
 * @param {AnyModel} model
 * @param {{initializing?: boolean}} [options] `initializing`: called from anywidget's
 *   `initialize`, as the model is made (a store made then may defer its join)
 * @returns {{store: WidgetStore, release: () => void}} `release` lets go (once); the last
 *   holder's release disposes of the store
 */
export function acquireStore(model, { initializing = false } = {}) {
  const id = model.get(TRAIT_ID);
  if (typeof id !== "string" || !id) {
    logError(`the widget's model has no "${TRAIT_ID}"; its views cannot share a store`);
    const store = new WidgetStore(model, "");
    return { store, release: () => store.dispose() };
  }
  let entry = stores.get(id);
  if (!entry) {
    entry = { store: new WidgetStore(model, id, { deferJoin: initializing }), holders: 0 };
    stores.set(id, entry);
  }
  entry.holders += 1;
  const held = entry;
  let released = false;
  return {
    store: held.store,
    release() {
      if (released) return;
      released = true;
      held.holders -= 1;
      if (held.holders > 0) return;
      held.store.dispose();
      if (stores.get(id) === held) stores.delete(id);
    },
  };
}

/**
 * The store of a widget, if one is alive (for tests and debugging).
 *
 * @param {string} id the widget's `_lw_id`
 * @returns {WidgetStore | undefined}
 */
export function storeById(id) {
  return stores.get(id)?.store;
}
