"""The CLI's flag groups: a group's flags stand where the command names the group, in
the group's order, and the command gets the group built from them."""

from __future__ import annotations

from typing import Annotated, NamedTuple

import typer
from typer.main import get_command
from typer.testing import CliRunner

from ao3conv.cli import app
from ao3conv.cli._options import Ao3Flags, CacheFlags, OutputFlags, WriterFlags, with_flag_groups


class Pair(NamedTuple):
    left: Annotated[str | None, typer.Option("--left")] = None
    right: Annotated[bool, typer.Option("--right")] = False


def test_a_group_is_spread_in_place_and_built_for_the_command() -> None:
    seen: list[object] = []

    @with_flag_groups
    def command(
        name: Annotated[str, typer.Argument()],
        *,
        first: Annotated[int, typer.Option("--first")] = 1,
        pair: Pair,
        last: Annotated[bool, typer.Option("--last")] = False,
    ) -> None:
        seen.append((name, first, pair, last))

    small = typer.Typer()
    small.command()(command)
    small.command("other")(lambda: None)  # two commands: the first is not the whole app
    params = [param.name for param in get_command(small).commands["command"].params]
    assert params == ["name", "first", "left", "right", "last"]
    result = CliRunner().invoke(small, ["command", "x", "--right", "--left", "l", "--last"])
    assert result.exit_code == 0, result.output
    assert seen == [("x", 1, Pair(left="l", right=True), True)]


def test_every_command_takes_each_groups_flags_once_in_the_groups_order() -> None:
    groups = {"convert": [OutputFlags, WriterFlags], "fetch": [OutputFlags, Ao3Flags, CacheFlags,
              WriterFlags], "batch": [Ao3Flags, CacheFlags, WriterFlags], "update": [Ao3Flags]}
    commands = get_command(app).commands  # type: ignore[attr-defined]  # app is a typer group
    for name, wanted in groups.items():
        params = [param.name for param in commands[name].params]
        for group in wanted:
            start = params.index(group._fields[0])
            assert params[start:start + len(group._fields)] == list(group._fields), name
        assert len(params) == len(set(params)), name
