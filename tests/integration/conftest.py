"""A real redis-server for the PubSub integration tests, on a free loopback port."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import livewidget
from livewidget import pubsub

STARTUP_SECONDS = 10.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    """One redis-server process (no persistence) that a test can stop and start again."""

    def __init__(self, binary: str, directory: Path) -> None:
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def log(self) -> Path:
        return self.directory / "redis.log"

    def start(self) -> None:
        """Start the server (on the same port every time) and wait until it answers PING."""
        assert self.process is None, "already running"
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.directory),
                "--logfile", str(self.log),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if self.ping():
                return
            time.sleep(0.02)
        log = self.log.read_text() if self.log.exists() else "(no log)"
        self.stop()
        pytest.fail(f"redis-server did not start on port {self.port}:\n{log}", pytrace=False)

    def stop(self, *, hard: bool = False) -> None:
        """Stop the server: SIGKILL with ``hard`` (Redis vanishes), else SIGTERM."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.kill(process.pid, signal.SIGKILL if hard else signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(10)

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def admin(self):  # a plain (sync) redis-py client for the test itself
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, db=0)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A running redis-server; fails (never skips) when it is not installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail(
            "redis-server is not installed; these tests need it: apt-get install redis-server",
            pytrace=False,
        )
    server = RedisServer(binary, tmp_path)
    server.start()
    yield server
    livewidget.configure(pubsub="local")  # close the test's backend before Redis goes
    server.stop()


@pytest.fixture(autouse=True)
def back_to_local_pubsub(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test chooses its backend; afterwards the kernel is in-process again."""
    monkeypatch.delenv(pubsub.ENV, raising=False)
    yield
    livewidget.configure(pubsub="local")
