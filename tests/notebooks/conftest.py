"""Markers of the notebook tests."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Register ``install``: part of the default run (``.ci/dev test``); about a minute, as it
    builds the wheel and installs it into a fresh venv. Leave it out with ``-m "not install"``."""
    config.addinivalue_line(
        "markers", "install: builds the wheel and runs the tour in a fresh venv (~1 min)"
    )
