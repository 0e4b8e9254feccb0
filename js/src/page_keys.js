/**
 * Which widget the keys of a page belong to, and keeping them from the notebook around it.
 *
 * Many widgets share one page, and in JupyterLab and Notebook 7 the page is a notebook whose
 * keyboard shortcuts (`a`, `b`, `dd`, arrows) listen on the document: Lab in the bubble phase,
 * Notebook 7 in the capture phase, where nothing below the document can stop them. Both run
 * their shortcuts through Lumino's command registry, which skips every element inside one
 * carrying `data-lm-suppress-shortcuts`. So, while the focus is inside a widget:
 *
 * - every keydown is first seen here (a window listener in the capture phase, ahead of both
 *   notebooks); if the widget takes the key, the focused element and the widget's root get that
 *   attribute for the key's dispatch, and no notebook shortcut matches. The widget takes every key except a modifier
 *   shortcut (Ctrl, Cmd or Alt held, or Shift+Enter) that none of its bindings names with
 *   `phx-key`: Ctrl/Cmd+S still saves and Shift+Enter still runs the cell;
 * - JupyterLab cancels the `beforeinput` of a line break inside a cell (so that Shift+Enter runs
 *   the cell without a newline in it); that also cancels a text field's implicit form
 *   submission on Enter and a textarea's newline. For a key the widget takes, that
 *   `beforeinput` is kept from Lab's listener (`stopLineBreakGuard`).
 *
 * `phx-window-*` key bindings with several widgets on one page (`receives`): the keys go to the
 * widget that has the focus; when no widget has it, to the widget last clicked or focused; when
 * none was yet, to every widget (a one-view page answers keys from the first press, as a
 * Phoenix page does). Keys typed into a text field, editor or `select` outside every widget
 * (a notebook cell, another library's input) go to none.
 *
 * None of this needs to know which frontend it runs in: Voilà has no shortcuts to suppress, and
 * the attribute and the guard are inert there.
 */

import { CLASS_ROOT } from "./constants.js";

/** The attribute Lumino's command registry reads: no shortcut matches inside such an element. */
export const SUPPRESS_SHORTCUTS = "data-lm-suppress-shortcuts";

/**
 * Whether the widget of `root` binds the key of this keydown (a binding names it with
 * `phx-key`), for modifier shortcuts, which otherwise reach the notebook.
 *
 * @callback BindsKey
 * @param {KeyboardEvent} e
 * @returns {boolean}
 */

/** The widgets of one page and the keys they take. */
export class PageKeys {
  /** @param {Window} win */
  constructor(win) {
    /** @private */
    this.win = win;
    /** @private The registered roots, with what each binds. @type {Map<Element, BindsKey>} */
    this.roots = new Map();
    /** @private The root last clicked or focused inside. @type {Element | null} */
    this.last = null;
    /** Whether the latest keydown was taken by a widget (its line break is the widget's). */
    this.claimed = false;
    /** @private Elements given the attribute for the key being dispatched. @type {Element[]} */
    this.marked = [];
    /** @private @type {[string, (e: Event) => void][]} */
    this.listeners = [
      ["keydown", (e) => this.onKeydown(/** @type {KeyboardEvent} */ (e))],
      ["pointerdown", (e) => this.onInteract(e)],
      ["focusin", (e) => this.onInteract(e)],
    ];
  }

  /**
   * Start routing keys to `root` (the first root of a page installs the window listeners).
   *
   * @param {Element} root a widget's root element; made focusable (not by Tab), so that a
   *   click anywhere inside puts the focus in the widget rather than on the notebook's cell
   * @param {BindsKey} binds
   */
  add(root, binds) {
    if (this.roots.size === 0) {
      for (const [type, listener] of this.listeners) this.win.addEventListener(type, listener, true);
    }
    this.roots.set(root, binds);
    if (!root.hasAttribute("tabindex")) root.setAttribute("tabindex", "-1");
  }

  /** @param {Element} root a root given to `add`; the last one removes the window listeners */
  remove(root) {
    if (!this.roots.delete(root)) return;
    this.unmark();
    if (this.last === root) this.last = null;
    if (this.roots.size > 0) return;
    for (const [type, listener] of this.listeners) this.win.removeEventListener(type, listener, true);
    delete (/** @type {Record<symbol, unknown>} */ (/** @type {unknown} */ (this.win)))[PAGE_KEY];
  }

  /**
   * The registered root whose widget `node` belongs to (the nearest, for nested widgets).
   *
   * @param {EventTarget | null} node
   * @returns {Element | null}
   */
  ownerOf(node) {
    let el = node && "nodeType" in node ? /** @type {Node} */ (node) : null;
    if (el && el.nodeType !== 1) el = el.parentElement;
    let root = el ? /** @type {Element} */ (el).closest(`.${CLASS_ROOT}`) : null;
    while (root && !this.roots.has(root)) root = root.parentElement?.closest(`.${CLASS_ROOT}`) ?? null;
    return root;
  }

  /**
   * Whether the window key bindings of `root` receive a key whose event targets `target` (the
   * focused element): see the module's doc.
   *
   * @param {Element} root
   * @param {EventTarget | null} target
   */
  receives(root, target) {
    const owner = this.ownerOf(target);
    if (owner) return owner === root;
    if (target && isTextEntry(/** @type {Element} */ (target))) return false;
    if (this.last && this.last.isConnected) return this.last === root;
    return true;
  }

  /** @private @param {KeyboardEvent} e */
  onKeydown(e) {
    this.unmark();
    const owner = this.ownerOf(e.target);
    this.claimed = owner !== null && (!isModifierShortcut(e) || (this.roots.get(owner)?.(e) ?? false));
    if (!owner || !this.claimed) return;
    // Lumino tries each element from the target up and stops at the first one carrying the
    // attribute, after trying that one: the focused element itself must carry it.
    const target = /** @type {Element} */ (e.target);
    for (const el of target === owner ? [owner] : [target, owner]) {
      if (el.hasAttribute(SUPPRESS_SHORTCUTS)) continue;
      el.setAttribute(SUPPRESS_SHORTCUTS, "");
      this.marked.push(el);
    }
    // Only for this key's dispatch (the notebooks match shortcuts while it runs).
    this.win.setTimeout(() => this.unmark(), 0);
  }

  /** @private Take the attribute off the elements this module put it on. */
  unmark() {
    for (const el of this.marked.splice(0)) el.removeAttribute(SUPPRESS_SHORTCUTS);
  }

  /** @private @param {Event} e */
  onInteract(e) {
    const owner = this.ownerOf(e.target);
    if (owner) this.last = owner;
  }
}

/**
 * Where a page keeps its routing: on its window, under a key shared by every copy of this
 * module. anywidget imports the widget's module once per widget model, so each widget on the
 * page runs its own copy; they must still agree on one routing. The version in the key keeps
 * a routing of an incompatible copy apart.
 */
const PAGE_KEY = Symbol.for("livewidget.page-keys.v1");

/**
 * The key routing of the page `root` is on (one per window, shared by all copies of this module).
 *
 * @param {Element} root
 * @returns {PageKeys | null} null where the document has no window
 */
export function pageKeysOf(root) {
  const win = root.ownerDocument.defaultView;
  if (!win) return null;
  const slots = /** @type {Record<symbol, PageKeys | undefined>} */ (/** @type {unknown} */ (win));
  slots[PAGE_KEY] ??= new PageKeys(win);
  return slots[PAGE_KEY];
}

/**
 * A modifier shortcut: Ctrl, Cmd (Meta) or Alt held, or Shift+Enter. These reach the notebook
 * unless the widget names the key; any other key pressed inside a widget is the widget's.
 *
 * @param {KeyboardEvent} e
 */
export function isModifierShortcut(e) {
  return e.ctrlKey || e.metaKey || e.altKey || (e.shiftKey && e.key === "Enter");
}

/**
 * Whether `el` takes typed text (keys typed there belong to it, not to a widget's window
 * bindings): a text-like input, a textarea, a select, or editable content such as an editor.
 *
 * @param {Element} el
 */
export function isTextEntry(el) {
  if (typeof el.closest !== "function") return false;
  const tag = el.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") return !NOT_TEXT.has((el.getAttribute("type") ?? "text").toLowerCase());
  return /** @type {HTMLElement} */ (el).isContentEditable === true || el.closest("[contenteditable]:not([contenteditable='false'])") !== null;
}

const NOT_TEXT = new Set(["button", "submit", "reset", "checkbox", "radio", "image", "file", "range", "color", "hidden"]);

/**
 * Keep the `beforeinput` of a line break typed into the widget from JupyterLab, which cancels
 * it inside cells (a text field's Enter then submits nothing, a textarea gets no newline).
 * A listener on the root in the capture phase, ahead of Lab's on the field itself.
 *
 * @param {Element} root
 * @param {PageKeys} page
 * @returns {(e: Event) => void}
 */
export function stopLineBreakGuard(root, page) {
  return (e) => {
    const type = /** @type {{inputType?: string}} */ (e).inputType;
    if (type !== "insertLineBreak" && type !== "insertParagraph") return;
    if (page.claimed && page.ownerOf(e.target) === root) e.stopPropagation();
  };
}

/**
 * Hand the focus back to what holds the widget: the nearest focusable element around its root
 * (the notebook's cell in JupyterLab and Notebook 7, which puts it in command mode), else the
 * page itself.
 *
 * @param {Element} root
 */
export function handBackFocus(root) {
  const holder = root.parentElement?.closest("[tabindex]");
  if (holder && "focus" in holder) {
    /** @type {HTMLElement} */ (holder).focus({ preventScroll: true });
    return;
  }
  const active = root.ownerDocument.activeElement;
  if (active && root.contains(active) && "blur" in active) /** @type {HTMLElement} */ (active).blur();
}
