"""Golden files (tests/fixtures/golden/): what the parser and the text writers made of
each real page, reviewed once. ``AO3CONV_UPDATE_GOLDEN=1 pytest ...`` rewrites them
from the current output (review the diff before committing)."""

from __future__ import annotations

import os

from helpers.pages import FIXTURES

GOLDEN = FIXTURES / "golden"
UPDATE = os.environ.get("AO3CONV_UPDATE_GOLDEN") == "1"


def golden_text(name: str, actual: str) -> str:
    """The golden file ``name``'s text, to compare ``actual`` with (in the test, so that
    pytest shows the difference); with ``AO3CONV_UPDATE_GOLDEN=1`` it is ``actual``,
    written first."""
    golden = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"no golden {name}: run with AO3CONV_UPDATE_GOLDEN=1"
    return golden.read_text(encoding="utf-8")
