"""The layering rules of issue 15 that hold today, read from the source with ``ast``.

Each rule is true now. The allow-lists below name today's exceptions; they only shrink:
whoever fixes one deletes its entry (a stale entry fails too, so the lists stay honest).
When your work makes another rule of issue 15 true, add it here.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "ao3conv"

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


@dataclass(frozen=True)
class Import:
    """One ``ao3conv`` module importing another (resolved to the module, not the package)."""

    importer: str
    imported: str
    line: int


@cache
def modules() -> dict[str, Path]:
    """Every module under ``src/ao3conv`` by dotted name (a package by its own name)."""
    found: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _package_of(name: str) -> str:
    return name if modules()[name].name == "__init__.py" else name.rpartition(".")[0]


def _imports_in(name: str) -> Iterator[Import]:
    tree = ast.parse(modules()[name].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "ao3conv":
                    yield Import(name, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(name, node)
            if source.split(".")[0] != "ao3conv":
                continue
            for alias in node.names:
                # ``from . import _foo`` imports the module ``_foo``, not a name of the package
                child = f"{source}.{alias.name}"
                yield Import(name, child if child in modules() else source, node.lineno)


def _absolute(name: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = _package_of(name).split(".")
    base = parts[: len(parts) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


@cache
def imports() -> tuple[Import, ...]:
    """Every import between ao3conv modules, including lazy and ``TYPE_CHECKING`` ones."""
    return tuple(found for name in modules() for found in _imports_in(name))


def _area(name: str) -> str:
    """The top-level part of ao3conv a module belongs to: ``parser``, ``cli``, ``errors``..."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


# --- layers ---------------------------------------------------------------------------

# Which areas each area must not import (issue 15, "Done means").
FORBIDDEN = {
    "parser": {"fetch", "writers", "cli", "batch", "update", "convert", "_workers", "pipeline"},
    # ... nor resources (it reads files): what an image is comes from the images leaf
    "writers": {"parser", "fetch", "cli", "batch", "update", "convert", "_workers", "pipeline",
                "resources"},
    "model": {"parser", "fetch", "writers", "cli", "batch", "update", "convert", "_workers",
              "pipeline"},
    # fetch/ delivers bytes (FetchedPage); the pipeline parses them
    "fetch": {"parser", "model", "writers", "cli", "batch", "update", "convert", "_workers",
              "pipeline"},
    # site/ is the leaf that holds AO3's markup: it imports only ao3conv.errors
    "site": {area for area in (
        "parser", "fetch", "writers", "model", "cli", "batch", "update", "convert", "_workers",
        "pipeline", "output", "resources", "_streams", "_bcp47")},
    # images is a leaf (what an image is, SVG safety, limits) shared by fetch, writers and
    # resources: it imports nothing of ao3conv
    "images": {area for area in (
        "parser", "fetch", "writers", "model", "cli", "batch", "update", "convert", "_workers",
        "pipeline", "output", "resources", "_streams", "_bcp47", "site", "errors")},
}


@pytest.mark.parametrize("area", sorted(FORBIDDEN))
def test_an_area_imports_nothing_from_the_layers_above_it(area: str) -> None:
    wrong = [f"{found.importer}:{found.line} imports {found.imported}"
             for found in imports()
             if _area(found.importer) == area and _area(found.imported) in FORBIDDEN[area]]
    assert not wrong, wrong


def test_only_the_console_entry_imports_the_cli() -> None:
    """The CLI is kept at the edge: no part of the library imports it."""
    wrong = [f"{found.importer}:{found.line} imports {found.imported}"
             for found in imports()
             if _area(found.imported) == "cli" and _area(found.importer) not in {"cli", "__main__"}]
    assert not wrong, wrong


def test_the_site_package_imports_only_itself_and_errors() -> None:
    wrong = [f"{found.importer}:{found.line} imports {found.imported}"
             for found in imports()
             if _area(found.importer) == "site"
             and _area(found.imported) not in {"site", "errors"}]
    assert not wrong, wrong


# Areas whose modules import each other without a cycle (``writers/_metadata`` and
# ``writers/text`` once imported each other). Add an area when its cycles are gone.
ACYCLIC_AREAS = ("writers",)


def _cycle_in(area: str) -> list[str]:
    """One import cycle among the modules of ``area`` (empty when there is none)."""
    edges: dict[str, set[str]] = {}
    for each in imports():
        if _area(each.importer) == area and _area(each.imported) == area:
            edges.setdefault(each.importer, set()).add(each.imported)
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str]:
        if name in path:
            return [*path[path.index(name):], name]
        if name in done:
            return []
        for child in sorted(edges.get(name, set()) - {name}):
            found = visit(child, [*path, name])
            if found:
                return found
        done.add(name)
        return []

    for name in sorted(edges):
        found = visit(name, [])
        if found:
            return found
    return []


@pytest.mark.parametrize("area", ACYCLIC_AREAS)
def test_an_acyclic_area_has_no_import_cycle(area: str) -> None:
    assert _cycle_in(area) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle_in("parser")  # parser._blocks <-> parser._structures, today


# --- private modules ------------------------------------------------------------------

# Imports of another package's ``_private`` module that remain today (importer, imported).
# Delete an entry when you route it through the owning package's public names.
PRIVATE_REACH_ALLOWED: set[tuple[str, str]] = set()


def _private_owner(name: str) -> str | None:
    """The package whose private module ``name`` is (``ao3conv.model`` for ``model._nodes``).

    Top-level private modules (``ao3conv._workers``) belong to ao3conv itself, which every
    module is part of.
    """
    parts = name.split(".")
    for index, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:index])
    return None


def private_reaches() -> set[tuple[str, str]]:
    found = set()
    for each in imports():
        owner = _private_owner(each.imported)
        if owner is not None and not (each.importer + ".").startswith(owner + "."):
            found.add((each.importer, each.imported))
    return found


def test_no_module_reaches_into_another_packages_private_modules() -> None:
    assert sorted(private_reaches() - PRIVATE_REACH_ALLOWED) == []


def test_the_private_reach_allow_list_only_names_reaches_that_remain() -> None:
    assert sorted(PRIVATE_REACH_ALLOWED - private_reaches()) == []


# --- sizes ----------------------------------------------------------------------------

# Modules over MAX_MODULE_LINES today (path under src/ao3conv, with its length when listed).
# Delete an entry when the module is split.
LONG_MODULES = {
}

# Functions over MAX_FUNCTION_LINES today ("path::qualified name", with its length when
# listed). Delete an entry when the function is shortened.
LONG_FUNCTIONS = {
    # 76, and it stays long on purpose: a hot loop, the simple-paragraph fast path with node
    # constructors written out inline (a third of all paragraphs go through it)
    "parser/_fastpath.py::fast_inlines",
}


def _relative(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def module_lengths() -> dict[str, int]:
    return {_relative(path): len(path.read_text(encoding="utf-8").splitlines())
            for path in modules().values()}


def _functions(node: ast.AST, prefix: str) -> Iterator[tuple[str, int]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            name = f"{prefix}{child.name}"
            yield name, (child.end_lineno or child.lineno) - child.lineno + 1
            yield from _functions(child, f"{name}.")
        elif isinstance(child, ast.ClassDef):
            yield from _functions(child, f"{prefix}{child.name}.")
        else:
            yield from _functions(child, prefix)


def function_lengths() -> dict[str, int]:
    found = {}
    for path in modules().values():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, length in _functions(tree, ""):
            found[f"{_relative(path)}::{name}"] = length
    return found


def test_no_module_is_longer_than_the_limit_unless_listed() -> None:
    lengths = module_lengths()
    too_long = {name: size for name, size in lengths.items()
                if size > MAX_MODULE_LINES and name not in LONG_MODULES}
    assert too_long == {}, "split these modules"


def test_the_long_module_list_only_names_modules_still_too_long() -> None:
    lengths = module_lengths()
    fixed = [name for name in LONG_MODULES if lengths.get(name, 0) <= MAX_MODULE_LINES]
    assert fixed == [], "delete these entries from LONG_MODULES"


def test_no_function_is_longer_than_the_limit_unless_listed() -> None:
    lengths = function_lengths()
    too_long = {name: size for name, size in lengths.items()
                if size > MAX_FUNCTION_LINES and name not in LONG_FUNCTIONS}
    assert too_long == {}, "shorten these functions"


def test_the_long_function_list_only_names_functions_still_too_long() -> None:
    lengths = function_lengths()
    fixed = [name for name in LONG_FUNCTIONS if lengths.get(name, 0) <= MAX_FUNCTION_LINES]
    assert fixed == [], "delete these entries from LONG_FUNCTIONS"


# A command maps flags onto the library (issue 15: "a thin CLI"): its signature, its
# help text and a few lines of body; the flags themselves are defined in cli/_options.
MAX_COMMAND_LINES = 40


def test_every_cli_command_is_short() -> None:
    from ao3conv.cli import app

    lengths = function_lengths()
    commands = {}
    for command in app.registered_commands:
        callback = command.callback
        assert callback is not None
        path = callback.__module__.removeprefix("ao3conv.").replace(".", "/") + ".py"
        commands[callback.__name__] = lengths[f"{path}::{callback.__name__}"]
    assert len(commands) == 6
    assert {name: size for name, size in commands.items() if size > MAX_COMMAND_LINES} == {}


# --- the import reader itself ---------------------------------------------------------


def test_the_import_reader_sees_relative_lazy_and_submodule_imports() -> None:
    found = {(each.importer, each.imported) for each in imports()}
    # relative (``from ..errors import``), and a lazy one inside a command's body
    assert ("ao3conv.cli._report", "ao3conv.errors") in found
    assert ("ao3conv.cli._commands", "ao3conv._workers") in found
    # ``from . import _structures`` names the module, not the package
    assert ("ao3conv.parser._blocks", "ao3conv.parser._structures") in found
    assert all(each.imported.startswith("ao3conv") for each in imports())
    assert len(modules()) > 50


# --- the tests' own layout ----------------------------------------------------------------

TESTS = Path(__file__).resolve().parent


def _test_sources() -> list[Path]:
    roots = [TESTS, TESTS.parent / "tools", TESTS.parent / "benchmarks"]
    return sorted(path for root in roots for path in root.rglob("*.py"))


def test_the_tests_folder_holds_only_tests_conftest_and_the_helpers_package() -> None:
    stray = [path.name for path in TESTS.glob("*.py")
             if path.name != "conftest.py" and not path.name.startswith("test_")]
    assert stray == [], "shared test code goes in tests/helpers/"


def test_nothing_imports_conftest_or_a_test_module() -> None:
    found = []
    for path in _test_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name == "conftest" or name.startswith("test_") for name in names):
                found.append(f"{path.name}:{node.lineno}")
    assert found == [], "import shared names from helpers/, fixtures come by name"


def _fixtures_named(name: str) -> list[str]:
    found = []
    for path in TESTS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name == name and any(
                    "fixture" in ast.unparse(decorator) for decorator in node.decorator_list):
                found.append(path.relative_to(TESTS).as_posix())
    return found


def test_there_is_one_ao3_fixture() -> None:
    # a module that shares works or users adds them in an autouse fixture taking ``ao3``
    assert _fixtures_named("ao3") == ["conftest.py"]


def test_no_shared_fixture_is_defined_twice() -> None:
    # shared fixtures (no leading underscore) live once, in conftest.py; a module takes one
    # for all its tests with ``pytestmark = pytest.mark.usefixtures(...)``
    names = {}
    for path in TESTS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and any(
                    "fixture" in ast.unparse(decorator) for decorator in node.decorator_list):
                names.setdefault(node.name, []).append(path.relative_to(TESTS).as_posix())
    assert {name: where for name, where in names.items() if len(where) > 1} == {}


def test_only_the_page_table_lists_the_fixture_pages() -> None:
    listing = [path.relative_to(TESTS).as_posix() for path in TESTS.rglob("*.py")
               if path != Path(__file__).resolve()
               and '.glob("*.html")' in path.read_text(encoding="utf-8")]
    assert listing == ["helpers/pages.py"], "use helpers.pages (page_paths, WORK_PAGES)"


def test_the_cli_batch_update_and_the_public_fetch_work_go_through_the_pipeline() -> None:
    found = {(each.importer, each.imported) for each in imports()}
    for importer in ("ao3conv", "ao3conv.cli._commands", "ao3conv.batch._run",
                     "ao3conv.update._run", "ao3conv._workers"):
        assert (importer, "ao3conv.pipeline") in found, importer
    # nothing but the pipeline parses a fetched page
    parses = {each.importer for each in imports() if each.imported == "ao3conv.parser"}
    assert not {name for name in parses if _area(name) in {"fetch", "batch", "cli"}}


# --- AO3 knowledge --------------------------------------------------------------------

# An AO3 host name or URL path in code (not in a sentence: messages and help texts may
# name AO3's address to the user).
_AO3_ADDRESS = re.compile(
    r"archiveofourown|ao3\.org|transformativeworks\.org"
    r"|/(?:works|chapters|series|users|downloads|collections|bookmarks|tags)/"
)


def _docstrings(tree: ast.AST) -> set[int]:
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, kinds) and node.body and isinstance(node.body[0], ast.Expr)}


def ao3_knowledge(in_site: bool) -> list[str]:
    """Addresses and selectors written in site/ (or outside it): string literals (f-string
    parts too) with no space that name an AO3 host or path, and XPath compiled or
    evaluated. (Class names such as ``userstuff`` are left alone: the writers' own markup
    reuses them so that work skins apply, and the EPUB readers read ebooks, not pages.)"""
    found = []
    for name, path in modules().items():
        if (_area(name) == "site") != in_site:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and id(node) not in skip and not re.search(r"\s", node.value)
                    and _AO3_ADDRESS.search(node.value)):
                found.append(f"{name}:{node.lineno} {node.value!r}")
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("xpath", "XPath")):
                found.append(f"{name}:{node.lineno} .{node.func.attr}()")
    return found


def test_ao3_host_names_url_patterns_and_selectors_are_written_only_in_site() -> None:
    assert ao3_knowledge(in_site=False) == []
    # the reader sees them where they are: hosts, paths, the XPath compiler
    found = " ".join(ao3_knowledge(in_site=True))
    assert "archiveofourown.org" in found and "/works/" in found and ".XPath()" in found


# --- the CLI's words ------------------------------------------------------------------

# A CLI flag, or a command after the program's name: said only by cli/ (issue 15: library
# errors carry a neutral Hint, the CLI says its own options in their place).
_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*[a-z]")
# The one exception, and why: failed.txt's header line is a file format, compared byte
# for byte to recognise a failed.txt of ours (an earlier one too) before replacing it.
CLI_WORDS_ALLOWED = {"batch._folder:34"}


@cache
def _commands() -> re.Pattern[str]:
    from ao3conv.cli import app

    names = [command.name or (command.callback.__name__ if command.callback else "")
             for command in app.registered_commands]
    return re.compile(rf"\bao3conv ({'|'.join(names)})\b")


def cli_words(in_cli: bool) -> dict[str, str]:
    """String literals (f-string parts too, docstrings not: they document how the CLI
    reaches the code) in cli/ (or outside it) that name a flag or an ``ao3conv`` command."""
    found = {}
    for name, path in modules().items():
        if (_area(name) in {"cli", "__main__"}) != in_cli:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and id(node) not in skip
                    and (_FLAG.search(node.value) or _commands().search(node.value))):
                found[f"{name.removeprefix('ao3conv.')}:{node.lineno}"] = node.value
    return found


def test_no_string_outside_the_cli_names_a_cli_flag_or_command() -> None:
    found = cli_words(in_cli=False)
    assert {where: text for where, text in found.items() if where not in CLI_WORDS_ALLOWED} == {}
    assert set(found) >= CLI_WORDS_ALLOWED, "a fixed exception: delete its entry"


def test_the_cli_words_reader_sees_flags_and_commands() -> None:
    assert _FLAG.findall("give --username, -o FILE or --name-template") == [
        "--username", "--name-template"]
    assert _commands().search("use `ao3conv fetch URL`")
    assert not _commands().search("a work ao3conv wrote; another ao3conv version")
    # ... where they are: the CLI's words for the hints
    said = " ".join(cli_words(in_cli=True).values())
    assert "--cookies" in said and "`ao3conv fetch" in said and "--name-template" in said
