/**
 * live_area.js: an output area carries `lw-live` while a live view is in it (attached before
 * or after the mark is made), until the last one leaves.
 */

import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { LIVE_AREA, markLiveArea } from "../src/live_area.js";
import { closeWindow, createWindow, documentOf } from "./helpers.js";

const window = createWindow();
const document = documentOf(window);
after(() => closeWindow(window));

/**
 * An output area (`cls`: its class) with an output child, in the page or not yet, and a view's
 * element not yet in it.
 *
 * @param {string} cls
 * @param {boolean} attached
 */
function outputArea(cls, attached) {
  const area = document.createElement("div");
  area.className = cls;
  const child = document.createElement("div");
  child.className = "jp-OutputArea-child";
  area.append(child);
  const el = /** @type {HTMLElement} */ (/** @type {unknown} */ (document.createElement("div")));
  if (attached) document.body.append(area);
  return { area, child, el };
}

describe("markLiveArea", () => {
  test("the area carries the class while a view is in it, and again when the view comes back", () => {
    const { area, child, el } = outputArea("jp-OutputArea", true);
    child.append(/** @type {any} */ (el));
    const unmark = markLiveArea(el);
    assert.ok(area.classList.contains(LIVE_AREA));
    el.remove(); // a cleared output
    assert.ok(!area.classList.contains(LIVE_AREA));
    child.append(/** @type {any} */ (el)); // put back (a cell moved)
    assert.ok(area.classList.contains(LIVE_AREA));
    unmark(); // the view's cleanup
    assert.ok(!area.classList.contains(LIVE_AREA));
    assert.equal(el.children.length, 0);
  });

  test("a view rendered before the frontend attaches it marks its area once it is in the page", () => {
    const { area, child, el } = outputArea("output", false);
    markLiveArea(el);
    child.append(/** @type {any} */ (el));
    assert.ok(!area.classList.contains(LIVE_AREA));
    document.body.append(area);
    assert.ok(area.classList.contains(LIVE_AREA));
    area.remove();
    assert.ok(!area.classList.contains(LIVE_AREA));
  });

  test("two views in one area: the class stays until the last leaves", () => {
    const { area, child, el } = outputArea("jp-OutputArea", true);
    const other = /** @type {HTMLElement} */ (/** @type {unknown} */ (document.createElement("div")));
    child.append(/** @type {any} */ (el), /** @type {any} */ (other));
    const unmarkOne = markLiveArea(el);
    const unmarkOther = markLiveArea(other);
    unmarkOne();
    assert.ok(area.classList.contains(LIVE_AREA));
    unmarkOther();
    assert.ok(!area.classList.contains(LIVE_AREA));
    area.remove();
  });

  test("outside an output area nothing is marked; the mark is one hidden element", () => {
    const el = /** @type {HTMLElement} */ (/** @type {unknown} */ (document.createElement("div")));
    document.body.append(/** @type {any} */ (el));
    markLiveArea(el);
    assert.equal(document.querySelectorAll(`.${LIVE_AREA}`).length, 0);
    assert.equal(el.querySelectorAll("lw-live-mark[hidden]").length, 1);
  });
});
