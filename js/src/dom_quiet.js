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
 *
 * The lists checked are recorded here, by their rows (`checkedLists`), for the row patch and
 * for the patch around lists (`list_skip.js`), which then steps over a list's rows from its
 * first element to its last instead of reading each one.
 *
 * The same observer tells `viewport.js` what a patch changed (`takeChanges`): one observer per
 * view rather than one per reader, since each observer makes every node a patch adds or
 * removes cost a record (a stream batch under a limit removes 100 rows and adds 100).
 */

import { PHX_VIEWPORT_BOTTOM, PHX_VIEWPORT_TOP } from "./constants.js";

/**
 * A list whose rows' elements were all checked by the row patch, and patched in since.
 *
 * @typedef {object} Checked
 * @property {Element} parent the element holding the rows
 * @property {string} lead the whitespace before each row's element
 * @property {string} trail the whitespace after each row's element
 * @property {Set<string>} ids the rows' ids (owned: the next patch updates it in place)
 */

/** container → its lists checked, by their rows. @type {WeakMap<Element, WeakMap<unknown[], Checked>>} */
const checked = new WeakMap();

/**
 * The lists of `container` checked by its row patch, by their rows, as long as nothing has
 * changed its DOM since that patch settled it (an empty record otherwise, from then on).
 *
 * @param {Element} container
 * @returns {WeakMap<unknown[], Checked>}
 */
export function checkedLists(container) {
  let lists = checked.get(container);
  if (lists === undefined || !untouched(container)) {
    lists = new WeakMap();
    checked.set(container, lists);
  }
  return lists;
}

/**
 * @typedef {object} Watch
 * @property {MutationObserver} observer
 * @property {boolean} touched whether something changed the DOM since `settle`
 * @property {MutationRecord[] | null} records the records taken since `takeChanges` last
 *   read them (null until it first asks)
 */

/** container → what watches it. @type {WeakMap<Element, Watch>} */
const watches = new WeakMap();

/**
 * What a watch observes, anywhere inside: nodes added, removed or moved, text changed, ids
 * (by which rows are found) and the viewport bindings (for `takeChanges`). Not other
 * attributes: JS commands and loading states set classes on rows all the time, and the
 * patches carry those over.
 */
const OPTIONS = {
  childList: true,
  subtree: true,
  characterData: true,
  attributes: true,
  attributeFilter: ["id", PHX_VIEWPORT_TOP, PHX_VIEWPORT_BOTTOM],
};

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
  take(watch);
  return !watch.touched;
}

/**
 * The DOM of `container` is as the caller means it to be now: start watching it (once), and
 * forget the changes made so far (the caller's own).
 *
 * @param {Element} container
 */
export function settle(container) {
  const watch = watchOf(container);
  if (watch === undefined) return;
  take(watch);
  watch.touched = false;
}

/**
 * What changed in `container` (nodes added or removed, ids and viewport bindings set) since
 * the last call, as MutationRecords; null on the first call (nothing was kept before it:
 * search the whole view) and on a page without MutationObserver. Records delivered to the
 * observer's callback after a task (changes made outside a patch, by a hook or a script)
 * are not kept: as before, a reader looks at what the patches did.
 *
 * @param {Element} container
 * @returns {MutationRecord[] | null}
 */
export function takeChanges(container) {
  const watch = watchOf(container);
  if (watch === undefined) return null;
  if (watch.records === null) {
    take(watch);
    watch.records = [];
    return null;
  }
  take(watch);
  const records = watch.records;
  watch.records = [];
  return records;
}

/**
 * The watch of `container`, started on the first call; undefined on a page without
 * MutationObserver.
 *
 * @param {Element} container
 * @returns {Watch | undefined}
 */
function watchOf(container) {
  const known = watches.get(container);
  if (known !== undefined) return known;
  const Observer = container.ownerDocument.defaultView?.MutationObserver;
  if (typeof Observer !== "function") return undefined;
  // Untouched only from the first `settle` on.
  const made = /** @type {Watch} */ ({ touched: true, records: null });
  // Records not taken by `untouched` reach this callback after the task: they count too.
  made.observer = new Observer(() => {
    made.touched = true;
  });
  made.observer.observe(container, OPTIONS);
  watches.set(container, made);
  return made;
}

/**
 * Take the records queued so far: any means the DOM was touched; they are kept for
 * `takeChanges` once it has asked.
 *
 * @param {Watch} watch
 */
function take(watch) {
  const taken = watch.observer.takeRecords();
  if (taken.length === 0) return;
  watch.touched = true;
  if (watch.records !== null) for (const record of taken) watch.records.push(record);
}

/**
 * The DOM of `container` is as the caller means it to be now, and these lists, by their
 * rows, are on screen as checked; no other list is (those checked before may have been
 * patched over).
 *
 * @param {Element} container
 * @param {[unknown[], Checked][]} lists
 */
export function settleChecked(container, lists) {
  checked.set(container, new WeakMap(lists));
  settle(container);
}
