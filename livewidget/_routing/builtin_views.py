"""Views the session shows on its own: a route that does not exist, a view that failed to mount."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..socket import Socket
from ..view import LiveView


class NotFound(LiveView):
    """Shown for a URL no route serves; the widget stays usable (back, links)."""

    template = """<div class="lw-not-found">
  <p><strong>Not found:</strong> no route serves <code>{{ url }}</code>.</p>
  {% if routes %}<p>Routes: {% for route in routes %}<code>{{ route }}</code>{{ ", " if not loop.last }}{% endfor %}</p>{% endif %}
</div>"""  # noqa: E501

    def mount(self, socket: Socket, session: Mapping[str, Any], params: Mapping[str, Any]) -> None:
        socket.assign(url=session["url"], routes=session["routes"])


class MountFailed(LiveView):
    """Shown when a view raised while mounting; the error box has the details."""

    template = """<div class="lw-mount-failed">
  <p><strong>{{ view }}</strong> could not be shown at <code>{{ url }}</code>.</p>
</div>"""

    def mount(self, socket: Socket, session: Mapping[str, Any], params: Mapping[str, Any]) -> None:
        socket.assign(view=session["view"], url=session["url"])

    def handle_event(self, event: str, params: Mapping[str, Any], socket: Socket) -> None:
        raise RuntimeError(
            f"{socket.assigns.view} did not mount, so it cannot handle {event!r}; "
            f"fix the error shown above and display the widget again"
        )
