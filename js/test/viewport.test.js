/**
 * `Viewport.afterPatch` (`viewport.js`): the whole view is searched for viewport bindings on
 * the first patch only; later patches look at what they added, the bindings that changed
 * and the containers already watched, so a one-row patch of a big page searches nothing.
 */

import assert from "node:assert/strict";
import { after, beforeEach, test } from "node:test";
import { environment } from "../src/environment.js";
import { Viewport } from "../src/viewport.js";
import { FakeObserver as Watching, usePage } from "./helpers.js";

const { window, fresh } = usePage();

const saved = environment.window;
beforeEach(() => {
  Watching.all.clear();
  const page = /** @type {any} */ (window);
  page.IntersectionObserver = Watching;
  environment.window = /** @type {Window} */ (/** @type {unknown} */ (window));
});
after(() => {
  environment.window = saved;
});

/**
 * A view of `rows` rows and a list with `phx-viewport-bottom`, its searches counted.
 *
 * @param {number} rows
 */
function page(rows) {
  const view = fresh();
  const cells = Array.from({ length: rows }, (_, i) => `<tr id="r${i}"><td>${i}</td></tr>`).join("");
  view.innerHTML = `<table><tbody>${cells}</tbody></table><ul id="feed" phx-viewport-bottom="more"><li id="a">a</li><li id="b">b</li></ul>`;
  const searches = { count: 0 };
  const search = view.querySelectorAll.bind(view);
  view.querySelectorAll = /** @type {any} */ ((/** @type {string} */ selector) => {
    searches.count += 1;
    return search(selector);
  });
  const viewport = new Viewport(view, () => {});
  viewport.afterPatch();
  return { view, viewport, searches };
}

test("after the first patch, a one-row patch searches nothing, on 10 rows as on 2,000", () => {
  for (const rows of [10, 2000]) {
    const { view, viewport, searches } = page(rows);
    assert.equal(searches.count, 1, "the first patch searches the view once");
    assert.deepEqual(Watching.watched(), ["b"]);
    /** @type {Element} */ (view.querySelector("#r5 td")).textContent = "changed";
    viewport.afterPatch();
    viewport.afterPatch(); // nothing changed at all
    assert.equal(searches.count, 1);
    assert.deepEqual(Watching.watched(), ["b"]);
    viewport.destroy();
  }
});

test("a binding a patch adds, changes or removes is followed", () => {
  const { view, viewport, searches } = page(10);
  const feed = /** @type {Element} */ (view.querySelector("#feed"));
  feed.insertAdjacentHTML("beforeend", '<li id="c">c</li>'); // the edge moves
  viewport.afterPatch();
  assert.deepEqual(Watching.watched(), ["c"]);
  view.insertAdjacentHTML("beforeend", '<div><ol id="older" phx-viewport-top="back"><li id="x">x</li></ol></div>');
  view.insertAdjacentHTML("beforeend", '<ol id="later" phx-viewport-bottom="next"><li id="y">y</li></ol>');
  viewport.afterPatch();
  assert.deepEqual(Watching.watched(), ["c", "x", "y"]);
  /** @type {Element} */ (view.querySelector("#later")).remove();
  feed.removeAttribute("phx-viewport-bottom");
  viewport.afterPatch();
  assert.deepEqual(Watching.watched(), ["x"]);
  feed.setAttribute("phx-viewport-top", "up");
  viewport.afterPatch();
  assert.deepEqual(Watching.watched(), ["a", "x"]);
  /** @type {Element} */ (view.querySelector("#older")).remove();
  viewport.afterPatch();
  assert.deepEqual(Watching.watched(), ["a"]);
  assert.equal(searches.count, 1, "never the whole view again");
  viewport.destroy();
  assert.deepEqual(Watching.watched(), []);
});
