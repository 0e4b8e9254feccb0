/**
 * The anywidget module of livewidget: `export default { initialize, render }`.
 *
 * `initialize` runs once per frontend model: it creates the model's store, which asks the
 * kernel for the full tree (`{"k": "join"}`) and keeps it up to date from then on.
 * `render` runs once per displayed view: it builds the view inside `el`, shows the
 * current tree and binds the `phx-*` events. Each returns its cleanup function.
 */

import { createStore, storeOf } from "./store.js";
import { LiveViewElement } from "./view.js";

/** @typedef {import("./transport.js").AnyModel} AnyModel */

/**
 * Set up the model-level store (once per frontend model).
 *
 * @param {{model: AnyModel}} context
 * @returns {() => void} disposes of the store
 */
function initialize({ model }) {
  return createStore(model);
}

/**
 * Display one view of the widget in `el`.
 *
 * @param {{model: AnyModel, el: HTMLElement}} context
 * @returns {() => void} removes the view and its listeners
 */
function render({ model, el }) {
  const view = new LiveViewElement(el, storeOf(model));
  return () => view.destroy();
}

export default { initialize, render };
