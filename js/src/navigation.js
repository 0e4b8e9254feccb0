/**
 * Navigation inside a widget: links that patch or redirect it, and the navigation state
 * the kernel reports.
 *
 * A widget is a little browser whose history the kernel owns. The frontend sends
 * intents and shows what the kernel decides:
 * - a click on `<a href="/users/8" data-phx-link="patch|redirect">` (optionally
 *   `data-phx-link-state="replace"`) sends `{"k": "nav", "kind": ..., "url": "/users/8",
 *   "replace": ...}` with the link's raw `href` attribute, never resolved against the
 *   page's URL, and the page itself does not navigate. A click with a modifier key, with
 *   another button than the main one, or on a `target="_blank"` link is the browser's:
 *   it opens a new tab or window and leaves this page alone;
 * - replies may carry `"nav": {"url", "replace", "index"}` (the widget's URL moved, and
 *   where it stands in the kernel's history) and `"t"` (the view's page title).
 */

import {
  LINK_STATE_REPLACE,
  MAX_URL,
  NAV_INDEX,
  NAV_PATCH,
  NAV_REDIRECT,
  NAV_REPLACE,
  NAVIGATION,
  PHX_LINK,
  PHX_LINK_STATE,
  URL,
} from "./constants.js";
import { logError } from "./log.js";
import { eventElement, owns } from "./ownership.js";
import { isObject } from "./rendered.js";

/**
 * @typedef {object} NavState the widget's place, as the kernel reports it in `"nav"`
 * @property {string} url path and query inside the widget
 * @property {boolean} replace whether the move replaced the current history entry
 * @property {number} index the current entry's index in the kernel's history
 */

/**
 * @callback Navigate
 * @param {"patch" | "redirect"} kind
 * @param {string} url
 * @param {boolean} replace
 * @returns {void}
 */

/**
 * Whether `url` is a path inside the widget, as the kernel accepts it: `/...`, not
 * `//host...`, and not too long.
 *
 * @param {unknown} url
 * @returns {url is string}
 */
export function isWidgetPath(url) {
  return typeof url === "string" && url.startsWith("/") && !url.startsWith("//") && url.length <= MAX_URL;
}

/**
 * Intercept clicks on the `data-phx-link` links of the widget of `root`.
 *
 * @param {Element} root the widget's root element
 * @param {Navigate} navigate receives each link followed
 * @returns {() => void} removes the listener
 */
export function bindLinks(root, navigate) {
  /** @param {Event} e */
  const onClick = (e) => {
    const link = eventElement(e)?.closest(`a[${PHX_LINK}]`);
    if (!link || !owns(root, link) || e.defaultPrevented || opensElsewhere(e, link)) return;
    // Whatever follows, the notebook or dashboard page must stay where it is.
    e.preventDefault();
    const kind = link.getAttribute(PHX_LINK);
    const href = link.getAttribute("href");
    if (kind !== NAV_PATCH && kind !== NAV_REDIRECT) {
      logError(`ignoring a link whose ${PHX_LINK} is "${kind}", not "${NAV_PATCH}" or "${NAV_REDIRECT}":`, link);
    } else if (!isWidgetPath(href)) {
      logError(`ignoring a ${kind} link whose href is not a path inside the widget (starting with "/"):`, link);
    } else {
      navigate(kind, href, link.getAttribute(PHX_LINK_STATE) === LINK_STATE_REPLACE);
    }
  };
  root.addEventListener("click", onClick);
  return () => root.removeEventListener("click", onClick);
}

/**
 * Whether the browser should have this click: it opens the link in another tab or window.
 *
 * @param {Event} e
 * @param {Element} link
 */
function opensElsewhere(e, link) {
  const mouse = /** @type {Partial<MouseEvent>} */ (e);
  if (mouse.metaKey || mouse.ctrlKey || mouse.shiftKey || mouse.altKey) return true;
  if (typeof mouse.button === "number" && mouse.button !== 0) return true;
  return (link.getAttribute("target") ?? "").toLowerCase() === "_blank";
}

/**
 * Check the `"nav"` object of a message; log and return null when it is malformed.
 *
 * @param {unknown} value
 * @returns {NavState | null}
 */
export function parseNavigation(value) {
  if (
    isObject(value) &&
    isWidgetPath(value[URL]) &&
    typeof (value[NAV_REPLACE] ?? false) === "boolean" &&
    Number.isInteger(value[NAV_INDEX]) &&
    /** @type {number} */ (value[NAV_INDEX]) >= 0
  ) {
    return {
      url: /** @type {string} */ (value[URL]),
      replace: value[NAV_REPLACE] === true,
      index: /** @type {number} */ (value[NAV_INDEX]),
    };
  }
  logError(`ignoring a "${NAVIGATION}" that is not {url: "/...", replace: boolean, index: integer >= 0}:`, value);
  return null;
}
