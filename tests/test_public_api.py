"""The public API: what ao3conv exports, its tested docstring, and a light import."""

from __future__ import annotations

import doctest
import subprocess
import sys

import ao3conv
import ao3conv.errors


def test_all_is_sorted_and_complete() -> None:
    assert ao3conv.__all__ == sorted(ao3conv.__all__)
    public = {name for name in dir(ao3conv) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(ao3conv, name)).__name__ == "module"}
    assert set(ao3conv.__all__) - {"__version__"} == public - modules - {
        "annotations",
        "os",
        "TYPE_CHECKING",
        "Any",
    }


def test_docstring_example_runs() -> None:
    failures, tried = doctest.testmod(ao3conv, verbose=False)
    assert tried >= 4
    assert failures == 0


def test_every_error_derives_from_the_root() -> None:
    for name in ao3conv.errors.__all__:
        cls = getattr(ao3conv.errors, name)
        if name not in ("ParseWarning", "Hint", "Setting"):
            assert issubclass(cls, ao3conv.Ao3convError), name


def test_import_is_light() -> None:
    code = (
        "import sys, ao3conv; heavy = {'lxml', 'httpx', 'ebooklib', 'typer', 'bs4', 'yaml'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
