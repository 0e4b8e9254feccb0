"""Set TCP_NODELAY on Jupyter's kernel websockets, in JupyterLab, Notebook 7 and Voilà.

Why: jupyter_server's kernel websocket never sets TCP_NODELAY. A kernel's reply is a burst of
small frames (status busy, the message, status idle); Nagle's algorithm holds the later ones
until the browser's delayed ACK arrives, which costs ~40 ms per round trip. With TCP_NODELAY a
click answered by the kernel shows in ~5-12 ms instead of ~48 ms (see docs/latency.md).

How: installing livewidget puts ``livewidget_nodelay.pth`` in site-packages. At interpreter
start it imports this file (as the top-level module ``_livewidget_nodelay``, so that nothing
else of livewidget loads) and :func:`install` adds an import hook that waits for
``jupyter_server.services.kernels.websocket``. When a server imports it, the hook wraps
``KernelWebsocketHandler.open`` to call ``set_nodelay(True)`` first. Voilà's handler subclasses
that one, so standalone Voilà (which loads no server extensions) is covered too. Processes
that never import that module (kernels, scripts) pay one name comparison per import.

Switch it off with the environment variable ``LIVEWIDGET_NODELAY=0`` in the server's
environment. This file must import nothing from livewidget.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

TARGET = "jupyter_server.services.kernels.websocket"
ENVIRONMENT_SWITCH = "LIVEWIDGET_NODELAY"
MARKER = "_livewidget_nodelay"


def enabled() -> bool:
    """False when ``LIVEWIDGET_NODELAY=0`` (or ``false``/``off``/``no``) is set."""
    return os.environ.get(ENVIRONMENT_SWITCH, "1").strip().lower() not in {
        "0",
        "false",
        "off",
        "no",
    }


def install() -> None:
    """Patch the kernel websocket handler now, or as soon as a server imports it."""
    if not enabled():
        return
    module = sys.modules.get(TARGET)
    if module is not None:
        patch(module)
    elif not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


def patch(module: ModuleType) -> bool:
    """Wrap ``KernelWebsocketHandler.open`` in ``module``; True when it is (now) patched."""
    handler = getattr(module, "KernelWebsocketHandler", None)
    if handler is None or not hasattr(handler, "open"):
        return False
    if getattr(handler, MARKER, False):
        return True
    original = handler.open

    def open(self: Any, *args: Any, **kwargs: Any) -> Any:
        # Never let a socket option break the connection.
        with contextlib.suppress(Exception):
            self.set_nodelay(True)
        return original(self, *args, **kwargs)

    open.__doc__ = original.__doc__
    open.__wrapped__ = original  # type: ignore[attr-defined]
    handler.open = open
    setattr(handler, MARKER, True)
    return True


class _Finder(importlib.abc.MetaPathFinder):
    """Finds nothing itself: wraps the real loader of TARGET to patch after it runs."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != TARGET:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _PatchingLoader(spec.loader)
                return spec
        return None


class _PatchingLoader(importlib.abc.Loader):
    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        create = getattr(self._loader, "create_module", None)
        return create(spec) if create is not None else None

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        patch(module)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)
