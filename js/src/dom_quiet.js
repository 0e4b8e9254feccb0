/**
 * Whether a view's DOM is still exactly as its last row patch left it.
 *
 * The row patch (`row_patch.js`) checks the elements of every row of a list before it patches
 * one of them: that they are all there, in order, with the same whitespace between them. That
 * check is proportional to the list, not to the change. Once a list has passed it, the check
 * is not needed again as long as nothing else has changed the view's children or text: a
 * MutationObserver on the view's element tells, synchronously (`takeRecords`), whether
 * anything did since the view's own patch last settled it. Anything at all (a hook adding a
 * node, a script, the full patch, someone removing a row) counts, and the next row patch
 * checks every row again, as before.
 */

/**
 * @typedef {object} Watch
 * @property {MutationObserver} observer
 * @property {boolean} touched whether something changed the DOM since `settle`
 */

/** container → what watches it. @type {WeakMap<Element, Watch>} */
const watches = new WeakMap();

/** What a watch observes: nodes added, removed or moved, and text changed, anywhere inside. */
const OPTIONS = { childList: true, subtree: true, characterData: true };

/**
 * Whether nothing changed the children or text of `container` since `settle(container)` was
 * last called. False when it was never called, or when the page has no MutationObserver.
 *
 * @param {Element} container
 * @returns {boolean}
 */
export function untouched(container) {
  const watch = watches.get(container);
  if (watch === undefined) return false;
  if (watch.observer.takeRecords().length > 0) watch.touched = true;
  return !watch.touched;
}

/**
 * The DOM of `container` is as the caller means it to be now: start watching it (once), and
 * forget the changes made so far (the caller's own).
 *
 * @param {Element} container
 */
export function settle(container) {
  let watch = watches.get(container);
  if (watch === undefined) {
    const Observer = container.ownerDocument.defaultView?.MutationObserver;
    if (typeof Observer !== "function") return;
    const made = /** @type {Watch} */ ({ touched: false });
    // Records not taken by `untouched` reach this callback after the task: they count too.
    made.observer = new Observer(() => {
      made.touched = true;
    });
    made.observer.observe(container, OPTIONS);
    watches.set(container, made);
    watch = made;
  }
  watch.observer.takeRecords();
  watch.touched = false;
}
