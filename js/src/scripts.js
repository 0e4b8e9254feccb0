/**
 * Static `<script>` elements of a template run each time their element enters the page.
 *
 * A browser never runs a script that arrived through `innerHTML` (or a `<template>`), and
 * every patch parses its HTML that way, so a template's `<script>` would sit in the page
 * doing nothing. As in a dead render of LiveViewJS, a script runs when its element is added
 * to the page: on the first render, when a branch switch brings it in, when a row holding it
 * is added. A patch that keeps the element (morphdom matches it) does not run it again,
 * unless the patch changes what it runs (its text, `src` or `type`: two branches with a
 * different script at the same place), since that is another script entering the page.
 *
 * How: each patch reports the elements it added (`nodeAdded`); once the patch is done, each
 * new HTML `<script>` is swapped for a copy made with `document.createElement("script")`
 * (same attributes, same text), which the browser runs as it is inserted, modules included.
 * A copy made here is remembered, so it never runs twice, even when a later patch moves it
 * into a new element.
 *
 * Nothing from the assigns ever runs: the compiler refuses a `<script>` whose content holds
 * a template expression, and a URL attribute such as `src` from an assign has passed through
 * the URL check.
 * SVG `<script>` elements are left alone (they are another element, in another namespace).
 */

/** The namespace of HTML elements: only HTML `<script>` elements are run. */
const HTML_NAMESPACE = "http://www.w3.org/1999/xhtml";

/** Where HTML may hold a script element (tag names are case-insensitive). */
const SCRIPT_TAG = /<script/i;

/** The attributes that say what a script runs: a change to one makes it another script. */
const RUN_ATTRIBUTES = ["src", "type"];

/** The `<script>` elements added by patches, run once each patch is done. */
export class ScriptRunner {
  constructor() {
    /** @private Every element reported since the last run. @type {Set<Element>} */
    this.added = new Set();
    /** @private The reported elements whose parent was not reported (subtree roots). @type {Element[]} */
    this.roots = [];
    /** @private Kept scripts whose text, `src` or `type` a patch changed. @type {Element[]} */
    this.changed = [];
    /** @private The copies made here: already run, never again. @type {WeakSet<Element>} */
    this.ran = new WeakSet();
  }

  /**
   * An element of the page is about to be morphed into `toEl`: a script that will run
   * something else is noted, to run again once the patch is done.
   *
   * @param {Element} fromEl
   * @param {Element} toEl
   */
  beforeElUpdated(fromEl, toEl) {
    if (!isScript(fromEl)) return;
    const differs = (/** @type {string} */ name) => fromEl.getAttribute(name) !== toEl.getAttribute(name);
    if (fromEl.textContent !== toEl.textContent || RUN_ATTRIBUTES.some(differs)) this.changed.push(fromEl);
  }

  /**
   * Whether `nodeAdded` may matter for the elements of `html` once added: only if it holds a
   * script.
   *
   * @param {string} html
   */
  heedsAdded(html) {
    return SCRIPT_TAG.test(html);
  }

  /**
   * An element was added to the page (a new subtree's elements may each be reported, or only
   * its root: both are handled, and each script is looked for once).
   *
   * @param {Element} el
   */
  nodeAdded(el) {
    this.added.add(el);
    const parent = el.parentElement;
    if (!parent || !this.added.has(parent)) this.roots.push(el);
  }

  /**
   * Run the scripts the patches since the last call added and `container` still holds.
   *
   * @param {Element} container the view's element
   * @returns {number} how many scripts were started
   */
  run(container) {
    const roots = this.roots;
    const changed = this.changed;
    this.roots = [];
    this.changed = [];
    this.added.clear();
    let started = 0;
    for (const script of changed) {
      if (!container.contains(script)) continue;
      this.ran.add(runnable(script));
      started += 1;
    }
    for (const root of roots) {
      // Added, then removed again by the same update (a repaired patch): nothing to run.
      if (!container.contains(root)) continue;
      const scripts = isScript(root) ? [root] : Array.from(root.querySelectorAll("script"));
      for (const script of scripts) {
        if (!isScript(script) || this.ran.has(script)) continue;
        this.ran.add(runnable(script));
        started += 1;
      }
    }
    return started;
  }
}

/**
 * Whether `el` is an HTML `<script>` element.
 *
 * @param {Element} el
 * @returns {boolean}
 */
function isScript(el) {
  return el.localName === "script" && el.namespaceURI === HTML_NAMESPACE;
}

/**
 * Swap `script` (parsed, so inert) for a copy the browser runs as it is inserted.
 *
 * @param {Element} script
 * @returns {Element} the copy, now in the page where `script` was
 */
function runnable(script) {
  const copy = script.ownerDocument.createElement("script");
  for (const { name, value } of Array.from(script.attributes)) copy.setAttribute(name, value);
  copy.textContent = script.textContent;
  script.replaceWith(copy);
  return copy;
}
