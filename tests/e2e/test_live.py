"""Live by itself, end to end: two Voilà visitors share a chat through Redis; a clock ticks
in JupyterLab."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.integration.conftest import RedisServer

CHAT = Path(__file__).parents[2] / "notebooks" / "chat.ipynb"

CLOCK_CELL = '''
from livewidget import LiveView, LiveWidget

class Clock(LiveView):
    template = """<p>ticks: <span id="ticks">{{ ticks }}</span></p>"""

    def mount(self, socket, session, params):
        socket.assign(ticks=0)
        socket.every(0.2, "tick")

    def handle_info(self, info, socket):
        socket.assign(ticks=socket.assigns.ticks + 1)

LiveWidget(Clock)
'''


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed: apt-get install redis-server", pytrace=False)
    server = RedisServer(binary, tmp_path)
    server.start()
    yield server
    server.stop()


def test_two_voila_visitors_share_the_chat_through_redis(voila, page: Page, redis, tmp_path):
    notebook = tmp_path / "chat.ipynb"
    shutil.copy(CHAT, notebook)
    url = voila(notebook, env={"LIVEWIDGET_PUBSUB": redis.url})
    other = page.context.new_page()
    page.goto(url)
    other.goto(url)
    for visitor in (page, other):
        expect(visitor.locator("#chat-status")).to_contain_text(
            "every kernel on Redis", timeout=60_000
        )
    page.locator("#click").click()
    expect(other.locator("#clicks")).to_have_text("1")
    other.locator("input[name=text]").fill("hello from the other kernel")
    other.locator("#chat-send").click()
    expect(page.locator("#chat-log li")).to_contain_text(["hello from the other kernel"])
    # and Redis going away leaves each page working for its own kernel
    redis.stop()
    expect(page.locator("#chat-status")).to_contain_text("offline", timeout=15_000)
    page.locator("#click").click()
    expect(page.locator("#clicks")).to_have_text("2")


def test_a_clock_ticks_in_jupyterlab(jupyter_lab, page: Page, make_notebook) -> None:
    jupyter_lab.open_notebook(page, make_notebook([CLOCK_CELL]))
    ticks = page.locator(".lw-root #ticks")
    ticks.wait_for(timeout=60_000)
    first = int(ticks.inner_text())
    expect(ticks).not_to_have_text(str(first))
    assert int(ticks.inner_text()) > first
