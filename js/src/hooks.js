/**
 * Client hooks: the ES modules a widget's views name in `phx-hook="Name"`.
 *
 * Messages carrying a whole tree (`"r"`) also carry `"h": {Name: "module source"}`, the
 * hooks of the widget and of its current view. Each source is imported once per page
 * (cached by its text, whichever widget sent it); its default export is the hook object,
 * the prototype of every hook instance (see `view_hooks.js`).
 *
 * A `HookLibrary` is one widget's table of names: it starts loading every source it is
 * given, answers which hook object a name stands for (null while loading, after a failure,
 * or for an unknown name), tells its owner when a module finished loading, so elements
 * that appeared meanwhile get mounted, and reports hooks that cannot be used.
 */

import { environment } from "./environment.js";
import { logError } from "./log.js";
import { isObject } from "./rendered.js";

/**
 * A hook object: the default export of a hook's module (`mounted`, `updated`, …).
 *
 * @typedef {{[key: string]: unknown}} HookObject
 */

/** @typedef {{hook: HookObject} | {error: string}} Loaded what importing one source gave */

/** Loads by source text: started once per page, settled ones kept for synchronous use. */
/** @type {Map<string, Promise<Loaded>>} */
const loading = new Map();
/** @type {Map<string, Loaded>} */
const loaded = new Map();

/**
 * Import a hook's source (once per source text) and check its default export.
 *
 * @param {string} source
 * @returns {Promise<Loaded>}
 */
export function loadHook(source) {
  let promise = loading.get(source);
  if (promise === undefined) {
    promise = (async () => {
      /** @type {Loaded} */
      let result;
      try {
        result = hookOf(await environment.loadHookModule(source));
      } catch (error) {
        result = { error: `its module failed to import: ${describeError(error)}` };
      }
      loaded.set(source, result);
      return result;
    })();
    loading.set(source, promise);
  }
  return promise;
}

/** Forget every loaded hook module (for tests that swap the module loader). */
export function resetHookCache() {
  loading.clear();
  loaded.clear();
}

/**
 * @param {unknown} module a module namespace
 * @returns {Loaded}
 */
function hookOf(module) {
  const hook = isObject(module) ? module.default : undefined;
  if (isObject(hook)) return { hook };
  const what = hook === undefined ? "has no default export" : `has a default export that is not an object (${typeof hook})`;
  return { error: `its module ${what}; write \`export default { mounted() { … } }\`` };
}

/**
 * @param {unknown} error
 * @returns {string}
 */
export function describeError(error) {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * @typedef {object} LibraryEvents
 * @property {(name: string) => void} onReady a hook's module finished loading
 * @property {(name: string, message: string) => void} onError a hook cannot be used
 */

/** The hooks one widget knows, by name. */
export class HookLibrary {
  /** @param {LibraryEvents} events */
  constructor(events) {
    /** @private */
    this.events = events;
    /** @private Source text by hook name. @type {Map<string, string>} */
    this.sources = new Map();
    /** @private Names already logged as unknown. @type {Set<string>} */
    this.unknownLogged = new Set();
    /** @private Failures already reported (`name\0source`). @type {Set<string>} */
    this.reported = new Set();
    /** @private */
    this.disposed = false;
  }

  /**
   * Take the hooks of a message's `"h"`: they replace the table, and the new sources
   * start loading.
   *
   * @param {unknown} value `{Name: "module source", ...}`
   */
  define(value) {
    if (!isObject(value)) {
      logError('ignoring hooks ("h") that are not an object of name → module source:', value);
      return;
    }
    /** @type {Map<string, string>} */
    const sources = new Map();
    for (const [name, source] of Object.entries(value)) {
      if (typeof source === "string") sources.set(name, source);
      else logError(`ignoring hook "${name}": its module source is not a string:`, source);
    }
    const previous = this.sources;
    this.sources = sources;
    for (const [name, source] of sources) {
      if (previous.get(name) === source) continue;
      const settled = loaded.get(source);
      if (settled) {
        if ("error" in settled) this.fail(name, source, settled.error);
        continue;
      }
      loadHook(source).then((result) => {
        if (this.disposed || this.sources.get(name) !== source) return;
        if ("error" in result) this.fail(name, source, result.error);
        else this.events.onReady(name);
      });
    }
  }

  /**
   * The hook object `name` stands for, or null: still loading, failed, or unknown
   * (an unknown name is logged once).
   *
   * @param {string} name
   * @returns {HookObject | null}
   */
  lookup(name) {
    const source = this.sources.get(name);
    if (source === undefined) {
      if (!this.unknownLogged.has(name)) {
        this.unknownLogged.add(name);
        const known = [...this.sources.keys()].join(", ") || "none";
        logError(`phx-hook="${name}" names an unknown hook (this widget's hooks: ${known})`);
      }
      return null;
    }
    const result = loaded.get(source);
    return result && "hook" in result ? result.hook : null;
  }

  /**
   * @private
   * @param {string} name
   * @param {string} source
   * @param {string} message
   */
  fail(name, source, message) {
    const key = `${name}\0${source}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.events.onError(name, message);
  }

  /** Stop reporting: the widget is gone. */
  dispose() {
    this.disposed = true;
  }
}
