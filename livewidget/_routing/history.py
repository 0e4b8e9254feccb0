"""A widget's own history stack, owned by the kernel so it survives a second display."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Entry:
    """One visited URL; ``mount`` tells which mount of a view it belongs to.

    Moving between entries of the same mount is a patch (``handle_params``); moving to an
    entry of another mount mounts its view again.
    """

    url: str
    mount: int


class History:
    """Entries and a cursor, like a browser tab's history.

    >>> h = History("/")
    >>> h.push("/a", mount=0); h.push("/b", mount=1)
    >>> h.back().url, h.back().url, h.back()
    ('/a', '/', None)
    >>> h.forward().url
    '/a'
    >>> h.push("/c", mount=0)          # drops the entries ahead of the cursor
    >>> [e.url for e in h.entries], h.index
    (['/', '/a', '/c'], 2)
    """

    def __init__(self, url: str, mount: int = 0, *, limit: int = 200) -> None:
        self.entries: list[Entry] = [Entry(url, mount)]
        self.index = 0
        self.limit = limit

    @property
    def current(self) -> Entry:
        """The entry the widget shows."""
        return self.entries[self.index]

    def push(self, url: str, *, mount: int) -> None:
        """Add an entry after the current one, dropping any forward entries."""
        del self.entries[self.index + 1 :]
        self.entries.append(Entry(url, mount))
        if len(self.entries) > self.limit:
            del self.entries[0]
        self.index = len(self.entries) - 1

    def replace(self, url: str, *, mount: int) -> None:
        """Replace the current entry."""
        self.entries[self.index] = Entry(url, mount)

    def back(self) -> Entry | None:
        """Move back one entry; None at the start."""
        return self.go(self.index - 1)

    def forward(self) -> Entry | None:
        """Move forward one entry; None at the end."""
        return self.go(self.index + 1)

    def go(self, index: int) -> Entry | None:
        """Move to entry ``index``; None when there is no such entry."""
        if not 0 <= index < len(self.entries):
            return None
        self.index = index
        return self.entries[index]
