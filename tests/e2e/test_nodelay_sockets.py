"""TCP_NODELAY on the real servers' kernel websockets, read from the server's own socket.

A client opens a kernel websocket on a real JupyterLab server (whose handler Notebook 7 shares)
and on a real standalone Voilà; the test then takes a duplicate of the server process's socket
for that connection (``pidfd_getfd``, Linux 5.6+) and reads its TCP_NODELAY option. On with
livewidget installed; off when the server starts with ``LIVEWIDGET_NODELAY=0``.
"""

from __future__ import annotations

import base64
import ctypes
import json
import os
import re
import socket
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from _jupyter import JupyterLab, Server, start_voila, write_notebook

SYS_PIDFD_GETFD = 438  # pidfd_getfd, on x86-64 and arm64 alike


def nodelay_of_connection(pid: int, client_port: int) -> bool:
    """TCP_NODELAY of the socket that process ``pid`` holds for a peer at ``client_port``."""
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    try:
        for name in os.listdir(f"/proc/{pid}/fd"):
            try:
                if not os.readlink(f"/proc/{pid}/fd/{name}").startswith("socket:"):
                    continue
            except FileNotFoundError:
                continue  # closed meanwhile
            fd = libc.syscall(SYS_PIDFD_GETFD, pidfd, int(name), 0)
            if fd < 0:
                errno = ctypes.get_errno()
                pytest.fail(
                    f"cannot read the server's sockets (pidfd_getfd: {os.strerror(errno)}); "
                    "the test needs Linux 5.6+ and permission to ptrace its own children",
                    pytrace=False,
                )
            sock = socket.socket(fileno=fd)
            try:
                if sock.family != socket.AF_INET or sock.type != socket.SOCK_STREAM:
                    continue
                try:
                    peer_port = sock.getpeername()[1]
                except OSError:
                    continue  # a listening socket
                if peer_port == client_port:
                    return bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            finally:
                sock.close()  # our duplicate only
    finally:
        os.close(pidfd)
    raise AssertionError(f"process {pid} holds no connection from port {client_port}")


def kernel_websocket_nodelay(pid: int, url: str) -> bool:
    """Open the kernel websocket at ``url`` and read TCP_NODELAY on the server's end of it.

    The handshake is written by hand on a plain socket: no event loop, since Playwright's
    sync API may have left one running in this thread.
    """
    parts = urlsplit(url)
    assert parts.hostname and parts.port
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as client:
        key = base64.b64encode(os.urandom(16)).decode()
        client.sendall(
            (
                f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = client.recv(4096)
            assert chunk, f"the server closed the connection: {response!r}"
            response += chunk
        assert response.startswith(b"HTTP/1.1 101"), response.split(b"\r\n")[0]
        # The server's handler opens right after it answers the handshake: give it a moment.
        client_port = client.getsockname()[1]
        deadline = time.monotonic() + 2
        while True:
            nodelay = nodelay_of_connection(pid, client_port)
            if nodelay or time.monotonic() > deadline:
                return nodelay
            time.sleep(0.05)


@pytest.fixture(params=["on", "off"])
def setting(request: pytest.FixtureRequest, jupyter_env: dict[str, str]) -> Iterator[dict]:
    """The servers' environment: the hook as installed, or switched off."""
    env = dict(jupyter_env)
    if request.param == "off":
        env["LIVEWIDGET_NODELAY"] = "0"
    else:
        env.pop("LIVEWIDGET_NODELAY", None)
    yield {"env": env, "expected": request.param == "on"}


def test_jupyterlab_kernel_websocket(setting: dict, tmp_path: Path) -> None:
    lab = JupyterLab(root_dir=tmp_path, env=setting["env"], log=tmp_path / "lab.log")
    try:
        request = urllib.request.Request(lab.url("/api/kernels"), data=b"{}", method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            kernel_id = json.load(response)["id"]
        url = lab.url(f"/api/kernels/{kernel_id}/channels").replace("http://", "ws://")
        assert kernel_websocket_nodelay(lab.proc.pid, url) is setting["expected"]
    finally:
        lab.stop()


def test_voila_kernel_websocket(setting: dict, tmp_path: Path) -> None:
    notebook = write_notebook(tmp_path / "nodelay.ipynb", ["1 + 1"])
    server: Server
    server, base = start_voila(notebook, env=setting["env"], log=tmp_path / "voila.log")
    try:
        # The page request starts the notebook's kernel; the page names it.
        with urllib.request.urlopen(base, timeout=60) as response:
            page = response.read().decode()
        found = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', page)
        assert found, "Voilà's page names no kernel"
        url = f"{base}api/kernels/{found.group(1)}/channels".replace("http://", "ws://")
        assert kernel_websocket_nodelay(server.proc.pid, url) is setting["expected"]
    finally:
        server.stop()
