/**
 * The transport: the anywidget model's custom messages, as the socket of a LiveView.
 *
 * Outbound, it numbers events and navigation intents (`ref`) so that the kernel's reply
 * can name the message it answers, and hands a reply's `"rep"` to whoever waits for that
 * ref (a hook's pushEvent). Inbound, it checks the shape of every message before anything acts on it:
 * the kernel is trusted, but a message mangled on the way (or sent by another version of
 * the package) must not break the widget; such a message is logged and dropped.
 *
 * One message can be held back (`defer`): the join of a view drawn from the widget's state,
 * sent before the next message (or when the store needs the whole tree), or dropped once the
 * kernel's messages show the page is current (`cancelDeferred`).
 */

import {
  DIFF,
  ERROR,
  ERROR_MESSAGE,
  ERROR_TRACEBACK,
  EVENT,
  EVENTS,
  HOOKS,
  JOIN_LATER,
  EVENT_CID,
  EVENT_NAME,
  EVENT_TYPE,
  EVENT_VALUE,
  FROM_FIRST,
  KIND,
  MSG_CUSTOM,
  NAV,
  NAVIGATION,
  REF,
  RENDERED,
  REPLY,
  TITLE,
} from "./constants.js";
import { logError } from "./log.js";
import { isObject, isTree } from "./rendered.js";

/** @typedef {import("./rendered.js").Tree} Tree */
/** @typedef {import("./rendered.js").JsonObject} JsonObject */

/**
 * @callback Listener
 * @param {...any} args
 * @returns {void}
 */

/**
 * The part of anywidget's `AnyModel` this package uses.
 *
 * @typedef {object} AnyModel
 * @property {(name: string, callback: Listener) => void} on
 * @property {(name: string, callback: Listener) => void} off
 * @property {(content: JsonObject, callbacks?: unknown, buffers?: unknown[]) => void} send
 * @property {(key: string) => unknown} get
 * @property {(key: string, value: unknown) => void} set
 * @property {boolean} [comm_live] whether the comm is alive: ipywidgets' model has it,
 *   anywidget's proxy of the model does not (see `store.js`)
 */

/**
 * @typedef {object} ErrorInfo what the kernel reports when a handler raised
 * @property {string} message one line for the user
 * @property {string} traceback the traceback, empty when the kernel keeps it to itself
 */

/**
 * An inbound message, checked. At most one of `tree` and `diff` is set.
 *
 * @typedef {object} Inbound
 * @property {Tree} [tree] a whole tree replacing the current one (`"r"`)
 * @property {JsonObject} [diff] a diff to merge (`"d"`)
 * @property {ErrorInfo} [error] an error to show (`"err"`)
 * @property {number} [ref] the event this message answers
 * @property {JsonObject} [extra] the keys that travel beside `"r"` / `"d"` (`"e"`, `"t"`,
 *   `"rep"`, `"nav"`, `"h"`), as received: their shape is checked by whoever uses them
 */

/** Keys passed through unchecked, for the modules that act on them. */
const EXTRA_KEYS = [EVENTS, TITLE, REPLY, NAVIGATION, HOOKS, FROM_FIRST, JOIN_LATER];

/**
 * Check an inbound message's shape; log and return null when it is malformed.
 *
 * @param {unknown} content the message as anywidget delivered it
 * @returns {Inbound | null}
 */
export function parseInbound(content) {
  if (!isObject(content)) return reject("a message that is not an object", content);
  /** @type {Inbound} */
  const msg = {};
  if (REF in content) {
    const ref = content[REF];
    if (typeof ref !== "number" || !Number.isInteger(ref) || ref < 0) {
      return reject(`a message whose "${REF}" is not a non-negative integer`, content);
    }
    msg.ref = ref;
  }
  if (RENDERED in content && DIFF in content) {
    return reject(`a message carrying both "${RENDERED}" and "${DIFF}"`, content);
  }
  if (RENDERED in content) {
    const tree = content[RENDERED];
    if (!isTree(tree)) return reject(`a message whose "${RENDERED}" is not a tree`, content);
    msg.tree = tree;
  }
  if (DIFF in content) {
    const diff = content[DIFF];
    if (!isObject(diff)) return reject(`a message whose "${DIFF}" is not an object`, content);
    msg.diff = diff;
  }
  if (ERROR in content) {
    const error = parseError(content[ERROR]);
    if (!error) return reject(`a message whose "${ERROR}" lacks a message string`, content);
    msg.error = error;
  }
  /** @type {JsonObject} */
  const extra = {};
  for (const key of EXTRA_KEYS) if (key in content) extra[key] = content[key];
  if (Object.keys(extra).length > 0) msg.extra = extra;
  if (Object.keys(msg).length === 0) return reject("a message of no known kind", content);
  return msg;
}

/**
 * @param {unknown} value the object under `"err"`
 * @returns {ErrorInfo | null}
 */
function parseError(value) {
  if (!isObject(value) || typeof value[ERROR_MESSAGE] !== "string") return null;
  const traceback = value[ERROR_TRACEBACK];
  return {
    message: value[ERROR_MESSAGE],
    traceback: typeof traceback === "string" ? traceback : "",
  };
}

/**
 * @param {string} what
 * @param {unknown} content
 * @returns {null}
 */
function reject(what, content) {
  logError(`ignoring ${what}:`, content);
  return null;
}

/**
 * Called with the kernel's answer to an event: its `"rep"`, undefined when it has none
 * (the handler returned nothing, or failed) or when the event could not be sent; and the
 * error the answer carried, if any (an upload stops on it).
 *
 * @callback OnAnswer
 * @param {unknown} reply
 * @param {ErrorInfo} [error]
 * @returns {void}
 */

/** Message kind of an upload message (see `uploads.js`): it gets a ref, like an event. */
const UPLOAD = "upload";

/** The socket of one frontend model: sends to the kernel, receives checked messages. */
export class Transport {
  /**
   * @param {AnyModel} model the anywidget model
   * @param {(msg: Inbound) => void} onMessage called once per well-formed inbound message
   */
  constructor(model, onMessage) {
    /** @private */
    this.model = model;
    /** @private */
    this.lastRef = 0;
    /** @private Who waits for the answer to which ref. @type {Map<number, OnAnswer>} */
    this.pending = new Map();
    /** @private A message held back until the next one is sent (`defer`). @type {JsonObject | null} */
    this.deferred = null;
    /**
     * @private
     * @param {unknown} content
     */
    this.handler = (content) => {
      const msg = parseInbound(content);
      if (!msg) return;
      try {
        onMessage(msg);
      } catch (error) {
        logError("failed to handle a message from the kernel:", error, content);
      }
      // After the message is handled (patch, events), as Phoenix calls onReply.
      if (msg.ref !== undefined) this.answer(msg.ref, msg.extra?.[REPLY], msg.error);
    };
    model.on(MSG_CUSTOM, this.handler);
  }

  /**
   * Send a message to the kernel. Events, navigation intents and upload messages get the
   * next `ref`, which the kernel's answer echoes; `onAnswer` then receives the answer's
   * `"rep"`. `buffers` travel as the comm message's binary buffers (an upload's chunk).
   *
   * @param {JsonObject} msg
   * @param {OnAnswer} [onAnswer]
   * @param {ArrayBuffer[]} [buffers]
   * @returns {number | null} the message's ref, or null for other messages
   */
  send(msg, onAnswer, buffers) {
    this.flush();
    let ref = null;
    let out = msg;
    if (msg[KIND] === EVENT || msg[KIND] === NAV || msg[KIND] === UPLOAD) {
      ref = ++this.lastRef;
      out = { ...msg, [REF]: ref };
      if (onAnswer) this.pending.set(ref, onAnswer);
    }
    try {
      if (buffers && buffers.length > 0) this.model.send(out, undefined, buffers);
      else this.model.send(out);
    } catch (error) {
      logError("could not send a message to the kernel:", error);
      if (ref !== null) this.answer(ref, undefined, { message: String(error), traceback: "" });
    }
    return ref;
  }

  /**
   * Hold `msg` back until the next message is sent (it goes first) or `flush` is called:
   * the join of a view that shows the state's first reply, so that a widget nobody uses
   * costs the kernel no message.
   *
   * @param {JsonObject} msg
   */
  defer(msg) {
    this.deferred = msg;
  }

  /** Whether a message is held back by `defer`. */
  get deferring() {
    return this.deferred !== null;
  }

  /** Forget the message held back by `defer`: it is not needed any more. */
  cancelDeferred() {
    this.deferred = null;
  }

  /** Send the message held back by `defer`, if it was not sent yet. */
  flush() {
    const msg = this.deferred;
    if (msg === null) return;
    this.deferred = null;
    this.send(msg);
  }

  /**
   * Send an event (a binding fired, or a hook pushed one).
   *
   * @param {string} type the event type (`click`, `form`, `hook`)
   * @param {string} event the event name
   * @param {unknown} value the payload
   * @param {OnAnswer} [onAnswer] receives the kernel's reply
   * @param {number} [cid] the component that handles it (`phx-target`); absent: the view
   * @returns {number | null} the event's ref
   */
  pushEvent(type, event, value, onAnswer, cid) {
    const msg = { [KIND]: EVENT, [EVENT_TYPE]: type, [EVENT_NAME]: event, [EVENT_VALUE]: value };
    return this.send(cid === undefined ? msg : { ...msg, [EVENT_CID]: cid }, onAnswer);
  }

  /** How many events still wait for their answer. */
  get pendingCount() {
    return this.pending.size;
  }

  /**
   * @private
   * @param {number} ref
   * @param {unknown} reply
   * @param {ErrorInfo} [error]
   */
  answer(ref, reply, error) {
    const onAnswer = this.pending.get(ref);
    if (!onAnswer) return;
    this.pending.delete(ref);
    try {
      onAnswer(reply, error);
    } catch (error) {
      logError(`the reply callback of event ${ref} failed:`, error);
    }
  }

  /** Stop listening to the model; pending answers are dropped. */
  close() {
    this.model.off(MSG_CUSTOM, this.handler);
    this.pending.clear();
    this.deferred = null;
  }
}
