"""PubSub fan-out: 200 views subscribed in one kernel, 1,000 broadcasts.

    python -m bench.pubsub_fanout [VIEWS] [BROADCASTS] [--redis URL]

All views are Sessions on one event loop (as in a kernel); each subscribes to ``bench`` and
renders the last message and a count. For each way of sending, the table gives the messages
delivered (``handle_info`` calls), the time per delivery (handler + render + diff + send), and
a responsiveness probe: the latency of a ``loop.call_soon`` ping sent every millisecond while
the fan-out runs, against the same probe on the idle loop measured first, in the same run.
With ``--redis URL`` (a running Redis), a last row sends the broadcasts from another kernel:
a second Python process publishing with a plain redis-py client. Prints figures only.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import livewidget
from bench._table import print_table
from livewidget import LiveView, Session, pubsub

TOPIC = "bench"


class Subscriber(LiveView):
    template = '<p id="last">{{ last }}</p><p id="count">{{ count }}</p>'

    def mount(self, socket, session, params):
        socket.assign(last=None, count=0)
        socket.subscribe(TOPIC)

    def handle_info(self, info, socket):
        socket.assign(last=info.get("i") if isinstance(info, dict) else info)
        socket.assign(count=socket.assigns.count + 1)


class Probe:
    """Pings the loop every millisecond; records how late each ``call_soon`` callback ran."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.latencies: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            sent = time.perf_counter()
            self.loop.call_soon(lambda s=sent: self.latencies.append(time.perf_counter() - s))
            await asyncio.sleep(0.001)

    def start(self) -> None:
        self.latencies.clear()
        self._task = self.loop.create_task(self._run())

    async def stop(self) -> dict[str, float]:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        ms = sorted(x * 1000 for x in self.latencies) or [0.0]
        return {
            "p50": statistics.median(ms),
            "p99": ms[min(len(ms) - 1, int(len(ms) * 0.99))],
            "max": ms[-1],
        }


async def mount_views(count: int, sink: list[int]) -> list[Session]:
    loop = asyncio.get_running_loop()
    sessions = []
    for _ in range(count):
        session = Session(Subscriber, send=lambda m: sink.append(1), loop=loop)
        session.start()
        session.receive({"k": "join"})
        sessions.append(session)
    for session in sessions:
        await session.drain()
    return sessions


def delivered(sessions: list[Session]) -> int:
    return sum(s.socket.assigns["count"] for s in sessions)


async def measure(
    name: str,
    sessions: list[Session],
    send_all: Callable[[], Awaitable[None]],
    expected: int,
    probe: Probe,
) -> list[Any]:
    before = delivered(sessions)
    probe.start()
    start = time.perf_counter()
    await send_all()
    while delivered(sessions) - before < expected:
        await asyncio.sleep(0.0005)
    for session in sessions:
        await session.drain()
    elapsed = time.perf_counter() - start
    latency = await probe.stop()
    count = delivered(sessions) - before
    return [
        name,
        count,
        round(elapsed, 2),
        round(elapsed / count * 1e6, 1),
        round(latency["p50"], 2),
        round(latency["p99"], 2),
        round(latency["max"], 1),
    ]


async def run(views: int, broadcasts: int, redis_url: str | None) -> list[list[Any]]:
    loop = asyncio.get_running_loop()
    sink: list[int] = []
    sessions = await mount_views(views, sink)
    probe = Probe(loop)
    expected = views * broadcasts

    probe.start()
    await asyncio.sleep(0.5)
    idle = await probe.stop()
    rows: list[list[Any]] = [
        ["idle loop (baseline)", 0, 0.5, "-", *(round(idle[k], 2) for k in ("p50", "p99", "max"))]
    ]

    async def send_info_paced() -> None:
        for i in range(broadcasts):
            for session in sessions:
                session.send_info({"i": i})
            await asyncio.sleep(0)

    async def broadcast_paced() -> None:
        for i in range(broadcasts):
            pubsub.broadcast(TOPIC, {"i": i})
            await asyncio.sleep(0)

    async def broadcast_burst() -> None:
        for i in range(broadcasts):  # like a cell's for loop: no yield in between
            pubsub.broadcast(TOPIC, {"i": i})

    rows.append(
        await measure(
            "send_info to each view (no PubSub)", sessions, send_info_paced, expected, probe
        )
    )
    rows.append(
        await measure("broadcast, in-process, paced", sessions, broadcast_paced, expected, probe)
    )
    rows.append(
        await measure(
            "broadcast, in-process, one burst", sessions, broadcast_burst, expected, probe
        )
    )
    if redis_url is not None:
        backend = pubsub.use(redis_url)
        await asyncio.to_thread(backend.wait_connected, 10)  # type: ignore[attr-defined]
        while not backend.is_subscribed(TOPIC):  # type: ignore[attr-defined]
            await asyncio.sleep(0.01)

        async def from_another_kernel() -> None:
            subprocess.Popen([sys.executable, "-c", PUBLISHER, redis_url, str(broadcasts)])

        rows.append(
            await measure(
                "broadcast from another kernel via Redis",
                sessions,
                from_another_kernel,
                expected,
                probe,
            )
        )
        livewidget.configure(pubsub="local")
    for session in sessions:
        session.close()
    return rows


#: Another kernel: a process that publishes with a plain redis-py client.
PUBLISHER = f"""
import json, sys
import redis
client = redis.Redis.from_url(sys.argv[1])
for i in range(int(sys.argv[2])):
    client.publish("livewidget:{TOPIC}", json.dumps({{"i": i}}))
client.close()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("views", nargs="?", type=int, default=200, help="views subscribed")
    parser.add_argument("broadcasts", nargs="?", type=int, default=1000, help="broadcasts sent")
    parser.add_argument("--redis", metavar="URL", help="also through a Redis server at URL")
    args = parser.parse_args()
    views, broadcasts, redis_url = args.views, args.broadcasts, args.redis
    livewidget.configure(pubsub="local")
    rows = asyncio.run(run(views, broadcasts, redis_url))
    print_table(
        f"PubSub fan-out: {views} views on one loop, {broadcasts} broadcasts "
        f"(probe: call_soon latency, ms, pinged every 1 ms)",
        ["sent by", "delivered", "s", "µs/delivery", "probe p50", "probe p99", "probe max"],
        rows,
    )


if __name__ == "__main__":
    main()
