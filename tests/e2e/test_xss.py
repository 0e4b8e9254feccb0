"""Hostile strings from assigns in a real Voilà page: none of them runs, each shows as text.

One view renders a corpus of hostile strings in every place an assign can go (text, quoted
attributes, URL attributes, ``phx-value-*``, form helpers, ``live_patch`` labels, flash, the
page title, ``JS()`` arguments, ``push_event`` payloads). Each string, if it ever ran, would
push its number onto ``top.__xss``. The test clicks and hovers what carries URLs and handlers,
then checks that the flag was never set, that each string reads back exactly as it was given,
and that our client logged no error. Voilà, because its visitors are strangers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Error, Page, expect


def ran(n: int) -> str:
    """Script that records case ``n`` as run (no spaces or quotes: fits anywhere)."""
    return f"void((top.__xss=top.__xss||[]).push({n}))"


# "%s" is where the script goes. URL-like entries are also clicked as links and forms.
MARKUP = [
    "<img src=x onerror=%s>",
    '"><img src=x onerror=%s>',
    "'><img src=x onerror=%s>",
    '"><script>%s</script>',
    "</script><script>%s</script>",
    "</textarea><img src=x onerror=%s>",
    "</option></select><img src=x onerror=%s>",
    "</title><img src=x onerror=%s>",
    '" onmouseover="%s" x="',
    "' onmouseover='%s' x='",
    "x onmouseover=%s",
    "<svg onload=%s>",
    "<svg><script>%s</script></svg>",
    "<details open ontoggle=%s>",
    "<input autofocus onfocus=%s>",
    "<iframe srcdoc='<script>%s</script>'></iframe>",
    "<a href=javascript:%s>link</a>",
    "&lt;img src=x onerror=%s&gt; &amp;#34;",
    "{{ 7*7 }}{%% raw %%}${7*7}<!-- %s",
    "]]><![CDATA[<img src=x onerror=%s>",
    "\u202e<b onmouseover=%s>rtl</b>\u2028",
]
URLS = [
    "javascript:%s",
    "JaVaScRiPt:%s",
    "  javascript:%s",
    "java\tscript:%s",
    "java\nscript:%s",
    "\x01javascript:%s",
    "&#106;avascript:%s",
    "&#x6A;avascript:%s",
    "javascript&colon;%s",
    "vbscript:%s",
    "data:text/html,<script>%s</script>",
    "data:image/svg+xml,<svg onload=%s>",
]
CASES = [(t % ran(n), False) for n, t in enumerate(MARKUP)] + [
    (t % ran(n), True) for n, t in enumerate(URLS, start=len(MARKUP))
]
CORPUS = [s for s, _ in CASES]
TITLE = f"</title><img src=x onerror={ran(99)}>"
# Targets that would leave the widget: live_patch, live_redirect and JS().patch refuse them all.
LEAVING = [*CORPUS, "//evil.example/", "/\\evil.example/", "/\t/evil.example", "/\n/evil"]

APP = r'''
import json, logging
from types import SimpleNamespace as Field
import jinja2
from livewidget import JS, LiveView, LiveWidget
from livewidget.template import CompiledTemplate, environment

CASES = json.loads(CASES_JSON)
CORPUS = [s for s, _ in CASES]
TITLE, LEAVING = json.loads(TITLE_JSON), json.loads(LEAVING_JSON)

class Count(logging.Handler):
    """Counts the kernel's 'neutralised an unsafe URL' warnings."""
    seen = 0
    def emit(self, record):
        Count.seen += "neutralised an unsafe URL" in record.getMessage()

logging.getLogger("livewidget").addHandler(Count())

def refuses(make):
    try:
        make()
    except (ValueError, jinja2.TemplateSyntaxError):
        return True
    return False

helpers = environment().globals
accepted = [t for t in LEAVING if not all(refuses(f) for f in (
    lambda: helpers["live_patch"]("x", t), lambda: helpers["live_redirect"]("x", t),
    lambda: JS().patch(t), lambda: JS().navigate(t)))]
compile_refused = sum(refuses(lambda: CompiledTemplate(environment(), src)) for src in (
    "<p title={{ v }}>x</p>", "<a href={{ v }}>x</a>",
    "<script>let a = {{ v }};</script>", "<style>p { color: {{ v }} }</style>"))

CATCH = """
export default {
  mounted() {
    window.__dispatched = {};
    this.el.addEventListener("lw-xss", (e) => { window.__dispatched[e.detail.i] = e.detail.s; });
    window.addEventListener("phx:xss", (e) => { window.__window = e.detail.corpus; });
    this.handleEvent("xss", (payload) => { window.__hook = payload.corpus; });
    document.body.dataset.catch = "mounted";
  },
};
"""

class Hostile(LiveView):
    template = """
<p id="echo">{{ echoed }}</p><p id="echo-at">{{ echo_at }}</p><p id="patched">{{ patched }}</p>
<p id="accepted">{{ accepted | tojson }}</p><p id="compile-refused">{{ compile_refused }}</p>
<p id="neutralised">{{ neutralised }}</p>
{% if flash.info %}<p id="flash">{{ flash.info }}</p>{% endif %}
<button id="do-flash" phx-click="flash">f</button><button id="do-title" phx-click="title">t</button>
<button id="do-push" phx-click="push">p</button><button id="do-count" phx-click="count">n</button>
<div id="catch" phx-hook="Catch"></div>
{% for s, is_url in cases %}{% set i = loop.index0 %}{% set f = fields[i] %}
<section class="case" id="case-{{ i }}">
<p class="text">{{ s }}</p>
<span class="attr" title="{{ s }}" data-q='{{ s }}'>hover</span>
<a class="url" href="{{ s }}">a</a><a class="url2" href="{{ base }}{{ s }}">b</a>
<button class="pv" phx-click="echo" phx-value-s="{{ s }}" phx-value-at="pv{{ i }}">pv</button>
{% set push = JS().push('echo', value={'s': s, 'at': 'js' ~ i}) %}
{% set dispatch = JS().dispatch('lw-xss', to='#catch', detail={'s': s, 'i': i}) %}
{% set set_href = JS().set_attribute('href', s, to='#case-' ~ i ~ ' .jstarget') %}
<button class="jspush" phx-click="{{ push }}">js</button>
<button class="jsdispatch" phx-click="{{ dispatch }}">d</button>
<button class="jsset" phx-click="{{ set_href }}">set</button>
<a class="jstarget">t</a>
{{ live_patch(s, to="/?i=" ~ i, class_="lp") }}
{{ input(f) }}{{ label(f, s) }}{{ select(f, [s, ("other", "x")]) }}
{{ textarea(f) }}{{ error_tag(f) }}
{% if is_url %}<form class="form" action="{{ s }}"><button class="submit">go</button>
<button class="formaction" formaction="{{ s }}">go</button></form>{% endif %}
</section>{% endfor %}
"""
    hooks = {"Catch": CATCH}

    def mount(self, socket, session, params):
        fields = [Field(name=s, id=f"f{i}", value=s, errors=(s,)) for i, s in enumerate(CORPUS)]
        socket.assign(cases=CASES, fields=fields, base="", echoed="", echo_at="", patched="",
                      accepted=accepted, compile_refused=compile_refused, neutralised=0)

    def handle_params(self, params, url, socket):
        socket.assign(patched=params.get("i", ""))

    def handle_event(self, event, params, socket):
        if event == "echo":
            socket.assign(echoed=params["s"], echo_at=params["at"])
        elif event == "flash":
            socket.put_flash("info", " | ".join(CORPUS))
        elif event == "title":
            socket.page_title = TITLE
        elif event == "push":
            socket.push_event({"type": "xss", "corpus": CORPUS})
        elif event == "count":
            socket.assign(neutralised=Count.seen)

LiveWidget({"/": Hostile}, sync_url=True)
'''


def app_source() -> str:
    """The notebook cell, with the corpus handed over as JSON literals."""
    return (
        APP.replace("json.loads(CASES_JSON)", f"json.loads({json.dumps(CASES)!r})")
        .replace("json.loads(TITLE_JSON)", f"json.loads({json.dumps(TITLE)!r})")
        .replace("json.loads(LEAVING_JSON)", f"json.loads({json.dumps(LEAVING)!r})")
    )


def script_scheme(url: str) -> bool:
    """Whether a browser reads ``url``, taken as it is (no entities decoded), as a script URL."""
    probe = re.sub(r"[\x00-\x20\x7f-\x9f]+", "", url).lower()
    raster = probe.startswith("data:image/") and not probe.startswith("data:image/svg")
    return probe.startswith(("javascript:", "vbscript:", "data:")) and not raster


def our_errors(messages: list[str]) -> list[str]:
    """Uncaught page errors, and errors our client logged (its prefix)."""
    return [m for m in messages if m.startswith("[pageerror]") or "[livewidget]" in m]


def test_no_hostile_assign_runs_and_each_shows_literally(
    voila: Callable[..., str], page: Page, make_notebook: Callable[..., Path]
) -> None:
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"[console.error] {message.text}")

    def on_error(error: Error) -> None:
        problems.append(f"[pageerror] {error}")

    page.on("console", on_console)
    page.on("pageerror", on_error)
    base = voila(make_notebook([app_source()]))
    page.goto(base)
    expect(page.locator("#case-0")).to_be_attached(timeout=60_000)
    expect(page.locator("body")).to_have_attribute("data-catch", "mounted")
    cases = page.locator(".case")
    expect(cases).to_have_count(len(CASES))

    # refused before anything renders: targets leaving the widget, unsafe template placements
    expect(page.locator("#accepted")).to_have_text("[]")
    expect(page.locator("#compile-refused")).to_have_text("4")

    # Clicked last: Chromium treats a click on an `unsafe:` URL as an external protocol
    # launch, after which this page's kernel connection no longer answers.
    to_click = []
    for i, (s, is_url) in enumerate(CASES):
        case = page.locator(f"#case-{i}")
        # shown literally: text, attributes, form helpers, the live_patch label
        assert case.locator(".text").text_content() == s
        assert case.locator(".attr").get_attribute("title") == s
        assert case.locator(".attr").get_attribute("data-q") == s
        assert case.locator("label").text_content() == s
        assert case.locator("input").get_attribute("value") == s
        assert case.locator("input").get_attribute("name") == s
        assert case.locator("option").first.text_content() == s
        assert case.locator("textarea").input_value() == s
        assert case.locator(".lw-field-error").text_content() == s
        assert case.locator("a.lp").text_content() == s
        case.locator(".attr").hover()
        case.locator(".text").hover()
        case.locator(".url").hover()

        # phx-value-* and JS().push reach the kernel unchanged
        case.locator(".pv").click()
        expect(page.locator("#echo-at")).to_have_text(f"pv{i}")
        assert page.locator("#echo").text_content() == s
        case.locator(".jspush").click()
        expect(page.locator("#echo-at")).to_have_text(f"js{i}")
        assert page.locator("#echo").text_content() == s
        case.locator(".jsdispatch").click()
        case.locator(".jsset").click()
        target = case.locator(".jstarget")
        case.locator("a.lp").click()
        expect(page.locator("#patched")).to_have_text(str(i))

        # JS().set_attribute sets the value as it is: entities are not decoded there
        if script_scheme(s):
            assert target.get_attribute("href") == "unsafe:" + s
            to_click.append(target)
        else:
            assert target.get_attribute("href") == s
        if is_url:
            # script schemes are neutralised wherever a template puts a URL; then click them
            for link in (case.locator(".url"), case.locator(".url2")):
                assert link.get_attribute("href") == "unsafe:" + s
            assert case.locator("form").get_attribute("action") == "unsafe:" + s
            assert case.locator(".formaction").get_attribute("formaction") == "unsafe:" + s
            to_click += [case.locator(sel) for sel in (".url", ".url2", ".submit", ".formaction")]

    dispatched = page.evaluate("window.__dispatched")
    assert dispatched == {str(i): s for i, s in enumerate(CORPUS)}

    page.locator("#do-push").click()
    page.wait_for_function("window.__hook !== undefined && window.__window !== undefined")
    assert page.evaluate("window.__hook") == CORPUS
    assert page.evaluate("window.__window") == CORPUS

    page.locator("#do-flash").click()
    expect(page.locator("#flash")).to_be_attached()
    assert page.locator("#flash").text_content() == " | ".join(CORPUS)
    page.locator("#do-title").click()
    expect(page).to_have_title(TITLE)

    # the kernel logged each neutralised URL (four URL attributes per URL-like case)
    page.locator("#do-count").click()
    expect(page.locator("#neutralised")).not_to_have_text("0")
    assert int(page.locator("#neutralised").inner_text()) >= 4 * sum(u for _, u in CASES)

    # a last round trip, so that anything a click set off has had its turn
    page.locator("#case-0 .pv").click()
    expect(page.locator("#echo-at")).to_have_text("pv0")
    assert page.evaluate("top.__xss") is None

    # the neutralised links and forms, clicked: a script URL would run within a task or two
    for element in to_click:
        element.click()
    page.wait_for_timeout(500)
    assert page.url.startswith(base)
    assert page.evaluate("top.__xss") is None
    assert our_errors(problems) == []
