"""ao3conv.site, the one home of AO3 knowledge: a leaf, and read alike by its users."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ao3conv
import ao3conv.site
from ao3conv.batch import read_source
from ao3conv.errors import Hint, NotAWorkError, WorkReferenceError
from ao3conv.fetch import parse_work_ref
from ao3conv.fetch._classify import read_page
from ao3conv.fetch._flows import Session, _raise_for_work
from ao3conv.fetch._plan import Response
from ao3conv.site import REFUSALS, WORK_KINDS, PageKind

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


def test_every_kind_that_holds_no_work_has_one_error_and_a_hint() -> None:
    assert set(REFUSALS) == set(PageKind) - WORK_KINDS
    assert all(isinstance(r.hint, Hint) for r in REFUSALS.values())


@pytest.mark.parametrize(
    ("name", "kind"),
    [("interstitial-restricted-login_2026.html", PageKind.LOGIN),
     ("error-404_deleted-or-missing-work_2026.html", PageKind.NOT_FOUND),
     ("interstitial-unrevealed-mystery-work_2026.html", PageKind.UNREVEALED)],
)
def test_the_parser_and_the_fetcher_refuse_a_page_with_the_same_error(
    pages_dir: Path, name: str, kind: PageKind
) -> None:
    content = (pages_dir / name).read_bytes()
    with pytest.raises(NotAWorkError) as parsed:
        ao3conv.parse(content)
    with pytest.raises(NotAWorkError) as fetched:
        response = Response(200, "https://archiveofourown.org/works/5", content=content)
        _raise_for_work(read_page(content), response, Session("https://archiveofourown.org"), 5)
    expected = REFUSALS[kind]
    for error in (parsed.value, fetched.value):
        assert (type(error), error.hint) == (expected.error, expected.hint)
    assert "Work 5" in str(fetched.value) and "Work 5" not in str(parsed.value)


@pytest.mark.parametrize("module", ["_paths", "_refs", "_refusals"])
def test_the_examples_in_the_docstrings_hold(module: str) -> None:
    import doctest
    import importlib

    found = doctest.testmod(importlib.import_module(f"ao3conv.site.{module}"))
    assert found.attempted > 0 and found.failed == 0


def test_a_link_to_the_works_own_page_is_known_on_every_ao3_host_and_in_ascii_ids_only(
    pages_dir: Path,
) -> None:
    import warnings

    from ao3conv.writers._anchors import Anchors

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        work = ao3conv.parse(pages_dir / "work-single_noskin_endnotes_2026.html")
    anchors = Anchors(work)
    for host in ("archiveofourown.org", "www.ao3.org", "archiveofourown.gay",
                 "download.archiveofourown.org", "ARCHIVEOFOUROWN.ORG."):
        assert anchors.own_fragment(f"https://{host}/works/{work.id}#x") == (None, "#x"), host
    assert anchors.own_fragment(f"/collections/c/works/{work.id}/#x") == (None, "#x")
    digits = str(work.id).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    for other in (f"https://example.org/works/{work.id}#x", f"/works/{digits}#x",
                  f"/works/{work.id}/bookmarks#x"):
        assert anchors.own_fragment(other) is None, other
