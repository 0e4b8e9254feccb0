"""The built frontend in Chromium applies the benchmark's 1,000-row updates exactly, and
cheaply: the page ends as the server renders it, rows it does not change keep their
elements, and only what changed is parsed (counts and bytes, not times)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from bench.browser_patch import PAGE_SCRIPT, scenario_messages
from bench.scenarios import SCENARIOS, TABLE_TEMPLATE

TABLE_SCENARIOS = [name for name, scenario in SCENARIOS.items() if scenario[0] == TABLE_TEMPLATE]
ROUNDS = 4

#: Counts the characters of HTML the page parses through innerHTML while applying a message.
APPLY_COUNTING_PARSES = """
(message) => {
  const descriptors = [Element.prototype, HTMLTemplateElement.prototype]
    .map((proto) => [proto, Object.getOwnPropertyDescriptor(proto, "innerHTML")])
    .filter(([, descriptor]) => descriptor);
  let parsed = 0;
  for (const [proto, original] of descriptors) {
    Object.defineProperty(proto, "innerHTML", {...original, set(html) {
      parsed += html.length;
      original.set.call(this, html);
    }});
  }
  try {
    window.__emit(message);
  } finally {
    for (const [proto, d] of descriptors) Object.defineProperty(proto, "innerHTML", d);
  }
  return parsed;
}
"""

#: Tags every row element, so that a later check sees which ones were kept.
TAG_ROWS = "() => { for (const tr of document.querySelectorAll('tbody tr')) tr.__kept = true; }"
KEPT_ROWS = "() => [...document.querySelectorAll('tbody tr')].filter((tr) => tr.__kept).length"


@pytest.mark.parametrize("name", TABLE_SCENARIOS)
def test_updates_end_as_the_server_renders_and_parse_only_what_changed(
    page: Page, bundle_url: str, name: str
) -> None:
    first, messages, final_html = scenario_messages(name, ROUNDS)
    page.set_content("<html><body></body></html>")
    rows = page.evaluate(PAGE_SCRIPT, [bundle_url, first])
    assert rows >= 1000
    # The first update learns each row's shape (parsing it once); measure the later ones.
    page.evaluate("(m) => window.__emit(m)", messages[0])
    for message in messages[1:]:
        page.evaluate(TAG_ROWS)
        parsed = page.evaluate(APPLY_COUNTING_PARSES, message)
        row_count = page.evaluate("document.querySelectorAll('tbody tr').length")
        kept = page.evaluate(KEPT_ROWS)
        # Appended rows are new; a removed row is gone; the others keep their elements.
        assert kept >= row_count - 1, f"{name}: only {kept} of {row_count} rows kept"
        assert parsed < 2_000, f"{name}: parsed {parsed} characters of HTML for one update"
    shown = page.evaluate("document.querySelector('.lw-view').innerHTML")
    assert shown == final_html
