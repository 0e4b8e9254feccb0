/**
 * The `_esm` of every LiveWidget: a small module that imports the frontend bundle (built from
 * `index.js`) once per page and hands `initialize` and `render` to it.
 *
 * The bundle is ~80 KB. Carried by every widget, a page of 50 widgets received, parsed and
 * evaluated it 50 times. Instead the kernel keeps one hidden "bundle" model per kernel
 * (`livewidget/_frontend.py`) whose `source` trait holds the bundle's text, and each widget
 * names it in its `_lw_bundle` trait (`"IPY_MODEL_<id>"`). The loader asks the page's widget
 * manager for that model and imports its source; the imported module is kept on `globalThis`
 * under the bundle's content digest, so every widget of the page with the same bundle shares
 * one evaluation, whichever kernel it comes from, and a page holding two versions keeps both.
 *
 * Where the widget manager cannot give the model (a frontend without `get_model`, a page
 * that closed the bundle's comm), the loader asks the widget's own kernel for the source with
 * one `{"k": "bundle"}` message, answered by `{"k": "bundle", "src": ...}`. It asks from
 * `render`, never from `initialize`: anywidget holds a model's custom messages back until its
 * `initialize` has returned, so an answer awaited there would never come. On that path the
 * bundle's own `initialize` is skipped (its views still share one store while shown). Where even that
 * would be too late (marimo), the kernel gives the widget the whole bundle as its `_esm`, and
 * this loader is not involved at all.
 *
 * The stylesheet travels the same way (the shared model's `css` trait) and is added once per
 * page, or per shadow root for a widget rendered inside one. Python writes the bundle's
 * digest into this module's text where `DIGEST` is defined.
 */

/** The bundle's content digest; `livewidget/_frontend.py` puts the real one in its place. */
const DIGEST = "__LIVEWIDGET_BUNDLE_DIGEST__";
/** The widget's trait naming the shared bundle model. */
const BUNDLE_TRAIT = "_lw_bundle";
/** Prefix of a widget reference in a serialized trait (ipywidgets' `widget_serialization`). */
const MODEL_REF = "IPY_MODEL_";
/** Message kind asking the kernel for the bundle's source, and of its answer. */
const BUNDLE_KIND = "bundle";
/** How long the loader waits for the shared model. */
const MODEL_WAIT_MS = 5_000;
/** How long the loader waits for the kernel's answer. */
const KERNEL_WAIT_MS = 15_000;
/** Where the page keeps the imported bundles, by digest (shared by every loader of the page). */
const CACHE = Symbol.for("livewidget.bundles");

/**
 * The part of anywidget's model the loader uses.
 *
 * @typedef {object} LoaderModel
 * @property {(name: string) => unknown} get
 * @property {(name: string, callback: (content: unknown) => void) => void} on
 * @property {(name: string, callback: (content: unknown) => void) => void} off
 * @property {(content: object) => void} send
 * @property {{get_model?: (id: string) => Promise<{get: (name: string) => unknown}>}} [widget_manager]
 */

/**
 * The bundle's module as anywidget would use it, and its stylesheet.
 *
 * @typedef {{default: {initialize?: (context: object) => unknown, render: (context: object) => unknown}}} BundleModule
 * @typedef {{module: BundleModule, css: string}} Bundle
 */

/**
 * The bundle's text as it comes, from the shared model or the kernel.
 *
 * @typedef {{source: string, css: string}} BundleText
 */

/**
 * The imported bundles of this page, by digest.
 *
 * @returns {Map<string, Promise<Bundle>>}
 */
function bundles() {
  const holder = /** @type {Record<symbol, Map<string, Promise<Bundle>>>} */ (/** @type {unknown} */ (globalThis));
  holder[CACHE] ??= new Map();
  return holder[CACHE];
}

/**
 * The bundle's module, imported at most once per page and digest.
 *
 * A failed import is forgotten, so the next widget tries again.
 *
 * @param {LoaderModel} model the widget's model
 * @param {boolean} askKernel whether to ask the kernel when the shared model fails
 * @param {string} [digest] the bundle's digest (tests give their own)
 * @param {(source: string) => Promise<unknown>} [importSource] imports module source text
 * @returns {Promise<Bundle>}
 */
export function loadBundle(model, askKernel, digest = DIGEST, importSource = importModuleSource) {
  const cache = bundles();
  let entry = cache.get(digest);
  if (!entry) {
    const loading = bundleText(model, digest, askKernel).then(async ({ source, css }) => {
      const module = /** @type {BundleModule} */ (await importSource(source));
      return { module, css };
    });
    entry = loading;
    cache.set(digest, loading);
    loading.catch(() => {
      if (cache.get(digest) === loading) cache.delete(digest);
    });
  }
  return entry;
}

/**
 * Import ES module source text from a Blob URL, as anywidget imports this loader (so
 * wherever the loader runs, Blob URL imports are allowed).
 *
 * @param {string} source
 * @returns {Promise<unknown>}
 */
async function importModuleSource(source) {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  try {
    return await import(/* webpackIgnore: true */ /* @vite-ignore */ url);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * The bundle's text: from the shared model, else (if `askKernel`) from the kernel.
 *
 * @param {LoaderModel} model
 * @param {string} digest
 * @param {boolean} askKernel
 * @returns {Promise<BundleText>}
 */
async function bundleText(model, digest, askKernel) {
  let why;
  try {
    const source = await fromSharedModel(model, digest);
    if (source !== null) return source;
    why = "the widget names no shared bundle model with this digest";
  } catch (error) {
    why = error instanceof Error ? error.message : String(error);
  }
  if (!askKernel) throw new Error(why);
  console.info(`[livewidget] asking the kernel for the frontend bundle (${why})`);
  return fromKernel(model);
}

/**
 * The text held by the shared bundle model the widget names, or null if it names none or
 * one of another digest.
 *
 * @param {LoaderModel} model
 * @param {string} digest
 * @returns {Promise<BundleText | null>}
 */
async function fromSharedModel(model, digest) {
  const ref = model.get(BUNDLE_TRAIT);
  const getModel = model.widget_manager?.get_model;
  if (typeof ref !== "string" || !ref.startsWith(MODEL_REF) || typeof getModel !== "function") return null;
  const shared = await withTimeout(getModel.call(model.widget_manager, ref.slice(MODEL_REF.length)), MODEL_WAIT_MS, "the shared bundle model");
  const source = shared.get("source");
  const css = shared.get("css");
  if (shared.get("digest") !== digest || typeof source !== "string" || !source) return null;
  return { source, css: typeof css === "string" ? css : "" };
}

/**
 * Ask the widget's kernel for the bundle's text.
 *
 * @param {LoaderModel} model
 * @returns {Promise<BundleText>}
 */
function fromKernel(model) {
  return new Promise((resolve, reject) => {
    /** @param {unknown} content */
    const onMessage = (content) => {
      const msg = /** @type {{k?: unknown, src?: unknown, css?: unknown}} */ (content);
      if (typeof msg !== "object" || msg === null || msg.k !== BUNDLE_KIND) return;
      done();
      if (typeof msg.src === "string" && msg.src) resolve({ source: msg.src, css: typeof msg.css === "string" ? msg.css : "" });
      else reject(new Error("the kernel's answer holds no bundle source"));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`the kernel did not send the frontend bundle within ${KERNEL_WAIT_MS / 1000} s`));
    }, KERNEL_WAIT_MS);
    const done = () => {
      clearTimeout(timer);
      model.off("msg:custom", onMessage);
    };
    model.on("msg:custom", onMessage);
    model.send({ k: BUNDLE_KIND });
  });
}

/**
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<T>}
 */
function withTimeout(promise, ms, what) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not come within ${ms / 1000} s`)), ms);
  });
  return /** @type {Promise<T>} */ (Promise.race([promise, timeout])).finally(() => clearTimeout(timer));
}

/**
 * Add the bundle's stylesheet where `el` shows, once: to its shadow root if it has one
 * (as anywidget does in marimo), else to the document's head.
 *
 * @param {HTMLElement} el
 * @param {string} css
 */
export function addStylesheet(el, css) {
  if (!css) return;
  const root = el.getRootNode();
  // A shadow root is a document fragment with a host (no global ShadowRoot needed).
  const shadow = root.nodeType === 11 && "host" in root ? /** @type {ShadowRoot} */ (root) : null;
  const id = `livewidget-css-${DIGEST}`;
  if ((shadow ?? el.ownerDocument).getElementById(id)) return;
  const style = el.ownerDocument.createElement("style");
  style.id = id;
  style.textContent = css;
  (shadow ?? el.ownerDocument.head).append(style);
}

/**
 * Show in the widget's element why it cannot start.
 *
 * @param {HTMLElement} el
 * @param {unknown} error
 */
function showFailure(el, error) {
  const box = document.createElement("pre");
  box.className = "lw-error";
  box.textContent = `livewidget could not load its frontend: ${error instanceof Error ? error.message : String(error)}`;
  el.replaceChildren(box);
}

export default {
  /** @param {{model: LoaderModel}} context */
  async initialize(context) {
    let bundle;
    try {
      bundle = await loadBundle(context.model, false);
    } catch {
      return undefined; // render asks the kernel
    }
    return bundle.module.default.initialize?.(context);
  },
  /** @param {{model: LoaderModel, el: HTMLElement}} context */
  async render(context) {
    let bundle;
    try {
      // A second try: the first may have awaited another widget's attempt without the kernel.
      bundle = await loadBundle(context.model, true).catch(() => loadBundle(context.model, true));
    } catch (error) {
      console.error("[livewidget] could not load the frontend bundle:", error);
      showFailure(context.el, error);
      return undefined;
    }
    addStylesheet(context.el, bundle.css);
    return bundle.module.default.render(context);
  },
};
