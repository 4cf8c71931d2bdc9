"""What the Markdown writer's YAML front matter must hold, for the tests that read it."""

from __future__ import annotations

from typing import Any

from ao3conv.writers._metadata import FRONT_MATTER_KEYS, OPTIONAL_FRONT_MATTER_KEYS


def assert_front_matter_keys(meta: dict[str, Any]) -> None:
    """Exactly the documented keys, in order (the optional ones only when known)."""
    # Messages of their own: pytest rewrites the asserts of test modules, not of helpers.
    expected = [k for k in FRONT_MATTER_KEYS if k in meta]
    assert list(meta) == expected, f"{list(meta)} != {expected}"
    missing = set(FRONT_MATTER_KEYS) - set(meta)
    assert missing <= set(OPTIONAL_FRONT_MATTER_KEYS), f"missing keys: {sorted(missing)}"
