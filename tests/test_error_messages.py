"""Error messages recommend only what exists: every command line a message suggests
parses with the real CLI, and every ``--option`` any message or help text names is an
option of some ``ao3conv`` command.

The strings come from two places: what the parser really says about every fixture
page that holds no work, and every string literal in ``src/ao3conv`` (messages are
built from literals and f-strings; a suggestion in one is checked wherever it is).
"""

from __future__ import annotations

import ast
import re
import shlex
import warnings
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer.main

import ao3conv
from ao3conv.cli import app
from ao3conv.cli._report import in_cli_words
from ao3conv.errors import NotAWorkError
from helpers.pages import page_paths

SOURCE = Path(ao3conv.__file__).parent
_COMMAND = re.compile(r"`(ao3conv [^`]*)`")
_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*[a-z]")
# Placeholders in suggestions ("URL", "NAME", "FILE") stand for any value.
_PLACEHOLDERS = {"URL": "12345", "NAME": "someone", "FILE": "cookies.txt"}


@cache
def cli() -> Any:
    """The CLI as typer builds it (a click group; typer vendors its own click)."""
    return typer.main.get_command(app)


@cache
def every_option() -> frozenset[str]:
    options: set[str] = set()
    for command in (cli(), *cli().commands.values()):
        for param in command.params:
            options.update(o for o in (*param.opts, *param.secondary_opts) if o.startswith("--"))
    return frozenset(options)


def source_strings() -> Iterator[tuple[str, str]]:
    """(where, text) for every string literal in the package, f-string parts joined."""
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                text = "".join(v.value if isinstance(v, ast.Constant) else "X" for v in node.values)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            else:
                continue
            yield f"{path.relative_to(SOURCE)}:{node.lineno}", str(text)


def page_messages() -> Iterator[tuple[str, str]]:
    for path in page_paths():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                ao3conv.parse(path)
            except NotAWorkError as exc:
                yield path.name, str(exc)


def suggested_commands() -> list[tuple[str, str]]:
    found = {
        (where, command)
        for where, text in [*source_strings(), *page_messages()]
        for command in _COMMAND.findall(text)
    }
    return sorted(found)


def test_there_are_suggestions_to_check() -> None:
    commands = {command for _, command in suggested_commands()}
    assert "ao3conv fetch URL --username NAME" in commands
    assert len(commands) >= 5


@pytest.mark.parametrize(("where", "command"), suggested_commands())
def test_every_suggested_command_line_parses(where: str, command: str) -> None:
    words = [_PLACEHOLDERS.get(word, word) for word in shlex.split(command)][1:]
    words = [w for w in words if "{" not in w]  # f-string holes are "X": a value
    if not words:
        return  # plain "ao3conv"
    name, *args = words
    sub = cli().commands.get(name)
    assert sub is not None, f"{where}: no command {name!r} in {command!r}"
    try:
        sub.make_context(name, args)
    except Exception as exc:  # click's UsageError family, from typer's vendored click
        kinds = {cls.__name__ for cls in type(exc).__mro__}
        assert "UsageError" in kinds, exc
        # A suggestion may leave out the work itself ("ao3conv fetch"); nothing else.
        assert "MissingParameter" in kinds, f"{where}: {command!r} does not parse: {exc}"


def test_every_option_named_anywhere_exists() -> None:
    unknown = sorted(
        f"{where}: {option}"
        for where, text in [*source_strings(), *page_messages()]
        for option in _OPTION.findall(text)
        if option not in every_option()
    )
    assert unknown == []


def test_the_login_wall_suggests_options_that_exist() -> None:
    neutral = next(text for where, text in page_messages() if "restricted-login" in where)
    message = in_cli_words(neutral)  # the library says no option; the CLI says its own
    assert "--login" not in message and "--" not in neutral
    assert "--username" in message and "--cookies" in message
