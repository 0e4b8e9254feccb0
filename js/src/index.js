/**
 * The anywidget module of livewidget: `export default { initialize, render }`.
 *
 * `initialize` runs once per frontend model: it gets the widget's store (by the `_lw_id`
 * trait), which shows the first reply of the widget's state or asks the kernel for the full
 * tree (`{"k": "join"}`), and keeps it up to date from then on. `render` runs once per
 * displayed view: it builds the view inside `el`, shows the current tree and binds the
 * `phx-*` events, links and hooks, and marks the notebook output area it shows in
 * (`live_area.js`). Each returns its cleanup function; the last one to run disposes of the
 * store.
 */

import { markLiveArea } from "./live_area.js";
import { acquireStore } from "./registry.js";
import { LiveViewElement } from "./view.js";

/** @typedef {import("./transport.js").AnyModel} AnyModel */

/**
 * Set up the model-level store (once per frontend model).
 *
 * @param {{model: AnyModel}} context
 * @returns {() => void} lets go of the store
 */
function initialize({ model }) {
  return acquireStore(model, { initializing: true }).release;
}

/**
 * Display one view of the widget in `el`.
 *
 * @param {{model: AnyModel, el: HTMLElement}} context
 * @returns {() => void} removes the view and its listeners
 */
function render({ model, el }) {
  const { store, release } = acquireStore(model);
  const view = new LiveViewElement(el, store);
  const unmark = markLiveArea(el);
  return () => {
    unmark();
    view.destroy();
    release();
  };
}

export default { initialize, render };
