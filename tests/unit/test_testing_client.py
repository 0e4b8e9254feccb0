"""livewidget.testing tells the truth: every callback's error raises, titles travel once."""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from livewidget import AsyncResult, LiveView
from livewidget.testing import LiveViewTest, ViewError


class Fragile(LiveView):
    """Each callback raises when asked to, through the session or the event that triggers it."""

    template = """<p id="n">{{ n }}</p>
<a id="bad-link" href="/?fail=1" data-phx-link="patch">fail</a>
<button phx-click="patch-bad">patch</button>
<button phx-click="later">later</button>
<button phx-click="work">work</button>
<button phx-click="bump">bump</button>"""

    def mount(self, socket, session, params):
        if session.get("fail_mount"):
            raise RuntimeError("mount failed on purpose")
        socket.assign(n=0)
        self.gate = threading.Event()  # the background work ends when a test opens it

    def handle_params(self, params, url, socket):
        if params.get("fail"):
            raise LookupError(f"no such page: {url}")

    def handle_event(self, event, params, socket):
        if event == "patch-bad":
            socket.push_patch("/", {"fail": "1"})
        elif event == "later":
            socket.send_info_after(0.2, "fail")  # well after the click returned
        elif event == "work":
            socket.start_async("job", lambda: 42 if self.gate.wait(10) else 0)
        elif event == "bump":
            socket.assign(n=socket.assigns.n + 1)

    def handle_info(self, info, socket):
        if info == "fail":
            raise ValueError("handle_info failed on purpose")
        socket.assign(n=info)

    def handle_async(self, name: str, result: AsyncResult, socket) -> None:
        raise KeyError(f"handle_async failed on purpose with {result.result}")


class BadRender(LiveView):
    template = "<p>{{ 1 // zero }}</p>"

    def mount(self, socket, session, params):
        socket.assign(zero=0)


# -- mount and the first render: the constructor raises ----------------------------------------


def test_a_failing_mount_raises_from_the_constructor_and_ends_the_view():
    before = _client_threads()
    with pytest.raises(ViewError, match="mount failed on purpose") as caught:
        LiveViewTest(Fragile, session={"fail_mount": True})
    assert _client_threads() == before  # its loop's thread ended with it
    assert "Fragile raised RuntimeError while mounting" in caught.value.error["message"]
    assert "traceback" in caught.value.error


def test_a_failing_first_render_raises_from_the_constructor():
    with pytest.raises(ViewError, match="ZeroDivisionError"):
        LiveViewTest(BadRender)


def test_a_failing_mount_is_recorded_when_errors_are_not_raised():
    with LiveViewTest(Fragile, session={"fail_mount": True}, raise_errors=False) as view:
        assert "mount failed on purpose" in view.errors[0]["message"]
        assert "could not be shown" in view.html()


# -- handle_params: a live link, a push_patch, navigate ----------------------------------------


def test_handle_params_failing_after_a_live_link_raises():
    with LiveViewTest(Fragile) as view:
        with pytest.raises(ViewError, match="no such page: /\\?fail=1"):
            view.click("#bad-link")
        assert view.url == "/"  # the failed patch moved nothing


def test_handle_params_failing_after_push_patch_raises():
    with LiveViewTest(Fragile) as view, pytest.raises(ViewError, match="in handle_params"):
        view.click("button[phx-click=patch-bad]")


def test_handle_params_failing_after_navigate_raises():
    with LiveViewTest(Fragile) as view, pytest.raises(ViewError, match="LookupError"):
        view.navigate("/?fail=1")


# -- handle_info: send_info, timers ------------------------------------------------------------


def test_handle_info_failing_after_send_info_raises():
    with LiveViewTest(Fragile) as view:
        view.send_info(7)
        assert view.find("#n").get_text() == "7"
        with pytest.raises(ViewError, match="handle_info failed on purpose"):
            view.send_info("fail")
        assert view.find("#n").get_text() == "7"


def test_a_timer_failing_during_run_for_raises_from_run_for():
    with LiveViewTest(Fragile) as view:
        view.click("button[phx-click=later]")
        with pytest.raises(ViewError, match="while in handle_info"):
            view.run_for(0.5)


def test_wait_until_raises_the_error_it_saw_arrive():
    with LiveViewTest(Fragile) as view:
        view.click("button[phx-click=later]")
        with pytest.raises(ViewError, match="handle_info failed"):
            view.wait_until(lambda: view.errors)


def test_an_error_left_when_the_block_ends_raises_from_exit():
    view = LiveViewTest(Fragile)
    with pytest.raises(ViewError, match="handle_info failed"), view:
        view.session.send_info("fail")
        _recorded(view)
    assert view._loop.is_closed()


def test_exit_never_hides_the_exception_that_ended_the_block():
    with pytest.raises(LookupError, match="expected exactly one"), LiveViewTest(Fragile) as view:
        view.session.send_info("fail")
        _recorded(view)
        view.find("button")  # four buttons: the LookupError ends the block


# -- handle_async ------------------------------------------------------------------------------


def test_handle_async_failing_raises_from_the_next_wait():
    with LiveViewTest(Fragile) as view:
        view.click("button[phx-click=work]")
        view.view.gate.set()
        with pytest.raises(ViewError, match="handle_async failed on purpose with 42"):
            view.wait_until(lambda: view.errors)


# -- what raising means ------------------------------------------------------------------------


def test_each_error_raises_once():
    with LiveViewTest(Fragile) as view:
        with pytest.raises(ViewError):
            view.send_info("fail")
        assert view.click("button[phx-click=bump]")  # no second ViewError for the same error
        assert view.find("#n").get_text() == "1"
        assert len(view.errors) == 1


def test_several_errors_raise_together_first_one_first():
    with LiveViewTest(Fragile) as view:
        view.session.send_info("fail")  # queued straight on the session: nothing waits yet
        view.session.send_info("fail")
        with pytest.raises(ViewError, match="and 1 more error") as caught:
            view.flush()
        assert len(caught.value.errors) == 2
        assert caught.value.error is caught.value.errors[0]


def test_with_raise_errors_false_errors_are_only_recorded():
    with LiveViewTest(Fragile, raise_errors=False) as view:
        view.send_info("fail")
        view.navigate("/?fail=1")
        view.click("button[phx-click=work]")
        view.view.gate.set()
        view.wait_until(lambda: len(view.errors) == 3)
        assert [e["message"].split(" while ")[1].split(":")[0] for e in view.errors] == [
            "in handle_info",
            "in handle_params",
            "in handle_async",
        ]


def test_send_raw_returns_its_errors_instead_of_raising():
    with LiveViewTest(Fragile) as view:
        replies = view.send_raw({"k": "nonsense"})
        assert "Bad message" in replies[-1]["err"]["message"]
        assert view.click("button[phx-click=bump]")  # that error was returned, not pending


def test_send_raw_still_raises_an_error_from_before_it():
    with LiveViewTest(Fragile) as view:
        view.session.send_info("fail")
        _recorded(view)
        with pytest.raises(ViewError, match="handle_info failed"):
            view.send_raw({"k": "nonsense"})


# -- page title --------------------------------------------------------------------------------


class Titled(LiveView):
    template = '<button phx-click="go">{{ n }}</button>'

    def mount(self, socket, session, params):
        socket.page_title = "Home"
        socket.assign(n=0)

    def handle_event(self, event, params, socket):
        socket.assign(n=socket.assigns.n + 1)
        if socket.assigns.n == 2:
            socket.page_title = "Second"


def test_a_title_set_in_mount_travels_once():
    with LiveViewTest(Titled) as view:
        assert view.messages[0]["t"] == "Home"
        view.click("button")
        assert "t" not in view.messages[-1]
        view.click("button")
        assert view.messages[-1]["t"] == "Second"
        view.click("button")
        assert "t" not in view.messages[-1]
        assert view.title == "Second"


# -- find_all ----------------------------------------------------------------------------------


def test_find_all_returns_every_match_in_page_order():
    with LiveViewTest(Fragile) as view:
        buttons = view.find_all("button")
        assert [b["phx-click"] for b in buttons] == ["patch-bad", "later", "work", "bump"]
        assert view.find_all("table") == []


def _client_threads() -> int:
    return sum(t.name == "livewidget-test-client" for t in threading.enumerate())


def _recorded(view: LiveViewTest) -> None:
    """Wait until the view's error reached the client, without a call that waits on the view."""
    for _ in range(2000):
        if view.errors:
            return
        time.sleep(0.005)
    raise AssertionError("the view's error never reached the client")


# -- the docs page matches the code ------------------------------------------------------------

DOCS = Path(__file__).parents[2] / "docs" / "testing.md"


def _signature(fn: Callable[..., Any]) -> str:
    """``name(a, b=None, *, c=None, **d)``: the signature as the docs write it (no types)."""
    sig = inspect.signature(fn)
    params = [
        p.replace(annotation=inspect.Parameter.empty)
        for p in sig.parameters.values()
        if p.name != "self"
    ]
    return f"{fn.__name__}{sig.replace(parameters=params, return_annotation=sig.empty)}"


def test_the_docs_name_every_public_call_of_the_client():
    text = DOCS.read_text(encoding="utf-8")
    public = [
        name
        for name, member in vars(LiveViewTest).items()
        if not name.startswith("_") and inspect.isfunction(member)
    ]
    missing = [name for name in public if f"`{name}(" not in text and f" {name}(" not in text]
    assert not missing, f"docs/testing.md does not mention {missing}"


@pytest.mark.parametrize(
    "method",
    ["change", "submit", "click", "keydown", "focus", "find", "find_all", "run_for", "wait_until"],
)
def test_the_docs_give_the_real_signature(method):
    assert f"`{_signature(getattr(LiveViewTest, method))}`" in DOCS.read_text(encoding="utf-8")
