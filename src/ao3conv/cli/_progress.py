"""``ao3conv batch`` shown to a person: a rich progress bar on a terminal, plain lines
otherwise, JSON lines for scripts (``--json``, on stdout), and the summary at the end.

rich is imported only when a terminal is there to draw on.
"""

from __future__ import annotations

import json
import sys
from typing import IO, TYPE_CHECKING, Any

from ..errors import one_line
from ._report import in_cli_words

if TYPE_CHECKING:
    from pathlib import Path

    from ..batch import BatchEvent, BatchResult, WorkOutcome

_VERBS = {
    "exported": "exported",
    "updated": "updated",
    "unchanged": "unchanged",
    "skipped": "already done",
    "failed": "FAILED",
}
# Summary rows: what people call them, in this order.
_ROWS = (("done", "exported"), ("updated", "updated"), ("unchanged", "unchanged"),
         ("skipped", "skipped"), ("failed", "failed"))


class Reporter:
    """Plain lines on ``err``; JSON objects on ``out`` as each work finishes, if asked."""

    def __init__(self, *, as_json: bool = False, out: IO[str] | None = None,
                 err: IO[str] | None = None) -> None:
        self.as_json = as_json
        self.out = out or sys.stdout
        self.err = err or sys.stderr

    def __enter__(self) -> Reporter:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def __call__(self, event: BatchEvent) -> None:
        if event.kind == "work" and event.outcome is not None:
            if self.as_json:
                self.out.write(json.dumps(event.outcome.to_json(), ensure_ascii=False) + "\n")
                self.out.flush()
            self.show_work(event)
        elif event.kind in ("note", "wait"):
            self.say(event.message)
        elif event.kind == "total":
            self.say(f"ao3conv: {event.message}")

    def show_work(self, event: BatchEvent) -> None:
        outcome = event.outcome
        assert outcome is not None
        self.say(f"[{event.done}/{event.total or '?'}] {describe(outcome)}")

    def say(self, message: str) -> None:
        # a line break in a name stays "\\n"; advice in the CLI's words
        self.err.write(one_line(in_cli_words(message)) + "\n")
        self.err.flush()

    def summary(self, result: BatchResult) -> None:
        for line in summary_lines(result):
            self.say(line)


class RichReporter(Reporter):
    """A progress bar (works done/total, the current title, waits) on standard error."""

    def __enter__(self) -> RichReporter:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.console = Console(file=self.err, highlight=False)
        self.progress = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        self.progress.start()
        self.task = self.progress.add_task("reading the lists", total=None)
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def __call__(self, event: BatchEvent) -> None:
        if event.kind == "total":
            self.progress.update(self.task, total=event.total, completed=event.done)
        elif event.kind == "start":
            self.progress.update(self.task, description=_short(event.message))
        elif event.kind == "wait":
            self.progress.update(self.task, description=_short(f"waiting: {event.message}"))
            self.say(event.message)
        else:
            super().__call__(event)

    def show_work(self, event: BatchEvent) -> None:
        self.progress.update(self.task, completed=event.done)
        outcome = event.outcome
        if outcome is not None and (outcome.status in ("failed", "updated") or outcome.warnings):
            self.say(describe(outcome))

    def say(self, message: str) -> None:
        shown = one_line(in_cli_words(message))
        self.console.print(shown, markup=False, highlight=False, soft_wrap=True)

    def summary(self, result: BatchResult) -> None:
        from rich.table import Table

        counts = result.counts
        table = Table(title="ao3conv batch", show_header=True, header_style="bold")
        table.add_column("", style="bold")
        table.add_column("works", justify="right")
        for label, status in _ROWS:
            if counts[status] or status in ("exported", "failed"):
                table.add_row(label, str(counts[status]))
        self.console.print(table)
        if result.failures:
            failed = Table(title="failed", show_header=True, header_style="bold red")
            failed.add_column("work")
            failed.add_column("reason", overflow="fold")
            for outcome in result.failures:
                failed.add_row(outcome.title or outcome.url, in_cli_words(outcome.reason or ""))
            self.console.print(failed)
        for line in _closing_lines(result):
            self.say(line)


def reporter_for(*, as_json: bool, err: IO[str] | None = None) -> Reporter:
    """A rich bar on a terminal, plain lines otherwise."""
    stream = err or sys.stderr
    if _is_terminal(stream):
        return RichReporter(as_json=as_json, err=stream)
    return Reporter(as_json=as_json, err=stream)


def describe(outcome: WorkOutcome) -> str:
    name = outcome.title or outcome.url
    if outcome.status == "failed":
        return f"{_VERBS['failed']}: {name}: {outcome.reason}"
    where = f" → {outcome.path}" if outcome.path and outcome.status != "skipped" else ""
    extra = "".join(f"\n  warning: {warning}" for warning in outcome.warnings)
    return f"{_VERBS[outcome.status]}: {name}{where}{extra}"


def summary_lines(result: BatchResult) -> list[str]:
    counts = result.counts
    cells = [f"{label} {counts[status]}" for label, status in _ROWS
             if counts[status] or status in ("exported", "failed")]
    lines = ["ao3conv: " + ", ".join(cells)]
    for outcome in result.failures:
        lines.append(f"  failed: {outcome.title or outcome.url}: {outcome.reason}")
    return lines + _closing_lines(result)


def _closing_lines(result: BatchResult) -> list[str]:
    lines = []
    if result.stopped:
        left = f" ({result.remaining} works not tried yet)" if result.remaining else ""
        lines.append(f"ao3conv: {result.stopped}{left}")
    if result.failed_file is not None:
        lines.append(
            f"ao3conv: the failed works are listed in {result.failed_file}; retry them with "
            f"`ao3conv batch {_quoted(result.failed_file)} -o {_quoted(result.folder)}`"
        )
    if result.anthology is not None:
        lines.append(f"ao3conv: anthology → {result.anthology}")
    return lines


def _quoted(path: Path) -> str:
    import shlex

    return shlex.quote(str(path))


def _short(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _is_terminal(stream: Any) -> bool:
    import os

    try:
        return bool(stream.isatty()) and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False
