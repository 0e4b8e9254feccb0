"""livewidget: Phoenix LiveView's programming model in Python, displayed as Jupyter widgets.

>>> from livewidget import LiveView, LiveWidget
>>> class Counter(LiveView):
...     template = '<button phx-click="inc">{{ count }}</button>'
...     def mount(self, socket, session, params):
...         socket.assign(count=0)
...     def handle_event(self, event, params, socket):
...         socket.assign(count=socket.assigns.count + 1)
>>> widget = LiveWidget(Counter)   # display it: the last expression of a cell
"""

from markupsafe import Markup, escape

from . import pubsub
from ._core.session import Session
from ._live.async_work import AsyncResult, AsyncValue
from ._live.timers import Timer
from .component import ComponentSocket, LiveComponent
from .config import configure
from .errors import (
    BadMessageError,
    ClosedError,
    LiveWidgetError,
    TemplateNotFoundError,
    UnhandledEventError,
)
from .js import JS
from .socket import Assigns, Socket
from .view import LiveView
from .widget import LiveWidget

__version__ = "0.1.0"

__all__ = [
    "JS",
    "Assigns",
    "AsyncResult",
    "AsyncValue",
    "BadMessageError",
    "ClosedError",
    "ComponentSocket",
    "LiveComponent",
    "LiveView",
    "LiveWidget",
    "LiveWidgetError",
    "Markup",
    "Session",
    "Socket",
    "TemplateNotFoundError",
    "Timer",
    "UnhandledEventError",
    "configure",
    "escape",
    "pubsub",
]
