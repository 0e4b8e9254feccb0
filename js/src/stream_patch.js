/**
 * A stream's instruction applied to the page in work proportional to the instruction.
 *
 * Merging a stream diff records the steps it took (`stream_rows.js`): rows removed, updated in
 * place, inserted before or after a row named by its DOM id. A view replays those steps on
 * the stream's container: the new rows' HTML is parsed in one go, each new element goes next
 * to the element of the row it was inserted beside, an updated row is morphed on its own
 * element (its hook stays and hears `updated`), a removed row's element leaves. The other
 * rows are not rendered, parsed, compared or even visited, as in Phoenix's client. A batch
 * appended after a row shown (a feed's) is parsed in place, where it goes (`placeRuns`).
 *
 * Each view keeps, per stream, its container element and the row elements by DOM id, built
 * once by reading the container's children (the first time, or after a patch of another
 * kind showed the stream) and kept up to date by the steps. The DOM ends up as a full render
 * makes it, whitespace between rows included. Whatever this cannot do on its own (a reset,
 * a stream that shows no row before or after, rows that are not one element with their DOM
 * id as id, rows holding components, a container with a hook or inside one, or inside an
 * element with `phx-update`) returns null before touching anything, and the view patches as
 * usual.
 */

import { holdsComponent } from "./components.js";
import { PHX_HOOK, PHX_UPDATE, UPDATE_STREAM } from "./constants.js";
import { patchElement } from "./dom_patch.js";
import { leavesFormattingOpen } from "./formatting.js";
import { elementsById } from "./ownership.js";
import { renderRowHTML } from "./rendered.js";
import { streamWork } from "./stream_rows.js";

/** @typedef {import("./streams.js").StreamState} StreamState */
/** @typedef {import("./stream_rows.js").Step} Step */
/** @typedef {import("./dom_patch.js").Morph} Morph */
/** @typedef {import("./dom_patch.js").PatchObserver} PatchObserver */

/**
 * One stream's container, as a view shows it.
 *
 * @typedef {object} StreamDom
 * @property {Element} el the container element
 * @property {Map<string, Element>} byId the row elements by DOM id
 * @property {number} version the stream version the elements show
 * @property {string} lead the whitespace before each row's element
 * @property {string} trail the whitespace after it
 */

/**
 * A stream's change between two trees.
 *
 * @typedef {object} StreamChange
 * @property {string[]} statics the rows' statics
 * @property {StreamState} before the stream on screen
 * @property {StreamState} after the stream now
 */

/**
 * @typedef {object} StreamPlan
 * @property {StreamDom} dom
 * @property {StreamState} after
 * @property {Map<Step, Element>} fresh the parsed element of each insert and update
 * @property {AppendedRun | null} run the batch's rows when they are one run appended after a
 *   row already shown (then `fresh` is empty)
 */

/**
 * A batch's new rows, appended one after another after a row shown before: parsed together
 * into the nodes that go in after that row, whitespace between them included.
 *
 * Parsed in place (`inPlace`: `nodes` is null until `placeRuns` put them after the anchor,
 * `elements` empty until then), or in a template at plan time.
 *
 * @typedef {object} AppendedRun
 * @property {string} anchor the DOM id of the row they go after
 * @property {DocumentFragment | null} nodes the rows' elements, each after its whitespace
 * @property {(Step & {row: unknown[]})[]} steps the inserts, in order
 * @property {Element[]} elements their elements, in the same order
 * @property {string} html the rows' HTML (for `observer.heedsAdded`)
 * @property {string | null} inPlace the HTML to parse after the anchor (each row's element
 *   after the separator), when the run is parsed in place
 */

/** Between rows parsed together. */
const ROW_BREAK = "lw-stream-row";

/**
 * Rows whose HTML holds these are parsed in a template, never in place. Parsing in the page
 * builds elements there at once: a custom element's callbacks (an autonomous one, or a
 * built-in one named with `is`) or a frame's load would run even when the parse is then
 * taken back (`placeRuns`). And a `<form>` parsed where a form is open above the container
 * is dropped (the parser's form pointer starts at that form), where a full render, having
 * closed it at the first row's `</form>`, keeps it.
 */
const NOT_IN_PLACE = /<(?:[a-z][^\s/>]*-|i?frame|fencedframe|object|embed|form)|<[^>]*\sis\s*=/i;

/** stream rows → view container → the stream's container in that view. @type {WeakMap<object, WeakMap<Element, StreamDom>>} */
const shown = new WeakMap();

/** The streams (their rows) whose runs are parsed in a template: one parsed in place was not one element per row. @type {WeakSet<object>} */
const inTemplate = new WeakSet();

/**
 * What to do to the page for one stream's change, or null when this module cannot do it
 * (nothing was touched).
 *
 * @param {Element} container the view's element
 * @param {StreamChange} change
 * @returns {StreamPlan | null}
 */
export function planStream(container, { statics, before, after }) {
  if (after.reset || after.rows !== before.rows || after.base !== before.version) return null;
  const steps = after.log;
  let count = 0;
  for (const step of steps) {
    if (step.op === "insert") {
      if (step.before === null && step.after === null) return null; // into an empty stream
      count += 1;
    } else if (step.op === "remove") count -= 1;
    if (step.op !== "remove" && holdsComponent(step.row)) return null;
  }
  const dom = containerOf(container, before, statics, steps[0], after.rows.size - count);
  if (dom === null || after.rows.size === 0) return null;
  // A hook sees its element whole (its `updated`, the copy it compares with), and an element
  // with `phx-update` above the container keeps its children: the full patch handles those.
  const owner = dom.el.parentElement?.closest(`[${PHX_HOOK}],[${PHX_UPDATE}]`);
  if (dom.el.hasAttribute(PHX_HOOK) || (owner && container.contains(owner))) return null;
  const changed = /** @type {(Step & {row: unknown[]})[]} */ (steps.filter((step) => step.op !== "remove"));
  const html = changed.map((step) => renderRowHTML(statics, step.row));
  const run = appendedRun(dom, steps, changed, html, inTemplate.has(after.rows));
  if (run !== null) return { dom, after, fresh: new Map(), run };
  // A row parsed on its own that leaves a `<b>` open: the parser would reopen it in all the
  // HTML after it on the page (rows not parsed again among it).
  if (html.some(leavesFormattingOpen)) return null;
  const fresh = parseRows(dom, changed, html);
  return fresh && { dom, after, fresh, run: null };
}

/**
 * Replay a stream's steps on its container.
 *
 * @param {StreamPlan} plan
 * @param {Morph} morph the patch, for rows updated in place
 * @param {PatchObserver} [observer]
 * @returns {unknown[][]} the rows it put on the page
 */
export function applyStreamPlan({ dom, after, fresh, run: appended }, morph, observer) {
  const separator = dom.trail + dom.lead;
  if (appended !== null) {
    // The run goes in first (one parsed in place is in already): a pruned row's separator is
    // then found beside the new rows as beside any other.
    const added = insertRun(dom, appended, observer);
    for (const step of after.log) if (step.op === "remove") removeRow(dom, step.id, separator, observer);
    dom.version = after.version;
    return added;
  }
  const doc = dom.el.ownerDocument;
  /** @type {unknown[][]} */
  const added = [];
  // Rows appended one after another go in together, after the row before the first of them.
  /** @type {{anchor: Element, rows: DocumentFragment, last: string, elements: Element[]} | null} */
  let run = null;
  const flush = () => {
    if (run === null) return;
    streamWork.insertions += 1;
    run.anchor.after(run.rows);
    if (observer?.nodeAdded) for (const el of run.elements) told(el, observer.nodeAdded);
    run = null;
  };
  for (const step of after.log) {
    if (step.op === "insert" && run !== null && step.after === run.last) {
      const source = /** @type {Element} */ (fresh.get(step));
      if (separator) run.rows.append(doc.createTextNode(separator));
      run.rows.append(source);
      run.elements.push(source);
      run.last = step.id;
      dom.byId.set(step.id, source);
      added.push(step.row);
      continue;
    }
    const el = dom.byId.get(step.id);
    if (step.op === "remove") {
      if (!el) continue;
      // A row pruned while new ones wait to go in (a batch under a `limit` drops a row after
      // each insert): the run goes on unless the row is where it goes or is part of it, so
      // the batch still goes in as one fragment. The DOM ends up the same either way.
      if (run !== null && (el === run.anchor || el.parentNode === run.rows)) flush();
      removeRow(dom, step.id, separator, observer);
      continue;
    }
    flush();
    const source = /** @type {Element} */ (fresh.get(step));
    added.push(step.row);
    if (step.op === "update") {
      if (el) patchElement(el, source, morph);
      continue;
    }
    const anchor = dom.byId.get(/** @type {string} */ (step.before ?? step.after));
    if (!anchor) continue; // cannot happen: the step's anchor was shown when it was taken
    dom.byId.set(step.id, source);
    if (step.before !== null) {
      streamWork.insertions += 1;
      if (separator) anchor.before(source, doc.createTextNode(separator));
      else anchor.before(source);
      if (observer?.nodeAdded) told(source, observer.nodeAdded);
      continue;
    }
    const rows = doc.createDocumentFragment();
    if (separator) rows.append(doc.createTextNode(separator));
    rows.append(source);
    run = { anchor, rows, last: step.id, elements: [source] };
  }
  flush();
  dom.version = after.version;
  return added;
}

/**
 * Remove a row's element and the whitespace beside it.
 *
 * @param {StreamDom} dom
 * @param {string} id the row's DOM id
 * @param {string} separator the whitespace between two rows
 * @param {PatchObserver} [observer]
 */
function removeRow(dom, id, separator, observer) {
  const el = dom.byId.get(id);
  if (!el) return;
  dom.byId.delete(id);
  if (separator) removeSeparator(dom, el, separator);
  // A `phx-remove` transition keeps the element until it ends (its binding removes it).
  if (observer?.beforeNodeDiscarded?.(el) ?? true) el.remove();
}

/**
 * Put an appended run's nodes in after its anchor row, in one insertion.
 *
 * @param {StreamDom} dom
 * @param {AppendedRun} run
 * @param {PatchObserver} [observer]
 * @returns {unknown[][]} the rows it put on the page
 */
function insertRun(dom, run, observer) {
  const anchor = /** @type {Element} */ (dom.byId.get(run.anchor));
  streamWork.insertions += 1;
  streamWork.runs += 1;
  if (run.nodes !== null) anchor.after(run.nodes);
  /** @type {unknown[][]} */
  const added = [];
  run.steps.forEach((step, i) => {
    dom.byId.set(step.id, run.elements[i]);
    added.push(step.row);
  });
  if (observer?.nodeAdded && (observer.heedsAdded?.(run.html) ?? true)) {
    for (const el of run.elements) told(el, observer.nodeAdded);
  }
  return added;
}

/**
 * Tell `nodeAdded` about a new row's element and each element inside it.
 *
 * @param {Element} el
 * @param {(el: Element) => void} nodeAdded
 */
function told(el, nodeAdded) {
  nodeAdded(el);
  if (el.firstElementChild !== null) for (const inner of Array.from(el.querySelectorAll("*"))) nodeAdded(inner);
}

/**
 * The view's record of a stream's container, as the stream was before this change; made from
 * the page (once: O(rows)) when the view has none for that version.
 *
 * @param {Element} container the view's element
 * @param {StreamState} before
 * @param {string[]} statics
 * @param {Step | undefined} first the change's first step (names a row shown before it)
 * @param {number} size how many rows the stream showed before the change
 * @returns {StreamDom | null}
 */
function containerOf(container, before, statics, first, size) {
  const known = recorded(container, before);
  if (known) return known;
  if (!first) return null;
  const id = first.op === "insert" ? first.before ?? first.after : first.id;
  return id === null ? null : indexContainer(container, before, statics, id, size);
}

/**
 * The view's record of a stream's container at the version of `state`, if it has one.
 *
 * @param {Element} container the view's element
 * @param {StreamState} state
 * @returns {StreamDom | null}
 */
function recorded(container, state) {
  const known = shown.get(state.rows)?.get(container);
  if (known && known.version === state.version && known.el.isConnected && container.contains(known.el)) return known;
  return null;
}

/**
 * Read a stream's container from the page (O(rows)) and record it for the view.
 *
 * @param {Element} container the view's element
 * @param {StreamState} state the stream the page shows
 * @param {string[]} statics
 * @param {string} id the DOM id of a row the page shows
 * @param {number} size how many rows the page shows
 * @returns {StreamDom | null} null when the page does not show one element per row, with an id
 */
function indexContainer(container, state, statics, id, size) {
  const row = elementsById(container, [id])[0];
  const el = row?.parentElement;
  if (!el || !container.contains(el) || el.getAttribute(PHX_UPDATE) !== UPDATE_STREAM) return null;
  /** @type {Map<string, Element>} */
  const byId = new Map();
  for (const child of Array.from(el.children)) {
    streamWork.indexed += 1;
    if (!child.id || byId.has(child.id)) return null;
    byId.set(child.id, child);
  }
  if (byId.size !== size) return null;
  // Each row's whitespace, from one row's HTML (a stream's rows share their statics): a row
  // of the stream as it is now (the store is past `state` when the batch removed rows).
  const firstChild = /** @type {Element} */ (el.firstElementChild);
  const someId = state.rows.firstId();
  const rowNow = someId === null ? undefined : state.rows.row(someId);
  if (!rowNow) return null;
  const { lead, trail } = whitespace(statics, rowNow);
  const next = firstChild.nextElementSibling;
  if (next && !separated(firstChild, next, trail + lead)) return null;
  const dom = { el, byId, version: state.version, lead, trail };
  let views = shown.get(state.rows);
  if (!views) shown.set(state.rows, (views = new WeakMap()));
  views.set(container, dom);
  return dom;
}

/**
 * The whitespace around a row's element.
 *
 * @param {string[]} statics
 * @param {unknown[]} row
 */
function whitespace(statics, row) {
  const html = renderRowHTML(statics, row);
  return { lead: /^\s*/.exec(html)?.[0] ?? "", trail: /\s*$/.exec(html)?.[0] ?? "" };
}

/**
 * For a patch around lists (`list_skip.js`): the whitespace before a stream's first row and
 * after its last (what its marker stands between), or null when it shows no row.
 *
 * @param {{s: string[]}} comprehension a stream's node
 * @param {StreamState} state
 */
export function streamWhitespace(comprehension, state) {
  const first = state.rows.firstId();
  const row = first === null ? undefined : state.rows.row(first);
  return row ? whitespace(comprehension.s, row) : null;
}

/**
 * For a patch around lists: the elements of a stream's first and last rows in this view, when
 * the view's record of the stream is at its version (the stream's last change was replayed
 * here); null when the page may show other rows (the patch then writes them all).
 *
 * @param {Element} container the view's element
 * @param {StreamState} state
 * @returns {{first: Element, last: Element} | null}
 */
export function streamEnds(container, state) {
  const { rows } = state;
  const firstId = rows.firstId();
  const lastId = rows.lastId();
  const dom = recorded(container, state);
  const first = firstId === null ? undefined : dom?.byId.get(firstId);
  const last = lastId === null ? undefined : dom?.byId.get(lastId);
  return first && last ? { first, last } : null;
}

/**
 * The element of each row, parsed together; null unless each is one element whose id is its
 * DOM id, with the stream's whitespace around it.
 *
 * @param {StreamDom} dom
 * @param {(Step & {row: unknown[]})[]} steps the inserts and updates
 * @param {string[]} rowsHTML the HTML of each of them
 * @returns {Map<Step, Element> | null}
 */
function parseRows(dom, steps, rowsHTML) {
  /** @type {Map<Step, Element>} */
  const fresh = new Map();
  if (steps.length === 0) return fresh;
  const template = dom.el.ownerDocument.createElement("template");
  template.innerHTML = rowsHTML.join(`<!--${ROW_BREAK}-->`);
  streamWork.parsed += steps.length;
  let index = 0;
  /** @type {Element | null} */
  let element = null;
  let before = "";
  let after = "";
  const nodes = Array.from(template.content.childNodes);
  for (let i = 0; i <= nodes.length; i++) {
    const node = nodes[i];
    if (node === undefined || (node.nodeType === 8 && node.nodeValue === ROW_BREAK)) {
      const step = steps[index];
      if (!step || !element || element.id !== step.id || before !== dom.lead || after !== dom.trail) return null;
      fresh.set(step, element);
      index += 1;
      element = null;
      before = after = "";
    } else if (node.nodeType === 1 && element === null) element = /** @type {Element} */ (node);
    else if (node.nodeType === 3 && !node.nodeValue?.trim()) {
      if (element === null) before += node.nodeValue;
      else after += node.nodeValue;
    } else return null;
  }
  return index === steps.length ? fresh : null;
}

/**
 * The batch's new rows parsed as one run, when they are all appended one after another after
 * a row shown before that the batch keeps (the usual batch of a feed, pruned or not); null
 * otherwise, or when their HTML is not one element per row, with its DOM id as id and the
 * stream's whitespace around it.
 *
 * The rows' HTML is parsed as a full render writes it, end to end: the text between two rows'
 * elements is one node, the previous row's trailing whitespace and the next one's leading
 * whitespace together, exactly as on the page. Only the run's two ends are then made to fit
 * between the anchor row and what follows it.
 *
 * @param {StreamDom} dom
 * @param {Step[]} steps all the batch's steps
 * @param {(Step & {row: unknown[]})[]} changed its inserts and updates
 * @param {string[]} rowsHTML the HTML of each of them
 * @param {boolean} inTemplate parse them in a template, not in place
 * @returns {AppendedRun | null}
 */
function appendedRun(dom, steps, changed, rowsHTML, inTemplate) {
  const first = changed[0];
  const anchor = first?.op === "insert" ? first.after : null;
  if (anchor === null || !dom.byId.has(anchor)) return null;
  /** @type {Set<string>} */
  const ids = new Set();
  let previous = anchor;
  for (const step of changed) {
    if (step.op !== "insert" || step.before !== null || step.after !== previous || ids.has(step.id)) return null;
    ids.add(step.id);
    previous = step.id;
  }
  // A pruned row the run goes after or a new row pruned again: the steps in order do that.
  for (const step of steps) if (step.op === "remove" && (step.id === anchor || ids.has(step.id))) return null;
  const html = rowsHTML.join("");
  // Parsed together, the rows show the `<b>` one leaves open in those after it, as a full
  // render does; only one still open after the last would reach the HTML after them.
  if (leavesFormattingOpen(html)) return null;
  const inPlace = inTemplate ? null : inPlaceHTML(dom, rowsHTML, html);
  if (inPlace !== null) return { anchor, nodes: null, steps: changed, elements: [], html, inPlace };
  const doc = dom.el.ownerDocument;
  const template = doc.createElement("template");
  template.innerHTML = html;
  const { lead, trail } = dom;
  const separator = trail + lead;
  const nodes = template.content.childNodes;
  /** @type {Element[]} */
  const elements = [];
  let at = 0;
  if (lead && !isText(nodes[at++], lead)) return null;
  for (const step of changed) {
    if (elements.length > 0 && separator && !isText(nodes[at++], separator)) return null;
    const node = nodes[at++];
    if (node?.nodeType !== 1 || /** @type {Element} */ (node).id !== step.id) return null;
    elements.push(/** @type {Element} */ (node));
  }
  if (trail && !isText(nodes[at++], trail)) return null;
  if (at !== nodes.length) return null;
  streamWork.parsed += changed.length;
  // Between the anchor and the first row: the whole separator, not the first row's lead alone.
  const content = template.content;
  if (lead) /** @type {Text} */ (content.firstChild).data = separator;
  else if (separator) content.prepend(doc.createTextNode(separator));
  // After the last row: the anchor's own trailing whitespace, already on the page.
  if (trail) /** @type {ChildNode} */ (content.lastChild).remove();
  return { anchor, nodes: content, steps: changed, elements, html, inPlace: null };
}

/**
 * The HTML that puts a run's rows after its anchor when parsed there: the separator before
 * each row's element, the anchor's own trailing whitespace being on the page already. Null
 * when the rows are not each their lead, their element and their trail, or hold what is
 * never parsed in place (`NOT_IN_PLACE`).
 *
 * @param {StreamDom} dom
 * @param {string[]} rowsHTML
 * @param {string} html the rows' HTML joined
 * @returns {string | null}
 */
function inPlaceHTML({ lead, trail }, rowsHTML, html) {
  if (NOT_IN_PLACE.test(html)) return null;
  const separator = trail + lead;
  let out = "";
  for (const row of rowsHTML) {
    if (!row.startsWith(lead) || !row.endsWith(trail) || row.length < lead.length + trail.length) return null;
    out += separator + row.slice(lead.length, row.length - trail.length);
  }
  return out;
}

/**
 * Parse the runs planned in place (`AppendedRun.inPlace`) where they go, after their anchor
 * rows, each in one `insertAdjacentHTML`: the page's own parser builds the nodes in the page,
 * which costs a third of a template's parse and its move into the page in Chromium. Each run
 * is checked as a template's is (one element per row, its DOM id as id, the separator before
 * each). When one is not, every run placed here is taken out again, that stream's runs are
 * parsed in a template from then on, and this returns false: nothing is left changed, and
 * the caller patches as usual.
 *
 * @param {StreamPlan[]} plans
 * @returns {boolean}
 */
export function placeRuns(plans) {
  /** @type {{anchor: Element, end: ChildNode | null}[]} */
  const placed = [];
  let rows = 0;
  for (const { dom, after, run } of plans) {
    if (run === null || run.inPlace === null) continue;
    const anchor = /** @type {Element} */ (dom.byId.get(run.anchor));
    const end = anchor.nextSibling;
    anchor.insertAdjacentHTML("afterend", run.inPlace);
    placed.push({ anchor, end });
    const elements = placedElements(anchor, end, run.steps, dom.trail + dom.lead);
    if (elements === null) {
      inTemplate.add(after.rows);
      for (const { anchor: at, end: stop } of placed) {
        for (let node = at.nextSibling; node !== null && node !== stop; node = at.nextSibling) node.remove();
      }
      return false;
    }
    run.elements = elements;
    rows += run.steps.length;
  }
  streamWork.parsed += rows;
  streamWork.inPlace += rows;
  return true;
}

/**
 * The elements of a run parsed after `anchor` (up to `end`), one per step with its DOM id as
 * id and `separator` before each; null when the parse gave anything else.
 *
 * @param {Element} anchor
 * @param {ChildNode | null} end
 * @param {Step[]} steps
 * @param {string} separator
 * @returns {Element[] | null}
 */
function placedElements(anchor, end, steps, separator) {
  /** @type {Element[]} */
  const elements = [];
  let node = anchor.nextSibling;
  for (const step of steps) {
    if (separator) {
      if (!node || node === end || !isText(node, separator)) return null;
      node = node.nextSibling;
    }
    if (!node || node === end || node.nodeType !== 1 || /** @type {Element} */ (node).id !== step.id) return null;
    elements.push(/** @type {Element} */ (node));
    node = node.nextSibling;
  }
  return node === end ? elements : null;
}

/**
 * @param {Node | undefined} node
 * @param {string} text
 */
function isText(node, text) {
  return node !== undefined && node.nodeType === 3 && node.nodeValue === text;
}

/**
 * Remove the whitespace between `el` and a neighbouring row: the one after it, or for the last
 * row the one before it.
 *
 * @param {StreamDom} dom
 * @param {Element} el a row's element, still on the page
 * @param {string} separator
 */
function removeSeparator(dom, el, separator) {
  const next = el.nextSibling;
  if (next?.nodeType === 3 && next.nodeValue === separator && isRow(dom, next.nextSibling)) {
    next.remove();
    return;
  }
  const previous = el.previousSibling;
  if (previous?.nodeType === 3 && previous.nodeValue === separator && isRow(dom, previous.previousSibling)) previous.remove();
}

/**
 * @param {StreamDom} dom
 * @param {Node | null} node
 */
function isRow(dom, node) {
  return node !== null && node.nodeType === 1 && dom.byId.get(/** @type {Element} */ (node).id) === node;
}

/**
 * Whether `next` follows `previous` with exactly `separator` between them.
 *
 * @param {Element} previous
 * @param {Element} next
 * @param {string} separator
 */
function separated(previous, next, separator) {
  const gap = previous.nextSibling;
  if (!separator) return gap === next;
  return gap !== null && gap.nodeType === 3 && gap.nodeValue === separator && gap.nextSibling === next;
}
