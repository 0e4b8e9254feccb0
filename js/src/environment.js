/**
 * What the widget takes from the page it runs in: the page's window (history, location,
 * `document.title`, the `phx:` window events) and the way a hook's ES module source is
 * turned into a module.
 *
 * Both are fields of one object so that tests can put a happy-dom window and a module
 * loader of their own in their place; nothing else in the package reads globals.
 *
 * Loading hook modules: anywidget itself loads the widget's `_esm` with a dynamic
 * `import()` of a Blob URL, so wherever this widget runs at all (JupyterLab, Notebook,
 * Voilà), Blob URL imports are allowed. That is the first choice here too; should it fail
 * for another reason than the source's own syntax (a page whose Content-Security-Policy
 * leaves out `blob:`, or Node, which cannot import `blob:` URLs), the same source is
 * imported from a `data:` URL instead.
 */

/**
 * @typedef {object} Environment
 * @property {Window | null} window the page's window, null where there is none
 * @property {(source: string) => Promise<unknown>} loadHookModule
 *   imports ES module source text; resolves to the module namespace object
 */

/**
 * Import ES module source text: from a Blob URL, falling back to a `data:` URL.
 *
 * @param {string} source the module's source text
 * @returns {Promise<unknown>} the module namespace
 */
export async function importModuleSource(source) {
  let blobError;
  try {
    return await importBlob(source);
  } catch (error) {
    // A syntax error fails the same way from any URL: no point in trying again.
    if (error instanceof SyntaxError) throw error;
    blobError = error;
  }
  try {
    return await import(/* webpackIgnore: true */ /* @vite-ignore */ dataUrl(source));
  } catch (error) {
    if (error instanceof SyntaxError) throw error;
    throw new Error(`could not import the module from a blob: URL (${describe(blobError)}) nor a data: URL (${describe(error)})`);
  }
}

/**
 * @param {string} source
 * @returns {Promise<unknown>}
 */
async function importBlob(source) {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  try {
    return await import(/* webpackIgnore: true */ /* @vite-ignore */ url);
  } finally {
    // The module is fetched and evaluated once; its URL is of no further use.
    URL.revokeObjectURL(url);
  }
}

/**
 * A `data:` URL holding `source` (percent-encoded, so any Unicode text survives).
 *
 * @param {string} source
 * @returns {string}
 */
export function dataUrl(source) {
  return `data:text/javascript;charset=utf-8,${encodeURIComponent(source)}`;
}

/** @param {unknown} error */
function describe(error) {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** @type {Environment} */
export const environment = {
  window: typeof window === "undefined" ? null : window,
  loadHookModule: importModuleSource,
};
