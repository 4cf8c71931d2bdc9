from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = FIXTURES / "pages"


def page_paths() -> list[Path]:
    """Every real AO3 page kept under tests/fixtures/pages (provenance in SOURCES.tsv)."""
    return sorted(PAGES.glob("*.html"))


@pytest.fixture
def pages_dir() -> Path:
    return PAGES
