/**
 * Infinite scroll: `phx-viewport-top` / `phx-viewport-bottom`, as in Phoenix LiveView.
 *
 *     <ul id="msgs" phx-update="stream" phx-viewport-bottom="load-more">…</ul>
 *
 * When the container's last child (first, for `phx-viewport-top`) enters the viewport, the
 * event named by the attribute is pushed with `{"id": <that child's id>}`. An
 * IntersectionObserver watches the child (it sees scrolling containers as well as the
 * window); after each patch the watched children follow the container's current first and
 * last, so a page of new rows moves the watch to the new edge. One event per edge is in
 * flight at a time, and an edge fires again only when it moves to another child or leaves
 * and re-enters the viewport: a server with no more rows ends the loading.
 */

import { PHX_VIEWPORT_BOTTOM, PHX_VIEWPORT_TOP } from "./constants.js";
import { takeChanges } from "./dom_quiet.js";
import { environment } from "./environment.js";

/**
 * @callback PushViewport
 * @param {string} event the event's name
 * @param {{id: string}} value its payload
 * @param {() => void} onAnswer called when the kernel answered it
 */

/**
 * @typedef {object} Watch one container with viewport bindings
 * @property {IntersectionObserver} observer
 * @property {Element | null} top the child watched for phx-viewport-top
 * @property {Element | null} bottom the child watched for phx-viewport-bottom
 * @property {Set<"top" | "bottom">} pending edges whose event is in flight
 */

export class Viewport {
  /**
   * @param {Element} container the view's element; its descendants carry the bindings
   * @param {PushViewport} push
   */
  constructor(container, push) {
    /** @private */
    this.container = container;
    /** @private */
    this.push = push;
    /** @private @type {Map<Element, Watch>} */
    this.watches = new Map();
  }

  /** After a patch: watch the current edges of every container with a viewport binding. */
  afterPatch() {
    const page = /** @type {{IntersectionObserver?: typeof IntersectionObserver} | null} */ (environment.window);
    const Observer = page?.IntersectionObserver;
    if (Observer === undefined) return; // no layout, no viewport (a test DOM without one)
    const found = this.bound();
    if (found === null) return; // nothing in the view changed: the edges are as they were
    for (const [el, watch] of this.watches) {
      if (!found.has(el) || !el.isConnected) {
        watch.observer.disconnect();
        this.watches.delete(el);
      }
    }
    for (const el of found) {
      let watch = this.watches.get(el);
      if (watch === undefined) {
        const observer = new Observer((/** @type {IntersectionObserverEntry[]} */ entries) => this.seen(el, entries));
        watch = { observer, top: null, bottom: null, pending: new Set() };
        this.watches.set(el, watch);
      }
      this.follow(watch, "top", el.hasAttribute(PHX_VIEWPORT_TOP) ? el.firstElementChild : null);
      this.follow(watch, "bottom", el.hasAttribute(PHX_VIEWPORT_BOTTOM) ? el.lastElementChild : null);
    }
  }

  /** Stop watching (the view is going away). */
  destroy() {
    for (const watch of this.watches.values()) watch.observer.disconnect();
    this.watches.clear();
  }

  /**
   * @private
   * The elements of the view with a viewport binding, or null when nothing changed since the
   * last patch. The whole view is searched once; after that only what the patches added, the
   * elements whose binding changed and those already watched are looked at, so a patch of
   * one row does not search a page of a thousand. What changed comes from the view's one
   * MutationObserver (`dom_quiet.js`, shared with the row patch).
   * @returns {Set<Element> | null}
   */
  bound() {
    const selector = `[${PHX_VIEWPORT_TOP}],[${PHX_VIEWPORT_BOTTOM}]`;
    const records = takeChanges(this.container);
    // The first patch, or a page without MutationObserver: the whole view.
    if (records === null) return new Set(this.container.querySelectorAll(selector));
    if (records.length === 0) return null;
    /** @type {Set<Element>} */
    const candidates = new Set(this.watches.keys());
    for (const record of records) {
      if (record.type === "attributes" && record.attributeName !== "id") candidates.add(/** @type {Element} */ (record.target));
      // A watched container whose children changed is already a candidate (its edges follow).
      for (const node of record.addedNodes) {
        if (node.nodeType !== 1) continue;
        const el = /** @type {Element} */ (node);
        if (el.matches(selector)) candidates.add(el);
        // Most added elements (a stream's rows) hold no binding: one look, no list made.
        if (el.firstElementChild === null || el.querySelector(selector) === null) continue;
        for (const inner of el.querySelectorAll(selector)) candidates.add(inner);
      }
    }
    const found = new Set();
    for (const el of candidates) {
      if (el.isConnected && this.container.contains(el) && el.matches(selector)) found.add(el);
    }
    return found;
  }

  /**
   * @private
   * @param {Watch} watch
   * @param {"top" | "bottom"} edge
   * @param {Element | null} child the child to watch now
   */
  follow(watch, edge, child) {
    const before = watch[edge];
    if (before === child) return;
    const other = edge === "top" ? watch.bottom : watch.top;
    if (before !== null && before !== other) watch.observer.unobserve(before);
    watch[edge] = child;
    // Observing reports the child's state at once: an edge already in view fires now.
    if (child !== null) watch.observer.observe(child);
  }

  /**
   * @private
   * @param {Element} el the container
   * @param {IntersectionObserverEntry[]} entries
   */
  seen(el, entries) {
    const watch = this.watches.get(el);
    if (watch === undefined) return;
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      for (const edge of /** @type {const} */ (["top", "bottom"])) {
        if (entry.target !== watch[edge] || watch.pending.has(edge)) continue;
        const event = el.getAttribute(edge === "top" ? PHX_VIEWPORT_TOP : PHX_VIEWPORT_BOTTOM);
        if (!event) continue;
        watch.pending.add(edge);
        this.push(event, { id: entry.target.id }, () => watch.pending.delete(edge));
      }
    }
  }
}
