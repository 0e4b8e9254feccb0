"""start_async / handle_async and assign_async / AsyncValue: states, failure, cancel, threads."""

from __future__ import annotations

import asyncio
import threading

import pytest

from livewidget import AsyncResult, AsyncValue, LiveView
from livewidget.testing import LiveViewTest

DATA = """<p id="data">{% if data.loading %}loading{% elif data.ok %}ok {{ data.result }}\
{% else %}failed {{ data.error }}{% endif %}</p><p id="n">{{ n }}</p>"""


class Loader(LiveView):
    """Loads ``data`` with whatever the test put in ``session["work"]``."""

    template = DATA

    def mount(self, socket, session, params):
        socket.assign(n=0)
        self.work = session["work"]
        socket.assign_async("data", self.work)

    def handle_event(self, event, params, socket):
        if event == "inc":
            socket.assign(n=socket.assigns.n + 1)
        elif event == "reload":
            socket.assign_async("data", self.work)
        elif event == "cancel":
            socket.assign(cancelled=socket.cancel_async("data"))


def test_assign_async_goes_from_loading_to_ok_in_a_thread():
    release = threading.Event()
    threads = []

    def fetch():
        threads.append(threading.current_thread())
        release.wait(5)
        return 42

    with LiveViewTest(Loader, session={"work": fetch}) as view:
        assert view.find("#data").get_text() == "loading"
        assert view.assigns.data == AsyncValue("loading")
        # The blocking function runs in a worker thread: the view answers meanwhile.
        view.push_event("inc")
        assert view.find("#n").get_text() == "1"
        release.set()
        view.wait_until(lambda: view.has_element("#data", "ok 42"))
        assert view.assigns.data.ok and view.assigns.data.result == 42
        assert threads[0] is not view._thread


def test_assign_async_goes_from_loading_to_failed_and_the_widget_keeps_working():
    def fetch():
        raise ConnectionError("the API is down")

    with LiveViewTest(Loader, session={"work": fetch}) as view:
        view.wait_until(lambda: view.has_element("#data", "failed"))
        assert view.find("#data").get_text() == "failed the API is down"
        assert isinstance(view.assigns.data.error, ConnectionError)
        assert view.errors == []
        view.push_event("inc")
        assert view.find("#n").get_text() == "1"


def test_a_coroutine_function_runs_on_the_loop():
    loops = []

    async def fetch():
        loops.append(asyncio.get_running_loop())
        await asyncio.sleep(0.01)
        return "async"

    with LiveViewTest(Loader, session={"work": fetch}) as view:
        view.wait_until(lambda: view.has_element("#data", "ok async"))
        assert loops == [view._loop]


def test_reloading_keeps_the_last_result_while_loading():
    results = iter([1, 2])
    gate = threading.Event()

    def fetch():
        value = next(results)
        if value == 2:
            gate.wait(5)
        return value

    with LiveViewTest(Loader, session={"work": fetch}) as view:
        view.wait_until(lambda: view.has_element("#data", "ok 1"))
        view.push_event("reload")
        assert view.assigns.data == AsyncValue("loading", result=1)
        gate.set()
        view.wait_until(lambda: view.has_element("#data", "ok 2"))


def test_cancel_async_fails_the_keys_with_cancelled_error():
    ended = []

    async def fetch():
        try:
            await asyncio.sleep(30)
        finally:
            ended.append("cleaned up")

    with LiveViewTest(Loader, session={"work": fetch}) as view:
        view.run_for(0.01)
        view.push_event("cancel")
        assert view.assigns.cancelled is True
        assert view.assigns.data.failed
        assert isinstance(view.assigns.data.error, asyncio.CancelledError)
        view.wait_until(lambda: ended == ["cleaned up"])
        view.push_event("cancel")
        assert view.assigns.cancelled is False  # nothing left to cancel


def test_assign_async_with_several_keys_takes_a_dict():
    class Both(LiveView):
        template = "{{ a.result }}/{{ b.result }}/{{ c.failed }}"

        def mount(self, socket, session, params):
            socket.assign_async(["a", "b"], lambda: {"a": 1, "b": 2})
            socket.assign_async(["c"], lambda: {"wrong": 3})

    with LiveViewTest(Both) as view:
        view.wait_until(lambda: view.html() == "1/2/True")
        assert "expects work to return a dict with those keys" in str(view.assigns.c.error)


class Starter(LiveView):
    template = '<p id="out">{{ out }}</p>'

    def mount(self, socket, session, params):
        socket.assign(out="")
        self.results: list[tuple[str, AsyncResult]] = []

    def handle_event(self, event, params, socket):
        work = self.work[event]
        socket.start_async(params.get("name", event), work)
        if params.get("cancel"):
            socket.cancel_async(params.get("name", event))

    def handle_async(self, name, result, socket):
        self.results.append((name, result))
        shown = result.result if result.ok else f"{type(result.error).__name__}: {result.error}"
        socket.assign(out=f"{name} -> {shown}")


def starter(**work):
    view = LiveViewTest(Starter)
    view.view.work = work
    return view


def test_start_async_calls_handle_async_with_the_result():
    async def compute():
        return 6 * 7

    with starter(compute=compute, blocking=lambda: "from a thread") as view:
        view.push_event("compute")
        view.wait_until(lambda: view.has_element("#out", "compute -> 42"))
        view.push_event("blocking")
        view.wait_until(lambda: view.has_element("#out", "blocking -> from a thread"))
        assert [r.ok for _, r in view.view.results] == [True, True]


def test_start_async_accepts_a_coroutine_object():
    async def compute(x):
        return x + 1

    with LiveViewTest(Starter) as view:
        view.view.work = {"go": compute(1)}
        view.push_event("go")
        view.wait_until(lambda: view.has_element("#out", "go -> 2"))


def test_a_failure_reaches_handle_async_as_an_error():
    def boom():
        raise ValueError("bad input")

    with starter(boom=boom) as view:
        view.push_event("boom")
        view.wait_until(lambda: view.has_element("#out", "boom -> ValueError: bad input"))
        [(_, result)] = view.view.results
        assert not result.ok and not result.cancelled


def test_cancel_async_reports_a_cancelled_result():
    async def forever():
        await asyncio.sleep(30)

    with starter(forever=forever) as view:
        view.push_event("forever", {"cancel": True})
        view.wait_until(lambda: view.view.results)
        [(name, result)] = view.view.results
        assert name == "forever" and result.cancelled and not result.ok


def test_starting_the_same_name_again_replaces_the_running_work():
    gate = threading.Event()

    def first():
        gate.wait(5)
        return "first"

    with starter(first=first, second=lambda: "second") as view:
        view.push_event("first", {"name": "job"})
        view.push_event("second", {"name": "job"})
        view.wait_until(lambda: view.has_element("#out", "job -> second"))
        gate.set()
        view.run_for(0.05)
        assert [r.result for _, r in view.view.results] == ["second"]


def test_a_view_without_handle_async_shows_a_clear_error():
    class NoHandler(LiveView):
        template = "x"

        def mount(self, socket, session, params):
            socket.start_async("job", lambda: 1)

    with LiveViewTest(NoHandler, raise_errors=False) as view:
        view.wait_until(lambda: view.errors)
        message = view.errors[0]["message"]
        assert "NoHandler raised UnhandledEventError while in handle_async" in message
        assert "define handle_async(self, name, result, socket)" in message


def test_background_work_is_cancelled_when_the_view_closes():
    ended = []

    async def forever():
        try:
            await asyncio.sleep(30)
        finally:
            ended.append(True)

    view = starter(forever=forever)
    view.push_event("forever")
    view.run_for(0.01)
    view.close()
    assert ended == [True]
    assert view.view.results == []


@pytest.mark.parametrize("bad", [42, "not callable", None])
def test_work_must_be_awaitable_or_callable(bad):
    with starter(bad=bad) as view, pytest.raises(Exception, match="background work must be"):
        view.push_event("bad")


def test_assign_async_keys_must_be_names():
    class Bad(LiveView):
        template = "x"

        def mount(self, socket, session, params):
            socket.assign_async(["not a name"], lambda: {})

    with LiveViewTest(Bad, raise_errors=False) as view:
        assert "assign_async takes an assign name" in view.errors[0]["message"]
