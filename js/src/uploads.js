/**
 * File uploads, as Phoenix LiveView's client does them, over the widget's comm.
 *
 * The kernel renders `live_file_input(uploads.avatar)` as an `<input type="file">` carrying
 * `data-phx-upload-ref` (the upload) and `data-phx-active-refs` (the entries it knows). This
 * module keeps the `File` objects the user chose (or dropped on a `phx-drop-target`) and:
 *
 * - on a choice, announces the files' metadata at once (`{"k": "upload", "op": "entries"}`),
 *   before the form's `phx-change`: the kernel checks them (`too_large`, `not_accepted`,
 *   `too_many_files`) and the page shows the errors before any byte is sent;
 * - on `phx-submit` (or at once for an input with `data-phx-auto-upload`), asks to send
 *   them (`"op": "start"`); the kernel's reply names the entries it allows and the chunk size;
 * - sends each allowed file in chunks, as binary buffers of the comm message
 *   (`"op": "chunk"`), the next only once the kernel acknowledged the previous one (flow
 *   control: the kernel holds one chunk at a time, the notebook stays responsive, and the
 *   progress the kernel renders moves as the bytes land); then lets the submission go on;
 * - fills `live_img_preview(entry)` images with an object URL of the chosen file, so a
 *   preview never travels to the kernel and back.
 *
 * A kernel error in reply to a chunk (the entry was cancelled, or refused) stops that
 * upload; the submission it held back is not sent.
 */

import { CLASS_ROOT } from "./constants.js";
import { logError } from "./log.js";

/** Key of an upload message's kind, and its value (see livewidget/_uploads/wire.py). */
export const UPLOAD = "upload";
export const OP = "op";
export const OP_ENTRIES = "entries";
export const OP_START = "start";
export const OP_CHUNK = "chunk";
export const UPLOAD_REF_KEY = "upload";
export const ENTRY_REF_KEY = "entry";
export const ENTRIES = "entries";
export const CHUNK_SIZE = "chunk_size";

/** Attributes the kernel renders (Phoenix's names). */
export const PHX_UPLOAD_REF = "data-phx-upload-ref";
export const PHX_ACTIVE_REFS = "data-phx-active-refs";
export const PHX_ENTRY_REF = "data-phx-entry-ref";
export const PHX_AUTO_UPLOAD = "data-phx-auto-upload";
export const PHX_DROP_TARGET = "phx-drop-target";
/** The class a drop target has while files are dragged over it. */
export const DROP_ACTIVE_CLASS = "phx-drop-target-active";

/**
 * Sends an upload message; `onAnswer(reply, error)` gets the kernel's answer.
 *
 * @callback SendUpload
 * @param {Record<string, unknown>} msg
 * @param {ArrayBuffer[]} buffers
 * @param {(reply: unknown, error?: unknown) => void} onAnswer
 * @returns {number | null} the message's ref
 */

/** @typedef {{ref: string, name: string, size: number, type: string, last_modified: number}} EntryMeta */

let nextRef = 0;
/** @type {WeakMap<File, string>} */
const fileRefs = new WeakMap();

/**
 * The entry ref of `file` (given on first sight, as Phoenix's `genFileRef`).
 *
 * @param {File} file
 * @returns {string}
 */
export function fileRef(file) {
  let ref = fileRefs.get(file);
  if (ref === undefined) {
    ref = String(nextRef++);
    fileRefs.set(file, ref);
  }
  return ref;
}

/**
 * What the kernel is told of a file.
 *
 * @param {File} file
 * @returns {EntryMeta}
 */
export function entryMeta(file) {
  return { ref: fileRef(file), name: file.name || fileRef(file), size: file.size, type: file.type || "", last_modified: Math.trunc(file.lastModified || 0) };
}

/** The uploads of one view of a widget. */
export class Uploader {
  /**
   * @param {Element} root the view's root (listeners live here)
   * @param {Element} container the element holding the rendered HTML
   * @param {SendUpload} send
   */
  constructor(root, container, send) {
    /** @private */
    this.root = root;
    /** @private */
    this.container = container;
    /** @private */
    this.send = send;
    /** @private The chosen files, per upload ref. @type {Map<string, File[]>} */
    this.files = new Map();
    /** @private Files whose announcement the kernel answered. @type {WeakSet<File>} */
    this.known = new WeakSet();
    /** @private Files whose bytes were asked for (sent or being sent). @type {WeakSet<File>} */
    this.started = new WeakSet();
    /** @private Forms whose submission waits for their uploads. @type {WeakSet<Element>} */
    this.waiting = new WeakSet();
    /** @private Forms whose next submit event is the one held back, let through. @type {WeakSet<Element>} */
    this.passing = new WeakSet();
    /** @private Object URLs of previews, per file. @type {Map<File, string>} */
    this.previews = new Map();
    /** @private Set while this module dispatches an event of its own. */
    this.dispatching = false;
    /** @type {Array<[string, (e: Event) => void, boolean]>} */
    this.listeners = [
      ["input", (e) => this.onChoose(e), true],
      ["change", (e) => this.onChoose(e), true],
      ["submit", (e) => this.onSubmit(e), true],
      ["dragover", (e) => this.onDrag(e, true), false],
      ["dragleave", (e) => this.onDrag(e, false), false],
      ["drop", (e) => this.onDrop(e), false],
    ];
    for (const [type, fn, capture] of this.listeners) root.addEventListener(type, fn, capture);
  }

  /** Remove the listeners and revoke the previews' object URLs. */
  destroy() {
    for (const [type, fn, capture] of this.listeners) this.root.removeEventListener(type, fn, capture);
    this.listeners = [];
    for (const url of this.previews.values()) revoke(this.root, url);
    this.previews.clear();
    this.files.clear();
  }

  /**
   * After each patch: forget files the kernel dropped (cancelled, consumed) and fill the
   * previews.
   */
  afterPatch() {
    for (const [ref, files] of this.files) {
      const input = this.input(ref);
      if (!input) {
        this.forget(ref, files);
        continue;
      }
      const active = new Set((input.getAttribute(PHX_ACTIVE_REFS) ?? "").split(",").filter(Boolean));
      const kept = files.filter((file) => !this.known.has(file) || active.has(fileRef(file)));
      if (kept.length !== files.length) this.forget(ref, files.filter((file) => !kept.includes(file)));
      if (kept.length > 0) this.files.set(ref, kept);
    }
    for (const img of Array.from(this.container.querySelectorAll(`img[${PHX_ENTRY_REF}]`))) {
      const file = this.file(img.getAttribute(PHX_UPLOAD_REF) ?? "", img.getAttribute(PHX_ENTRY_REF) ?? "");
      if (!file) continue;
      let url = this.previews.get(file) ?? null;
      if (url === null) {
        url = objectUrl(this.root, file);
        if (url === null) continue;
        this.previews.set(file, url);
      }
      if (img.getAttribute("src") !== url) img.setAttribute("src", url);
    }
  }

  /**
   * The files chosen for upload `ref` (for tests and hooks).
   *
   * @param {string} ref
   * @returns {File[]}
   */
  chosen(ref) {
    return [...(this.files.get(ref) ?? [])];
  }

  /**
   * Choose `files` for the file input `input`, as a file dialog or a drop does, and
   * announce them to the kernel.
   *
   * @param {HTMLInputElement} input
   * @param {File[]} files
   */
  choose(input, files) {
    const ref = input.getAttribute(PHX_UPLOAD_REF);
    if (!ref) return;
    const before = this.files.get(ref) ?? [];
    const fresh = files.filter((file) => !before.includes(file));
    const multiple = input.hasAttribute("multiple");
    const same = files.length === before.length && files.every((file, i) => file === before[i]);
    if (multiple ? fresh.length === 0 : same) return; // the same choice, heard twice (input, change)
    const chosen = multiple ? [...before, ...fresh] : files;
    this.forget(ref, before.filter((file) => !chosen.includes(file)));
    this.files.set(ref, chosen);
    const pending = chosen.filter((file) => !this.started.has(file));
    const msg = { k: UPLOAD, [OP]: OP_ENTRIES, [UPLOAD_REF_KEY]: ref, [ENTRIES]: pending.map(entryMeta) };
    this.send(msg, [], (_reply, error) => {
      for (const file of pending) this.known.add(file);
      if (!error && input.hasAttribute(PHX_AUTO_UPLOAD)) this.upload(ref, () => {});
    });
  }

  /**
   * Send the chosen, unsent files of upload `ref`; `onDone(ok)` once all arrived (or not).
   *
   * @param {string} ref
   * @param {(ok: boolean) => void} onDone
   */
  upload(ref, onDone) {
    const files = (this.files.get(ref) ?? []).filter((file) => !this.started.has(file));
    if (files.length === 0) {
      onDone(true);
      return;
    }
    for (const file of files) this.started.add(file);
    const msg = { k: UPLOAD, [OP]: OP_START, [UPLOAD_REF_KEY]: ref, [ENTRIES]: files.map(entryMeta) };
    this.send(msg, [], (reply, error) => {
      const allowed = isObject(reply) && Array.isArray(reply[ENTRIES]) ? reply[ENTRIES] : [];
      const size = isObject(reply) ? Number(reply[CHUNK_SIZE]) : NaN;
      if (error || !(size > 0)) {
        onDone(!error && allowed.length === 0);
        return;
      }
      const queue = files.filter((file) => allowed.includes(fileRef(file)));
      this.sendFiles(ref, queue, size, onDone);
    });
  }

  /**
   * @private
   * @param {string} ref
   * @param {File[]} queue
   * @param {number} size the chunk size
   * @param {(ok: boolean) => void} onDone
   */
  sendFiles(ref, queue, size, onDone) {
    const file = queue.shift();
    if (!file) {
      onDone(true);
      return;
    }
    const next = (/** @type {number} */ offset) => {
      if (offset >= file.size) {
        this.sendFiles(ref, queue, size, onDone);
        return;
      }
      file
        .slice(offset, offset + size)
        .arrayBuffer()
        .then((bytes) => {
          const msg = { k: UPLOAD, [OP]: OP_CHUNK, [UPLOAD_REF_KEY]: ref, [ENTRY_REF_KEY]: fileRef(file) };
          // A failed send is answered with an error too: onDone runs once either way.
          this.send(msg, [bytes], (_reply, error) => {
            if (error) onDone(false);
            else next(offset + bytes.byteLength);
          });
        })
        .catch((error) => {
          logError("could not read a file to upload:", error);
          onDone(false);
        });
    };
    next(0);
  }

  /**
   * @private
   * @param {Event} e
   */
  onChoose(e) {
    if (this.dispatching) return;
    const input = e.target;
    if (!isUploadInput(input) || !this.owns(input)) return;
    this.choose(input, Array.from(input.files ?? []));
  }

  /**
   * Hold a submission back while its form's files are sent; then let it go.
   *
   * @private
   * @param {Event} e
   */
  onSubmit(e) {
    const target = /** @type {Element | null} */ (e.target);
    if (!target || target.tagName !== "FORM" || !this.owns(target)) return;
    const form = target;
    if (this.passing.has(form)) {
      this.passing.delete(form);
      return;
    }
    const refs = uploadInputs(form)
      .map((input) => input.getAttribute(PHX_UPLOAD_REF) ?? "")
      .filter((ref) => (this.files.get(ref) ?? []).some((file) => !this.started.has(file)));
    if (refs.length === 0 && !this.waiting.has(form)) return;
    e.preventDefault();
    e.stopPropagation();
    if (this.waiting.has(form)) return; // its uploads are on their way; it goes once they land
    this.waiting.add(form);
    let left = refs.length;
    let failed = false;
    for (const ref of refs) {
      this.upload(ref, (ok) => {
        failed ||= !ok;
        if (--left > 0) return;
        this.waiting.delete(form);
        if (failed || !this.root.contains(form)) return;
        this.passing.add(form);
        this.dispatch(form, newEvent(form, "submit", { bubbles: true, cancelable: true }));
      });
    }
  }

  /**
   * @private
   * @param {Event} e
   * @param {boolean} over
   */
  onDrag(e, over) {
    const target = dropTarget(e.target, this.root);
    if (!target) return;
    if (over) e.preventDefault(); // lets the drop happen
    target.classList.toggle(DROP_ACTIVE_CLASS, over);
  }

  /**
   * @private
   * @param {Event} e
   */
  onDrop(e) {
    const target = dropTarget(e.target, this.root);
    if (!target) return;
    e.preventDefault();
    target.classList.remove(DROP_ACTIVE_CLASS);
    const input = this.input(target.getAttribute(PHX_DROP_TARGET) ?? "");
    const files = /** @type {DragEvent} */ (e).dataTransfer?.files;
    if (!input || !files || files.length === 0) return;
    this.choose(input, Array.from(files));
    // The form's phx-change hears of it, as after a choice in the file dialog.
    this.dispatch(input, newEvent(input, "input", { bubbles: true }));
  }

  /**
   * @private
   * @param {Element} el
   * @param {Event} event
   */
  dispatch(el, event) {
    this.dispatching = true;
    try {
      el.dispatchEvent(event);
    } finally {
      this.dispatching = false;
    }
  }

  /**
   * @private
   * @param {string} ref
   * @returns {HTMLInputElement | null}
   */
  input(ref) {
    for (const el of Array.from(this.container.querySelectorAll(`input[${PHX_UPLOAD_REF}]`))) {
      if (el.getAttribute(PHX_UPLOAD_REF) === ref && this.owns(el)) return /** @type {HTMLInputElement} */ (el);
    }
    return null;
  }

  /**
   * @private
   * @param {string} uploadRef
   * @param {string} entryRef
   * @returns {File | undefined}
   */
  file(uploadRef, entryRef) {
    return this.files.get(uploadRef)?.find((file) => fileRef(file) === entryRef);
  }

  /**
   * @private
   * @param {string} ref
   * @param {File[]} files
   */
  forget(ref, files) {
    for (const file of files) {
      const url = this.previews.get(file);
      if (url !== undefined) revoke(this.root, url);
      this.previews.delete(file);
    }
    const left = (this.files.get(ref) ?? []).filter((file) => !files.includes(file));
    if (left.length > 0) this.files.set(ref, left);
    else this.files.delete(ref);
  }

  /**
   * Whether `el` belongs to this view (not to a widget nested in it).
   *
   * @private
   * @param {Element} el
   */
  owns(el) {
    return this.root.contains(el) && el.closest(`.${CLASS_ROOT}`) === this.root;
  }
}

/**
 * @param {unknown} el
 * @returns {el is HTMLInputElement}
 */
function isUploadInput(el) {
  return el instanceof Object && "tagName" in el && /** @type {Element} */ (el).tagName === "INPUT" && /** @type {Element} */ (el).hasAttribute(PHX_UPLOAD_REF);
}

/**
 * @param {Element} form
 * @returns {HTMLInputElement[]}
 */
function uploadInputs(form) {
  return /** @type {HTMLInputElement[]} */ (Array.from(form.querySelectorAll(`input[${PHX_UPLOAD_REF}]`)));
}

/**
 * @param {EventTarget | null} target
 * @param {Element} root
 * @returns {Element | null}
 */
function dropTarget(target, root) {
  const el = target && "closest" in target ? /** @type {Element} */ (target).closest(`[${PHX_DROP_TARGET}]`) : null;
  return el && root.contains(el) ? el : null;
}

/**
 * An event of `el`'s own window (a page may hold several, e.g. in tests).
 *
 * @param {Element} el
 * @param {string} type
 * @param {EventInit} init
 * @returns {Event}
 */
function newEvent(el, type, init) {
  const EventOfWindow = el.ownerDocument.defaultView?.Event ?? Event;
  return new EventOfWindow(type, init);
}

/**
 * @param {Element} root
 * @param {File} file
 * @returns {string | null}
 */
function objectUrl(root, file) {
  const url = root.ownerDocument.defaultView?.URL ?? globalThis.URL;
  try {
    return url.createObjectURL(file);
  } catch (error) {
    logError("could not preview a chosen file:", error);
    return null;
  }
}

/**
 * @param {Element} root
 * @param {string} href
 */
function revoke(root, href) {
  const url = root.ownerDocument.defaultView?.URL ?? globalThis.URL;
  url.revokeObjectURL?.(href);
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
