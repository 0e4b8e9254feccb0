"""TCP_NODELAY on Jupyter's kernel websockets: the hook installed with the package."""

from __future__ import annotations

import os
import subprocess
import sys
import types

import pytest

from livewidget import _nodelay

CHECK = (
    "import jupyter_server.services.kernels.websocket as m, voila.tornado.kernel_websocket_handler"
    " as v; print(getattr(m.KernelWebsocketHandler, '_livewidget_nodelay', False),"
    " getattr(v.VoilaKernelWebsocketHandler, '_livewidget_nodelay', False))"
)


def run_check(**env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", CHECK],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_a_fresh_interpreter_patches_lab_and_voila_handlers():
    assert run_check() == "True True"


def test_the_environment_switch_turns_it_off():
    assert run_check(LIVEWIDGET_NODELAY="0") == "False False"


@pytest.mark.parametrize(("value", "on"), [("0", False), ("off", False), ("1", True), ("", True)])
def test_enabled(monkeypatch, value, on):
    monkeypatch.setenv("LIVEWIDGET_NODELAY", value)
    assert _nodelay.enabled() is on


def fake_module():
    calls = []

    class Handler:
        def set_nodelay(self, value):
            calls.append(("nodelay", value))

        async def open(self, kernel_id):
            calls.append(("open", kernel_id))
            return "opened"

    return types.SimpleNamespace(KernelWebsocketHandler=Handler), calls


def test_patch_sets_nodelay_before_the_original_open():
    import asyncio

    module, calls = fake_module()
    assert _nodelay.patch(module)
    assert _nodelay.patch(module)  # idempotent: wrapped once
    result = asyncio.run(module.KernelWebsocketHandler().open("k1"))
    assert result == "opened"
    assert calls == [("nodelay", True), ("open", "k1")]


def test_patch_leaves_modules_without_the_handler_alone():
    assert not _nodelay.patch(types.SimpleNamespace())
