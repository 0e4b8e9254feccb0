"""A comm that records what a widget publishes, so widgets run without a kernel."""

from __future__ import annotations

from typing import Any

from comm.base_comm import BaseComm


class RecordingComm(BaseComm):
    """Keeps every custom message the widget sends; frontend messages go in by :meth:`feed`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.custom: list[Any] = []
        self.opened: Any = None  # the comm_open's data (the widget's state)
        self.opened_buffers: list[Any] = []  # its binary buffers (state["buffer_paths"])
        super().__init__(*args, **kwargs)

    def publish_msg(
        self,
        msg_type: str,
        data: Any = None,
        metadata: Any = None,
        buffers: Any = None,
        **keys: Any,
    ) -> None:
        if msg_type == "comm_open":
            self.opened, self.opened_buffers = data, list(buffers or [])
        elif msg_type == "comm_msg" and data and data.get("method") == "custom":
            self.received(data["content"])

    def received(self, content: Any) -> None:
        """One custom message the widget sent."""
        self.custom.append(content)

    def feed(self, content: Any) -> None:
        """Deliver ``content`` as the frontend's ``model.send(content)`` would arrive."""
        self.handle_msg(
            {"content": {"data": {"method": "custom", "content": content}}, "buffers": []}
        )


class CountingComm(RecordingComm):
    """Counts the custom messages; keeps none of them (nor measures them: that takes time)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.sent = 0
        super().__init__(*args, **kwargs)

    def received(self, content: Any) -> None:
        self.sent += 1
