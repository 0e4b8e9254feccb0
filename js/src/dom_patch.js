/**
 * Patching the DOM: morph a container's children into new HTML with morphdom.
 *
 * The existing nodes are updated in place wherever they match the new HTML, so element
 * identity, scroll positions and event listeners attached by others survive a render.
 * The container itself (its attributes and its own listeners) is never touched.
 *
 * The focused form control is special: the user is typing in it, and the server's render
 * may lag behind by a keystroke or two. Its focus, its caret or selection and the text
 * the user typed survive the patch, even when the server sent another `value`; its other
 * attributes (class, disabled, placeholder, …) still follow the server. Once it loses
 * focus, the next patch brings it fully in line with the server again.
 *
 * An element with `phx-update="ignore"` keeps its children (and what a hook or the user did
 * to them) through every patch; only its `data-*` attributes follow the server, as in Phoenix.
 * So does the placeholder of an embedded widget (`embed.js`) while it names the same widget.
 * One with `phx-update="append"` / `"prepend"` keeps the children it has and takes the new
 * ones last / first (`append_prepend.js`).
 */

import morphdom from "morphdom";
import { appendMode, mergeChildren } from "./append_prepend.js";
import { LIST_MARKER, PHX_UPDATE, SKIP_ATTRIBUTE, UPDATE_IGNORE } from "./constants.js";
import { keepsEmbed } from "./embed.js";
import { reopens } from "./formatting.js";

/** Tag names of the form controls whose user state is kept while they are focused. */
const FORM_CONTROLS = new Set(["INPUT", "TEXTAREA", "SELECT"]);

/** Attributes of a focused control that stay as the user left them. */
const USER_OWNED_ATTRIBUTES = new Set(["value"]);

/**
 * Who wants to hear about a patch as it runs (the view's hooks).
 *
 * @typedef {object} PatchObserver
 * @property {(fromEl: Element, toEl: Element) => boolean} beforeElUpdated
 *   an element of the page is about to be morphed into its new version (its attributes,
 *   then its children); called for every element kept, changed or not. Returning false
 *   leaves that element and its subtree exactly as they are
 * @property {(el: Element) => void} [nodeAdded] an element was added (each of a new
 *   subtree's elements too)
 * @property {(html: string) => boolean} [heedsAdded] whether `nodeAdded` may act on any
 *   element of this HTML once it is added (when false, a patch that knows the HTML of what
 *   it adds need not call it); true when absent
 * @property {(el: Element) => boolean} [beforeNodeDiscarded] an element is about to be
 *   removed; returning false keeps it for now
 * @property {(el: Element) => boolean} [keepsFocusedValue] whether the focused control `el`
 *   keeps what the user typed (default); false lets the kernel's value in (a form whose
 *   submission this patch answers)
 */

/**
 * Morph the children of `container` into `html`.
 *
 * @param {Element} container the element whose children are replaced
 * @param {string} html the new inner HTML
 * @param {PatchObserver} [observer] hears about each element before it is updated
 * @returns {boolean} false when a skip placeholder (see `row_skip.js`) found no element to
 *   keep and was inserted as is, or did not survive parsing: the caller must patch again
 *   with the full HTML (nothing was touched in the second case)
 */
export function patch(container, html, observer) {
  // The rows on screen may hold formatting elements a fresh parse would not reopen there.
  if (reopenedIn.has(container) && html.includes(PLACEHOLDER_END)) return false;
  const target = parseLike(container, html);
  // A row's element where the HTML parser drops it (a `<tr>` in a `<ul>`) was never on the
  // page: the row shows as what the parser kept of it (its text), which its placeholder,
  // dropped the same way, would silently take off the page.
  if (droppedPlaceholder(html, target)) return false;
  const morph = new Morph(container, observer);
  morphdom(container, target, { childrenOnly: true, ...morph.keyed(container, target) });
  return !morph.orphanPlaceholder;
}

/**
 * Morph one element of the page (its attributes, then its children) into `source`, the same
 * element as newly rendered; as `patch` does for each element it keeps.
 *
 * @param {Element} el an element of the page
 * @param {Element} source its new version (its children may be moved into the page)
 * @param {Morph} morph the patch this is part of
 */
export function patchElement(el, source, morph) {
  morphdom(el, source, morph.keyed(el, source));
}

/**
 * Parse `html` as the children of a detached copy of `container`, so that it is read in the
 * same context (a <tbody> container keeps its <tr> children, for instance).
 *
 * @param {Element} container
 * @param {string} html
 * @returns {Element}
 */
export function parseLike(container, html) {
  const target = /** @type {Element} */ (container.cloneNode(false));
  target.innerHTML = html;
  if (reopens(html, target)) reopenedIn.add(container);
  else if (!html.includes(PLACEHOLDER_END) && !html.includes(`<!--${LIST_MARKER}`)) reopenedIn.delete(container);
  return target;
}

/**
 * Containers whose page the HTML parser wrote more formatting elements into than the HTML
 * has start tags for: an element left open (`<b>` in `<div><b>x</div>`) reopened at the
 * text after it, inside later elements too (`<div id="r1"><b>y</b></div>`). What it
 * reopens depends on all the HTML before, so rows and lists kept on screen from such a
 * parse may differ from a fresh one: their container is patched with the full HTML
 * (`patch` asks for it; `list_skip.js` does not line up) until a full parse reopens none.
 *
 * @type {WeakSet<Element>}
 */
const reopenedIn = new WeakSet();

/**
 * Whether the DOM on screen in `container` may hold formatting elements the parser reopened
 * (see `reopenedIn`): rows kept as they are there may not be what a fresh parse makes.
 *
 * @param {Element} container
 */
export function holdsReopened(container) {
  return reopenedIn.has(container);
}

/** How each skip placeholder's start tag ends in the HTML (`row_skip.js` writes them). */
const PLACEHOLDER_END = ` ${SKIP_ATTRIBUTE}></`;

/**
 * Whether parsing `html` into `target` lost a skip placeholder. Counted in the HTML text: a
 * placeholder always ends its start tag this way, which escaped text or attribute values
 * never hold (their `>` is escaped); raw HTML that does only makes the caller patch with the
 * full HTML.
 *
 * @param {string} html
 * @param {Element} target
 */
function droppedPlaceholder(html, target) {
  let written = 0;
  for (let at = html.indexOf(PLACEHOLDER_END); at !== -1; at = html.indexOf(PLACEHOLDER_END, at + 1)) written += 1;
  return written > 0 && target.querySelectorAll(`[${SKIP_ATTRIBUTE}]`).length !== written;
}

/**
 * Bring the attributes of `el` in line with `source`.
 *
 * @param {Element} el
 * @param {Element} source
 */
export function syncAttributes(el, source) {
  for (const { name, value } of Array.from(source.attributes)) {
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  }
  for (const { name } of Array.from(el.attributes)) {
    if (!source.hasAttribute(name)) el.removeAttribute(name);
  }
}

/** One patch of a view: morphdom's callbacks, and what they noticed. */
export class Morph {
  /**
   * @param {Element} container the view's element (where focus is looked for)
   * @param {PatchObserver} [observer] hears about each element before it is updated
   */
  constructor(container, observer) {
    const focused = focusedElement(container);
    /**
     * Whether a skip placeholder (see `row_skip.js`) found no element to keep and was
     * inserted as is: the caller must patch again with the full HTML.
     */
    this.orphanPlaceholder = false;
    /** @private Ids that repeat in the running morphdom call's old or new elements. @type {Set<string>} */
    this.repeated = new Set();
    /** morphdom's options. */
    this.options = {
      /** @param {Node} node */
      onNodeAdded: (node) => {
        // A placeholder that matched no element was inserted as is (noticed here, rather
        // than by searching the whole container afterwards).
        const el = /** @type {Element} */ (node);
        if (el.nodeType === 1 && (el.hasAttribute(SKIP_ATTRIBUTE) || el.querySelector(`[${SKIP_ATTRIBUTE}]`))) {
          this.orphanPlaceholder = true;
        }
        if (el.nodeType === 1) observer?.nodeAdded?.(el);
        return node;
      },
      /** @param {Node} node */
      onBeforeNodeDiscarded: (node) => {
        if (node.nodeType !== 1 || !observer?.beforeNodeDiscarded) return true;
        return observer.beforeNodeDiscarded(/** @type {Element} */ (node));
      },
      /** @param {Element} fromEl @param {Element} toEl */
      onBeforeElUpdated: (fromEl, toEl) => {
        // An unchanged row: its element stays exactly as it is, subtree and hooks included.
        if (toEl.hasAttribute(SKIP_ATTRIBUTE)) {
          // Matched by position, not by id (see `keyed`): it may stand for another row.
          if (this.repeated.has(toEl.id)) this.orphanPlaceholder = true;
          return false;
        }
        if (fromEl.getAttribute(PHX_UPDATE) === UPDATE_IGNORE) {
          mergeDataAttributes(fromEl, toEl);
          return false;
        }
        // An embedded widget's placeholder (`embed.js`): its children are the widget's view.
        if (keepsEmbed(fromEl, toEl)) {
          syncAttributes(fromEl, toEl);
          return false;
        }
        if (observer && !observer.beforeElUpdated(fromEl, toEl)) return false;
        const mode = appendMode(toEl.getAttribute(PHX_UPDATE));
        if (mode !== null) {
          syncAttributes(fromEl, toEl);
          mergeChildren(fromEl, toEl, mode, this.childPatcher);
          return false;
        }
        if (fromEl === focused && FORM_CONTROLS.has(fromEl.tagName) && (observer?.keepsFocusedValue?.(fromEl) ?? true)) {
          mergeFocusedControl(fromEl, toEl);
          return false;
        }
        return true;
      },
    };
  }

  /**
   * How an append / prepend container's children are patched within this patch.
   *
   * @private
   * @returns {import("./append_prepend.js").ChildPatcher}
   */
  get childPatcher() {
    return {
      morph: (el, source) => patchElement(el, source, this),
      added: (el) => {
        for (const node of [el, ...Array.from(el.querySelectorAll("*"))]) this.options.onNodeAdded(node);
      },
      orphan: () => {
        this.orphanPlaceholder = true;
      },
    };
  }

  /**
   * morphdom's options for morphing `from` into `to`: elements match by id, except for ids
   * that repeat among the elements of either. morphdom's index keeps one element per id, so
   * with `<li id="x">` twice on the page (a loop with a constant id, a missing field) it
   * would keep or remove the wrong one and leave an extra element behind.
   *
   * @param {Element} from
   * @param {Element} to
   */
  keyed(from, to) {
    const repeated = new Set([...repeatedIds(from), ...repeatedIds(to)]);
    this.repeated = repeated;
    return {
      ...this.options,
      /** @param {Node} node */
      getNodeKey: (node) => {
        const id = node.nodeType === 1 ? /** @type {Element} */ (node).id : "";
        return id && !repeated.has(id) ? id : undefined;
      },
    };
  }
}

/**
 * The ids that more than one element inside `root` has.
 *
 * @param {Element} root
 * @returns {string[]}
 */
function repeatedIds(root) {
  const seen = new Set();
  const repeated = [];
  for (const el of Array.from(root.querySelectorAll("[id]"))) {
    if (seen.has(el.id)) repeated.push(el.id);
    else seen.add(el.id);
  }
  return repeated;
}

/**
 * The element that has focus in the document or shadow root holding `container`.
 *
 * @param {Element} container
 * @returns {Element | null}
 */
export function focusedElement(container) {
  const root = container.getRootNode();
  const active = "activeElement" in root ? /** @type {Document | ShadowRoot} */ (root).activeElement : null;
  return active && container.contains(active) ? active : null;
}

/**
 * Bring the attributes of a focused control in line with `source`, except those the user
 * owns, without touching its children (a textarea's text) or its value.
 *
 * @param {Element} target the focused control, in the page
 * @param {Element} source the same control as the server rendered it
 */
function mergeFocusedControl(target, source) {
  for (const { name, value } of Array.from(source.attributes)) {
    if (USER_OWNED_ATTRIBUTES.has(name)) continue;
    if (target.getAttribute(name) !== value) target.setAttribute(name, value);
  }
  for (const { name } of Array.from(target.attributes)) {
    if (USER_OWNED_ATTRIBUTES.has(name)) continue;
    if (!source.hasAttribute(name)) target.removeAttribute(name);
  }
}

/**
 * Bring the `data-*` attributes of an ignored element in line with `source`.
 *
 * @param {Element} target
 * @param {Element} source
 */
function mergeDataAttributes(target, source) {
  for (const { name, value } of Array.from(source.attributes)) {
    if (name.startsWith("data-") && target.getAttribute(name) !== value) target.setAttribute(name, value);
  }
  for (const { name } of Array.from(target.attributes)) {
    if (name.startsWith("data-") && !source.hasAttribute(name)) target.removeAttribute(name);
  }
}
