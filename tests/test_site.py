"""ao3conv.site, the one home of AO3 knowledge: a leaf, and read alike by its users."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ao3conv.site
from ao3conv.batch import read_source
from ao3conv.errors import WorkReferenceError
from ao3conv.fetch import parse_work_ref

_ALLOWED = {"__future__", "lxml", "ao3conv.errors"}


def test_the_site_package_imports_only_the_standard_library_lxml_and_errors() -> None:
    import sys

    for path in Path(ao3conv.site.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                assert node.level == 1 or node.module == "errors", (path.name, node.module)
            elif isinstance(node, ast.ImportFrom | ast.Import):
                names = [node.module] if isinstance(node, ast.ImportFrom) else [
                    alias.name for alias in node.names]
                for name in names:
                    top = str(name).split(".")[0]
                    assert top in sys.stdlib_module_names or top in _ALLOWED, (path.name, name)


# The fetcher and the batch read references with the same patterns: any script's
# digits are matched, and an id that is not ASCII digits is refused by both.
@pytest.mark.parametrize(
    "text",
    ["https://archiveofourown.org/works/\u0663", "https://archiveofourown.org/works/5/chapters/\u0663",
     "https://archiveofourown.org/downloads/\u0663/x.epub", "https://archiveofourown.org/chapters/\u0663"],
)
def test_an_id_in_another_scripts_digits_is_refused_alike(text: str) -> None:
    with pytest.raises(WorkReferenceError):
        parse_work_ref(text)
    with pytest.raises(WorkReferenceError, match="not a work, series or listing URL"):
        read_source(text)


def test_the_batch_and_the_fetcher_read_the_same_work_and_chapter() -> None:
    for text in ("archiveofourown.org/collections/x/works/12/chapters/34/",
                 "https://ao3.org/downloads/56/Title.epub", "https://archiveofourown.org/chapters/78"):
        ref, source = parse_work_ref(text), read_source(
            text if "://" in text else "https://" + text)
        assert (ref.work_id, ref.chapter_id) == (source.work_id, source.chapter_id)
