from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.ao3_server import FakeAo3, forbid_internet
from helpers.pages import PAGES
from helpers.slots import Slots


@pytest.fixture
def pages_dir() -> Path:
    return PAGES


@pytest.fixture
def ao3(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAo3]:
    """The loopback AO3 imitation (tests/helpers/ao3_server.py), with every other host
    unreachable: the only one. A module whose tests share works, users or listings
    adds them in an autouse fixture of its own that takes ``ao3``.
    """
    forbid_internet(monkeypatch)
    with FakeAo3() as server:
        yield server


@pytest.fixture
def slots(monkeypatch: pytest.MonkeyPatch) -> Slots:
    return Slots(monkeypatch)
