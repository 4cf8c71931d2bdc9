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
def no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every host unreachable: a module of offline tests takes it with
    ``pytestmark = pytest.mark.usefixtures("no_internet")``."""
    forbid_internet(monkeypatch)


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    """Which fetch driver a test runs: ``Fetcher`` or its async twin ``AsyncFetcher``."""
    return str(request.param)


@pytest.fixture
def slots(monkeypatch: pytest.MonkeyPatch) -> Slots:
    return Slots(monkeypatch)

