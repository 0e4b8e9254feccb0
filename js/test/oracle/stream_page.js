/**
 * What a page shows after Phoenix's client patched it with streams, for the oracles.
 *
 * Phoenix's `Rendered.toString()` gives the HTML of a stream's *new* rows only, plus the
 * stream instructions it read (`[ref, inserts, deletes, reset]`); its DOM patch
 * (`dom_patch.ts`) then puts them in place inside the `phx-update="stream"` container and
 * keeps the rows already there. `StreamPage` follows those rules on a happy-dom page,
 * written from `dom_patch.ts` (addChild, maybeReOrderStream, maybeLimitStream,
 * removeStreamChildElement): reset removes the stream's rows, deletes remove rows by id, and
 * each new row, in order, updates the row of the same id where it is or, when new, goes to
 * child index `at` (-1 last, 0 first), after which `limit` prunes the container's children.
 * Only the stream rules are simulated; the rest of the page is the new HTML as it is.
 */

import { Window } from "happy-dom";

/** @typedef {[string, StreamInsert[], string[], unknown?]} Stream */
/** @typedef {[string, number, number | null, boolean]} StreamInsert */

export class StreamPage {
  constructor() {
    const window = new Window({ url: "http://localhost/" });
    /** @private */
    this.document = window.document;
    /** @private The page: its children are what a view shows. */
    this.page = this.document.createElement("div");
    /** @private Which stream (ref) each row on the page belongs to, by id. @type {Map<string, string>} */
    this.refs = new Map();
  }

  /**
   * Patch the page with Phoenix's output for one message and return the page's HTML.
   *
   * @param {string} html what `toString().buffer` gave
   * @param {Iterable<Stream>} streams what `toString().streams` gave
   * @returns {string}
   */
  patch(html, streams) {
    const next = this.document.createElement("div");
    next.innerHTML = html;
    /** @type {Map<string, {ref: string, at: number, limit: number | null, updateOnly: boolean}>} */
    const inserts = new Map();
    /** @type {Set<string>} */
    const resets = new Set();
    /** @type {string[]} */
    const deletes = [];
    for (const [ref, streamInserts, deleteIds, reset] of streams) {
      for (const [id, at, limit, updateOnly] of streamInserts) inserts.set(id, { ref, at, limit, updateOnly });
      if (reset !== undefined) resets.add(ref);
      deletes.push(...deleteIds);
    }
    for (const container of Array.from(next.querySelectorAll('[phx-update="stream"]'))) {
      const old = container.id ? this.page.querySelector(`[id="${container.id}"]`) : null;
      const kept = old ? Array.from(old.children) : [];
      // Removed before the rows are placed (Phoenix: before morphdom runs).
      let children = kept.filter((child) => !resets.has(this.refs.get(child.id) ?? "") && !deletes.includes(child.id));
      for (const row of Array.from(container.children)) {
        const insert = inserts.get(row.id);
        if (insert === undefined) continue;
        const index = children.findIndex((child) => child.id === row.id);
        if (index >= 0) {
          children[index] = row; // updated where it is
          continue;
        }
        if (insert.updateOnly) continue;
        this.refs.set(row.id, insert.ref);
        if (insert.at === -1 || insert.at >= children.length) children.push(row);
        else children.splice(insert.at, 0, row);
        if (insert.limit !== null) {
          if (insert.limit < 0 && children.length > -insert.limit) children = children.slice(children.length + insert.limit);
          else if (insert.limit >= 0 && children.length > insert.limit) children = children.slice(0, insert.limit);
        }
      }
      container.replaceChildren(...children);
    }
    this.page = next;
    return next.innerHTML;
  }
}
