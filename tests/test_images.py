"""ao3conv.images, the one place that says what an image is: a leaf, and the writers
that embed images import nothing that reads files or asks the network."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import ao3conv.images
import ao3conv.writers


def _imports(path: Path) -> list[tuple[int, str]]:
    """(level, module) of every import in one file (level 0: absolute)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
        elif isinstance(node, ast.Import):
            found.extend((0, alias.name) for alias in node.names)
    return found


def test_the_images_module_imports_only_the_standard_library_and_lxml() -> None:
    for level, module in _imports(Path(ao3conv.images.__file__)):
        assert level == 0, module
        top = module.split(".")[0]
        assert top in sys.stdlib_module_names or top == "lxml", module


def test_writers_import_nothing_that_reads_files_or_fetches() -> None:
    for path in Path(ao3conv.writers.__file__).parent.glob("*.py"):
        for level, module in _imports(path):
            if level == 2 or (level == 0 and module.startswith("ao3conv.")):
                top = module.removeprefix("ao3conv.").split(".")[0]
                assert top not in ("resources", "fetch", "parser", "cli"), (path.name, module)


def test_the_examples_in_the_docstrings_hold() -> None:
    import doctest

    found = doctest.testmod(ao3conv.images)
    assert found.attempted >= 2 and found.failed == 0
