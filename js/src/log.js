/**
 * Console logging with the package prefix.
 *
 * Malformed input from the kernel is logged here rather than thrown: a widget that
 * receives one bad message keeps working with the state it had.
 */

import { LOG_PREFIX } from "./constants.js";

/**
 * Log an error about this widget.
 *
 * @param {string} message what went wrong, in one sentence
 * @param {...unknown} details values worth inspecting in the console
 */
export function logError(message, ...details) {
  console.error(`${LOG_PREFIX} ${message}`, ...details);
}
