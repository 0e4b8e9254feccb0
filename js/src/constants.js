/**
 * Names of the wire format between the kernel and the frontend, in one place.
 *
 * This is the JavaScript twin of `livewidget/_protocol.py`: every name that exists there
 * exists here with the same value (a test compares both files). Keep them in step.
 *
 * Frontend → kernel (`model.send`):
 *
 *     {"k": "join"}                                  a frontend model wants the full tree
 *     {"k": "join", "url": "/users/7"}               … at the route the page's URL names
 *     {"k": "join", "first": true}                   … showing the state's first reply (sent
 *                                                    before the page's first other message)
 *     {"k": "event", "ref": 3, "type": "click",      phx-click / a hook's pushEvent
 *      "event": "inc", "value": {"by": "5"}}
 *     {"k": "event", "ref": 4, "type": "form",       phx-submit / phx-change
 *      "event": "set", "value": "n=5&_target=n"}     URL-encoded form fields
 *     {"k": "event", "ref": 5, "type": "keydown",    phx-keydown (also keyup, focus, blur)
 *      "event": "key", "value": {"key": "Enter"}}    … with the phx-value-* attributes
 *     {"k": "nav", "ref": 5, "kind": "patch", "url": "/users/8", "replace": false}
 *     {"k": "nav", "ref": 6, "kind": "go", "index": 2, "url": "/users/7"}   back/forward
 *
 * Kernel → frontend (`msg:custom`):
 *
 *     {"r": TREE, "h": HOOKS}                        replace the whole rendered tree
 *     {"nav": {...}}                                 a "first" join's answer: the tree shown is current
 *     {"d": DIFF, "ref": 3}                          merge a diff
 *     {"ref": 4}                                     the event changed nothing visible
 *     {"err": {"message": "...", "traceback": "..."}, "ref": 5}
 *     {"d": DIFF, "first": true}                     the view's first change before any page joined:
 *                                                    a diff from the state's first reply, joining
 *                                                    the pages that show it
 *
 * and beside "r" / "d": "e" pushed events, "t" title, "rep" a hook's reply, "nav" the URL.
 *
 * The rest of this file names the DOM side: binding attributes read from the rendered
 * HTML and the classes of the elements the widget creates around it.
 */

// ---------------------------------------------------------------------------------------
// Wire format (mirrors livewidget/_protocol.py).

/** Key of every outbound message: its kind. */
export const KIND = "k";
/** Key carrying an event's reference number (echoed by the reply). */
export const REF = "ref";

/** Message kind: a frontend model asks for the full tree. */
export const JOIN = "join";
/** Key of a join: the page shows the first reply of the widget's state (`TRAIT_FIRST`). */
export const JOIN_FIRST = "first";
/** Message kind: a DOM or hook event. */
export const EVENT = "event";
/** Message kind: a navigation intent (a patch/redirect link, the browser's back/forward). */
export const NAV = "nav";

/** Keys of a nav message (outbound) and of the `"nav"` object (inbound). */
export const URL = "url";
export const NAV_KIND = "kind";
export const NAV_REPLACE = "replace";
export const NAV_INDEX = "index";
export const NAV_PATCH = "patch";
export const NAV_REDIRECT = "redirect";
export const NAV_GO = "go";

/** Keys of an event message. */
export const EVENT_TYPE = "type";
export const EVENT_NAME = "event";
export const EVENT_VALUE = "value";
/** The component an event targets (phx-target): its cid; absent for the view. */
export const EVENT_CID = "cid";

/** Event types. */
export const TYPE_CLICK = "click";
export const TYPE_FORM = "form";
export const TYPE_HOOK = "hook";
export const TYPE_KEYDOWN = "keydown";
export const TYPE_KEYUP = "keyup";
export const TYPE_FOCUS = "focus";
export const TYPE_BLUR = "blur";

/** Keys of an inbound (kernel → frontend) message. */
export const RENDERED = "r";
export const DIFF = "d";
export const ERROR = "err";
/** Keys that travel beside `"r"` / `"d"`: pushed events, title, hook reply, URL, hooks. */
export const EVENTS = "e";
export const TITLE = "t";
export const REPLY = "rep";
export const NAVIGATION = "nav";
export const HOOKS = "h";
/** Marks the first reply in the state of a widget's `comm_open`: a page showing it may join
 * later (before its first message). A state a page asked for (Voilà, a reload) lacks it. */
export const JOIN_LATER = "later";
/** Marks the view's first change before any page joined: its diff is from the first reply
 * the widget's state carried, and it joins the pages that show that reply without having joined. */
export const FROM_FIRST = "first";

/** Keys of a rendered tree: statics. */
export const STATICS = "s";
// Keys of a comprehension on the wire, Phoenix LiveView 1.2's keyed shape: rows by index,
// the row count, the "rows moved" flag (see livewidget/template/_rendered.py).
export const KEYED = "k";
export const KEY_COUNT = "kc";
export const MOVED = "km";
// livewidget's extension inside "k": runs of moved rows, [[index, old index, length], ...].
export const MOVES = "m";
/** Components, in Phoenix's shapes: the root's `"c"` holds component trees by cid, a
 * component's tree carries `"r": 1`, and its `"s"` may name a cid whose statics it shares. */
export const COMPONENTS = "c";
export const ROOT = "r";
/** livewidget's extension at a diff's root: cids the kernel removed, pruned after merging. */
export const REMOVED_CIDS = "cd";
/** The attribute a component's root element carries: its cid (as Phoenix's client sets it). */
export const PHX_COMPONENT = "data-phx-component";
/** The binding naming which component handles an element's events. */
export const PHX_TARGET = "phx-target";
/** The client's own key for a comprehension's rows, as arrays (older servers sent it too). */
export const DYNAMICS = "d";
/** A stream's instruction beside "k" (Phoenix's key), and where the client keeps its rows' DOM ids. */
export const STREAM = "stream";
export const STREAM_IDS = "stream_ids";

/** Limits the kernel enforces on inbound messages. */
export const MAX_MESSAGE_BYTES = 1_000_000;
export const MAX_EVENT_NAME = 200;
export const MAX_URL = 4096;
export const MAX_FORM_FIELDS = 10_000;
export const MAX_DEPTH = 32;

/** The event name that clears a flash message (`phx-value-key` names which one). */
export const CLEAR_FLASH = "lv:clear-flash";

// ---------------------------------------------------------------------------------------
// Parts of messages that _protocol.py spells inline.

/** Keys of the object under `"err"`. */
export const ERROR_MESSAGE = "message";
export const ERROR_TRACEBACK = "traceback";

/** The form field naming the input that triggered a phx-change event. */
export const FORM_TARGET = "_target";
/**
 * Prefix of the markers a phx-change sends for fields the user has not changed yet
 * (`user[_unused_email]=`), as Phoenix LiveView 1.0 does; see livewidget/forms.py.
 */
export const FORM_UNUSED_PREFIX = "_unused_";

/** The anywidget model event carrying custom messages from the kernel. */
export const MSG_CUSTOM = "msg:custom";
/**
 * The model event ipywidgets fires when its comm dies or comes back (the widget
 * manager sets `comm_live`, e.g. to false when the kernel restarts).
 */
export const COMM_LIVE_UPDATE = "comm_live_update";

/** A `"go"` index past any history: the kernel then navigates to the message's URL. */
export const NAV_INDEX_BEYOND = 1_000_000_000;

/** Prefix of the window events a pushed event becomes (`phx:my-event`). */
export const PHX_EVENT_PREFIX = "phx:";

// ---------------------------------------------------------------------------------------
// Synced traits of the widget (livewidget/widget.py).

/** A unique id per widget, shared by all its frontend views: keys the store. */
export const TRAIT_ID = "_lw_id";
/** Whether to mirror the widget's URL into the browser's address bar (Voilà only). */
export const TRAIT_SYNC_URL = "sync_url";
/** Whether the kernel runs under Voilà. */
export const TRAIT_VOILA = "_voila";
/** The widget's URL (path and query) and its view's page title, as the kernel last set them. */
export const TRAIT_URL = "url";
export const TRAIT_TITLE = "title";
/**
 * The view's first reply (`{"r": TREE, "h": HOOKS, "nav": ...}` as UTF-8 JSON in a binary
 * buffer), from its mount until a page joined: a page draws it at once, as an ipywidgets view
 * draws its state, then joins.
 */
export const TRAIT_FIRST = "_lw_first";

/** The key of this package's entry in `history.state`: `{id, index}`. */
export const HISTORY_STATE_KEY = "livewidget";

// ---------------------------------------------------------------------------------------
// Binding attributes read from the rendered HTML.

export const PHX_CLICK = "phx-click";
/** Prefix of the attributes whose values travel with a click (`phx-value-id="3"`). */
export const PHX_VALUE_PREFIX = "phx-value-";
export const PHX_SUBMIT = "phx-submit";
export const PHX_CHANGE = "phx-change";
/** Attaches a client hook to an element (which needs an `id`). */
export const PHX_HOOK = "phx-hook";
/** Marks a link that navigates inside the widget: `"patch"` or `"redirect"`. */
export const PHX_LINK = "data-phx-link";
/** `"push"` (default) or `"replace"`: how a link's navigation enters the history. */
export const PHX_LINK_STATE = "data-phx-link-state";
export const LINK_STATE_REPLACE = "replace";
/** A click anywhere outside the element (while it is visible). */
export const PHX_CLICK_AWAY = "phx-click-away";
/** Keys: on the focused element itself, or on the window for the `window-` ones. */
export const PHX_KEYDOWN = "phx-keydown";
export const PHX_KEYUP = "phx-keyup";
export const PHX_WINDOW_KEYDOWN = "phx-window-keydown";
export const PHX_WINDOW_KEYUP = "phx-window-keyup";
/** Only this key (compared case-insensitively with `KeyboardEvent.key`) fires the binding. */
export const PHX_KEY = "phx-key";
/** Focus: the element itself gaining / losing it, or the browser window. */
export const PHX_FOCUS = "phx-focus";
export const PHX_BLUR = "phx-blur";
export const PHX_WINDOW_FOCUS = "phx-window-focus";
export const PHX_WINDOW_BLUR = "phx-window-blur";
/** Rate limits, on the element an event comes from: milliseconds, or `"blur"` (debounce). */
export const PHX_DEBOUNCE = "phx-debounce";
export const PHX_THROTTLE = "phx-throttle";
export const DEBOUNCE_BLUR = "blur";
/** Text an element shows (disabled) while its event is in flight. */
export const PHX_DISABLE_WITH = "phx-disable-with";
/** `phx-update="ignore"`: patches leave the element's children alone (data-* still update). */
export const PHX_UPDATE = "phx-update";
export const UPDATE_IGNORE = "ignore";
/** `phx-update="append"` / `"prepend"`: the page keeps old children, new ones go last / first. */
export const UPDATE_APPEND = "append";
export const UPDATE_PREPEND = "prepend";
/** `phx-update="stream"`: a stream's container (its rows are all in the tree). */
export const UPDATE_STREAM = "stream";
/** Infinite scroll: the event pushed when a container's first / last child enters the viewport. */
export const PHX_VIEWPORT_TOP = "phx-viewport-top";
export const PHX_VIEWPORT_BOTTOM = "phx-viewport-bottom";
/** JS commands run when the element enters the page / leaves it. */
export const PHX_MOUNTED = "phx-mounted";
export const PHX_REMOVE = "phx-remove";
/** Loading classes: `phx-click-loading`, `phx-submit-loading`, … while an event is in flight. */
export const LOADING_CLASS_PREFIX = "phx-";
export const LOADING_CLASS_SUFFIX = "-loading";

// ---------------------------------------------------------------------------------------
// Classes of the elements the widget creates (styled by widget.css).

export const CLASS_ROOT = "lw-root";
export const CLASS_VIEW = "lw-view";
export const CLASS_CONNECTING = "lw-connecting";
export const CLASS_ERROR = "lw-error";
export const CLASS_ERROR_HEADER = "lw-error-header";
export const CLASS_ERROR_MESSAGE = "lw-error-message";
export const CLASS_ERROR_TRACEBACK = "lw-error-traceback";
export const CLASS_ERROR_DISMISS = "lw-error-dismiss";
/** On the root, as Phoenix puts them on a LiveView's container: one at a time. */
export const CLASS_PHX_CONNECTED = "phx-connected";
export const CLASS_PHX_LOADING = "phx-loading";
export const CLASS_PHX_ERROR = "phx-error";

/** Text of the placeholder shown until the first tree arrives. */
export const CONNECTING_TEXT = "connecting…";

/** Prefix of every console message of this package. */
export const LOG_PREFIX = "[livewidget]";

/** Marks an element the patch must keep as it is (an unchanged comprehension row). */
export const SKIP_ATTRIBUTE = "data-lw-skip";
/** Starts the comment standing for a whole unchanged list in a patch (`<!--lw-list:3-->`). */
export const LIST_MARKER = "lw-list:";
