"""Session-wide test order."""

from __future__ import annotations

from pathlib import Path

import pytest

E2E = Path(__file__).parent / "e2e"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last, whatever order parametrization left them in: Playwright's sync
    API keeps an event loop running in the main thread from its first test on, and tests
    that run their own loop in that thread cannot share it."""
    items.sort(key=lambda item: E2E in item.path.parents)
