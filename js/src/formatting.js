/**
 * The HTML parser's formatting elements (`<b>`, `<a>`, `<i>`…), which it reopens.
 *
 * One left open is not closed for good by the end tag of an element around it: browsers'
 * parsers keep it pending and reopen it wherever they next insert text or an element,
 * inside later elements too, so
 * `<div><b>t</div><div id="r1">x</div>` parses as `<div><b>t</b></div><div id="r1"><b>x</b></div>`.
 * A row's elements then depend on all the HTML before it, and a row kept on screen, or parsed
 * alone, may not be what a full parse makes. The patches ask here whether some HTML leaves one
 * open (`leavesFormattingOpen`), whether a row placeholder or list marker sits where one is
 * open (`skipsInsideFormatting`), and whether a parse reopened one (`reopens`); each then takes
 * the full render's path. Found in Chromium by `tests/e2e/test_differential_chromium.py`
 * (happy-dom's parser reopens nothing).
 */

import { LIST_MARKER, SKIP_ATTRIBUTE } from "./constants.js";

/** The HTML parser's formatting elements, `|`-separated; as a selector and as start tags. */
const FORMATTING = "a|b|big|code|em|font|i|nobr|s|small|strike|strong|tt|u";
const FORMATTING_SELECTOR = FORMATTING.split("|").join(",");
const FORMATTING_START = new RegExp(`<(?:${FORMATTING})(?=[\\s/>])`, "gi");
/** Whether HTML holds a formatting start tag at all (most rows hold none: one quick look). */
const ANY_FORMATTING_START = new RegExp(FORMATTING_START.source, "i");

/**
 * The elements whose end forgets the formatting elements opened inside them (the parser's
 * "markers"): a `<b>` left open in a table cell is not reopened after its `</td>`.
 */
const MARKERS = new Set(["td", "th", "caption", "applet", "marquee", "object", "template"]);

/**
 * What `formatting` reads in HTML: a row placeholder or a list marker (group 1; tried first,
 * as a placeholder's own tag may be a formatting one), or a start or end tag (group 2 the
 * `/` of an end tag) of a formatting or marker element (group 3 its name).
 */
const FORMATTING_OR_SKIP = new RegExp(
  `(<[a-zA-Z][^\\s/>]* id="[^"]*" ${SKIP_ATTRIBUTE}></|<!--${LIST_MARKER})` +
    `|<(/?)(${FORMATTING}|${[...MARKERS].join("|")})(?=[\\s/>])`,
  "gi",
);

/**
 * What in HTML holds no tag the parser makes an element of where it stands: comments (but
 * list markers, which `formatting` reads), the text of raw-text elements, and the content of
 * a `<template>` (a fragment apart, which the container's `querySelectorAll` does not see).
 */
const RAW = "script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|template";
const INERT = new RegExp(
  `<!--(?!${LIST_MARKER})[\\s\\S]*?-->|<(${RAW})(?=[\\s/>])[\\s\\S]*?<\\/\\1\\s*>`,
  "gi",
);
/** Where `INERT` may match (most HTML, a stream's rows among it, holds none of it). */
const MAY_BE_INERT = new RegExp(`<!--|<(?:${RAW})(?=[\\s/>])`, "i");

/**
 * `html` without what `INERT` matches: the tags the parser acts on.
 *
 * @param {string} html
 */
function markupOf(html) {
  return MAY_BE_INERT.test(html) ? html.replace(INERT, "") : html;
}

/**
 * Whether the page the HTML parser made of `html` (`target`) may hold formatting elements it
 * reopened, or may reopen some in what is patched into it later: `html` leaves one open (the
 * parser keeps it pending even where it made no copy yet, as above rows still empty), or
 * `target` holds more of them than `html` starts. Errs on the safe side (a misnested
 * `<b><p>x</b>y</p>` counts too): a container it holds for takes the full HTML.
 *
 * @param {string} html
 * @param {Element} target
 */
export function reopens(html, target) {
  const markup = markupOf(html);
  const starts = markup.match(FORMATTING_START)?.length ?? 0;
  if (starts === 0) return false;
  return formatting(markup).open || target.querySelectorAll(FORMATTING_SELECTOR).length > starts;
}

/**
 * Whether `html` leaves a formatting element open (see `FORMATTING`): its start tags
 * outnumber its end tags, an end tag without an open one counting for nothing, as in the
 * parser, and those inside a table cell forgotten at its `</td>`. A row that does is not one
 * self-contained element in the page, whatever it parses to alone. Errs on the safe side:
 * where the parser closes one for good otherwise (an `<a>` in an `<a>`, a cell closed by
 * `</tr>`), the row is only rendered in full.
 *
 * @param {string} html
 */
export function leavesFormattingOpen(html) {
  return ANY_FORMATTING_START.test(html) && formatting(markupOf(html)).open;
}

/**
 * Whether a row placeholder or list marker in `html` comes where a formatting element is
 * open (counted as `leavesFormattingOpen` does): the parser would reopen it inside the rows
 * there, which the elements kept on screen do not show.
 *
 * @param {string} html
 */
export function skipsInsideFormatting(html) {
  return ANY_FORMATTING_START.test(html) && formatting(markupOf(html)).skipInside;
}

/**
 * @param {string} html markup (see `markupOf`)
 * @returns {{open: boolean, skipInside: boolean}}
 */
function formatting(html) {
  // Per marker element open (the outermost for the HTML itself): formatting elements open
  // in it by name, and how many in all. An end tag closes one of the innermost only.
  /** @type {{counts: Map<string, number>, open: number}[]} */
  const scopes = [{ counts: new Map(), open: 0 }];
  let open = 0;
  for (const [, skip, end, name] of html.matchAll(FORMATTING_OR_SKIP)) {
    if (skip !== undefined) {
      if (open > 0) return { open: true, skipInside: true };
      continue;
    }
    const tag = name.toLowerCase();
    if (MARKERS.has(tag)) {
      if (!end) scopes.push({ counts: new Map(), open: 0 });
      else if (scopes.length > 1) open -= /** @type {{open: number}} */ (scopes.pop()).open;
      continue;
    }
    const scope = scopes[scopes.length - 1];
    const count = scope.counts.get(tag) ?? 0;
    if (!end) {
      scope.counts.set(tag, count + 1);
      scope.open += 1;
      open += 1;
    } else if (count > 0) {
      scope.counts.set(tag, count - 1);
      scope.open -= 1;
      open -= 1;
    }
  }
  return { open: open > 0, skipInside: false };
}
