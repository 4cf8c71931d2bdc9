"""The one composition of ao3conv: a source → a :class:`Work` → bytes → a file.

- :func:`load` (a saved page, an EPUB, ao3conv's JSON, or stdin) and :func:`fetch_work`
  (the fetcher's bytes, then the parser) give a :class:`Work`;
- :func:`gather_images` finds the images ``--images`` embeds (beside the page, ``data:``
  URIs, and with a fetcher, the web);
- :func:`render` makes the bytes of one file (or, with ``--split``, of many);
- :func:`save` names them (:class:`~ao3conv.output.NameClaims`, in input order) and
  writes them atomically.

``convert`` and ``fetch`` (through :func:`export`, which runs these over many inputs,
in worker processes when asked), ``batch`` and the library's ``ao3conv.fetch_work``
all go through here, so each step is written once.
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .convert import STDOUT, OutputPlan, make_folder, output_path
from .errors import FormatError, IncompleteWorkError, OutputError, ParseWarning, Setting
from .output import NameClaims, default_stem, inside, safe_filename, write_atomic
from .writers import RenderOptions, get_writer
from .writers import render as render_work

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

    from ._workers import Outcome
    from .fetch import AsyncFetcher, FetchedPage, Fetcher
    from .model import Work

Images = dict[str, tuple[str, bytes]]
# (work, source) → its images, for --images (default: gather_images beside the source).
ImageFinder = Callable[["Work", str], Mapping[str, tuple[str, bytes]]]
# Told of each input in input order: its source, its warnings, and where it went (or
# its error, raised by .result()).
Report = Callable[[str, tuple[str, ...], "Future[str]"], None]


# --- a source → a Work ------------------------------------------------------------------


def load(source: str) -> Work:
    """A work from a file path, or from standard input when ``source`` is ``-``."""
    from .parser import DEFAULT_MAX_BYTES, parse

    if source == STDOUT:
        # Read one byte past the cap, so endless input is refused instead of filling memory.
        work = parse(sys.stdin.buffer.read(DEFAULT_MAX_BYTES + 1))
    else:
        work = parse(Path(source))
    if work.missing_chapters:  # a saved page is converted as it is, but not silently
        held, count = len(work.chapters), work.chapter_count
        warnings.warn(
            f"this page holds {held} of the {count} chapters its stats give: it was saved "
            "or downloaded cut short (save the whole work again: Entire Work)",
            ParseWarning,
            stacklevel=2,
        )
    return work


def fetch_work(fetcher: Fetcher, ref: str | int) -> Work:
    """Fetch a work by id or URL (one polite request, or the page cache), then parse it."""
    return work_from_page(fetcher, fetcher.fetch_work_page(ref))


async def afetch_work(fetcher: AsyncFetcher, ref: str | int) -> Work:
    """The asynchronous twin of :func:`fetch_work`."""
    return work_from_page(fetcher, await fetcher.fetch_work_page(ref))


def work_from_page(
    fetcher: Fetcher | AsyncFetcher, page: FetchedPage, url: str | None = None
) -> Work:
    """Parse a fetched work page (:func:`parse_page`); one found cut short on the way
    is dropped from the fetcher's cache, so that it is never served again."""
    try:
        return parse_page(page, url)
    except IncompleteWorkError:
        fetcher.forget(page)
        raise


def parse_page(page: FetchedPage, url: str | None = None) -> Work:
    """Parse a fetched work page. A whole-work page that holds fewer chapters than its
    stats say was cut short on the way: it is refused (the caller drops it from the
    cache: :func:`work_from_page`)."""
    from .parser import parse

    work = parse(page.content, url=url or page.work_url)
    if work.missing_chapters:
        held, count = len(work.chapters), work.chapter_count
        raise IncompleteWorkError(
            f"The page AO3 sent for work {page.work_id or work.id} holds {held} of the "
            f"{count} chapters its stats give (cut short on the way); nothing was saved "
            "from it: try again later",
            url=url or page.work_url,
        )
    return work


def gather_images(
    work: Work, *, base: str | os.PathLike[str] | None = None, fetcher: Fetcher | None = None
) -> Images:
    """The work's images to embed: ``data:`` URIs, files saved in the folder ``base``
    (a saved page's), and with a ``fetcher`` the others from the web (politely)."""
    from .model import image_sources
    from .resources import resolve_images

    sources = image_sources(work)
    found = resolve_images(sources, base)
    if fetcher is not None:
        from .fetch import fetch_images

        found.update(fetch_images([s for s in sources if s not in found], fetcher=fetcher))
    return found


# --- a Work → bytes → a file ----------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    """A work rendered for a plan but not yet written: its bytes (or, with ``--split``,
    its files) and what naming needs. Worker processes make these; the parent names and
    writes them in input order (:func:`save`), so names come out as in a serial run."""

    stem: str  # the default name, before making it safe: ``{creators} - {title}``
    work_id: int | None
    data: bytes = b""
    files: Mapping[str, bytes] | None = None  # --split: name -> bytes


def render(work: Work, plan: OutputPlan) -> Rendered:
    """``work`` as the bytes (or files) ``plan`` asks for; nothing is written."""
    options = RenderOptions.of(plan.options)
    if options.split and plan.output == STDOUT:
        raise FormatError(f"{Setting.SPLIT.value} writes a folder of files; it cannot go to stdout")
    stem = default_stem(work, plan.fallback_name)
    rendered = render_work(work, plan.format, options)
    if isinstance(rendered, bytes):
        return Rendered(stem, work.id, rendered)
    return Rendered(stem, work.id, files=rendered)


def save(rendered: Rendered, plan: OutputPlan, claims: NameClaims | None = None) -> str:
    """Write what :func:`render` made where ``plan`` says; returns where it went.

    ``claims`` holds the names given out earlier in the same run: a work whose default
    name is among them gets its work id in its name, so two works with the same title
    both survive, under the same names every run. Files from earlier runs are never
    renamed around: they are kept (or replaced with ``plan.force``).
    """
    return deliver(rendered, plan, claim(rendered, plan, claims))


def claim(rendered: Rendered, plan: OutputPlan, claims: NameClaims | None = None) -> Path | None:
    """The path (a folder with ``--split``) that ``rendered`` will be written to, or
    ``None`` for stdout, claimed in ``claims`` even if the write fails: a rerun then
    picks the same names. Claims must be made in input order; the writes need not."""
    claims = claims if claims is not None else NameClaims()
    if rendered.files is not None:
        base = Path(plan.output) if plan.output else Path.cwd()
        if plan.many or not plan.output:
            folder = inside(base, safe_filename(rendered.stem))
            path: Path | None = claims.next_free(folder, rendered.work_id)
        else:
            path = base
    else:
        extension = get_writer(plan.format).extension
        path = output_path(safe_filename(rendered.stem, extension), plan)
        if path is not None:
            path = claims.next_free(path, rendered.work_id, extension)
    if path is not None:
        claims.claim(path, rendered.work_id)
    return path


def deliver(rendered: Rendered, plan: OutputPlan, path: Path | None) -> str:
    """Write ``rendered`` to the path :func:`claim` gave; returns where it went."""
    if rendered.files is not None:
        assert path is not None
        make_folder(path)
        for name, data in rendered.files.items():
            write_atomic(inside(path, name), data, force=plan.force)
        return f"{path}{'/' if not str(path).endswith('/') else ''} ({len(rendered.files)} files)"
    if path is None:
        _to_stdout(rendered.data, plan.format)
        return "stdout"
    write_atomic(path, rendered.data, force=plan.force)
    return str(path)


def _to_stdout(data: bytes, fmt: str) -> None:
    if sys.stdout is None:  # started with stdout closed (the CLI puts in a stand-in)
        raise OutputError("cannot write to standard output: it is closed; give -o FILE")
    # Zip bytes on a terminal are garbage that can also upset it: only a pipe or a
    # file takes a binary format.
    if _is_binary(data) and sys.stdout.isatty():
        raise FormatError(
            f"{fmt} is a binary format and standard output is a terminal: "
            f"redirect it (> book.{get_writer(fmt).extension}) or give -o FILE"
        )
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        # The reader left (`| head`): say so once, and keep Python from saying it again
        # at exit when it flushes stdout.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise OutputError("standard output was closed by the reader before the end") from None
    except OSError as exc:
        raise OutputError(f"cannot write to standard output: {exc.strerror or exc}") from None


def _is_binary(data: bytes) -> bool:
    """Not text a terminal can show: a NUL byte, or not UTF-8 (EPUB is a zip file)."""
    if b"\0" in data:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


# --- many inputs, in input order ------------------------------------------------------------


def export(
    inputs: list[str],
    plan: OutputPlan,
    report: Report,
    *,
    read: Callable[[str], Work] | None = None,
    images: bool = False,
    find_images: ImageFinder | None = None,
    jobs: int = 1,
) -> None:
    """Load, render and save each input, telling ``report`` about each in input order.

    ``read`` reads one input (default: :func:`load`); ``find_images(work, source)`` gives
    the images for ``--images`` (default: :func:`gather_images` beside the source). With
    ``jobs`` > 1 (and the default loader, no stdin), worker processes load and render
    while this process names and writes, in input order, as a serial run would.
    """
    from ._workers import converted_in_pool, run_serially

    jobs = min(jobs, len(inputs))
    parallel = jobs > 1 and read is None and STDOUT not in inputs
    with contextlib.ExitStack() as stack:
        writers: ThreadPoolExecutor | None = None
        if parallel:
            outcomes = stack.enter_context(
                converted_in_pool(inputs, plan, jobs=jobs, images=images)
            )
            from concurrent.futures import ThreadPoolExecutor

            # Writes (each ends in an fsync, milliseconds on a busy disk) overlap in threads.
            writers = stack.enter_context(ThreadPoolExecutor(jobs, "ao3conv-write"))
        else:
            outcomes = run_serially(
                inputs, plan, read=read or load, images=images, find_images=find_images
            )
        _save_in_order(inputs, outcomes, plan, writers, report)


def _save_in_order(
    inputs: list[str],
    outcomes: Iterator[Outcome],
    plan: OutputPlan,
    writers: ThreadPoolExecutor | None,
    report: Report,
) -> None:
    """Claim each input's name in input order, write it (in ``writers`` if given, else
    at once), and report each input in input order: its warnings, its error, or where
    it went; as a serial run would, whatever order the writes end in."""
    from collections import deque

    from ._workers import plan_for

    claims = NameClaims()  # this run's: a second work of the same name gets its id
    pending: deque[tuple[str, Outcome, Future[str]]] = deque()
    window = 0 if writers is None else 16  # books held in memory, waiting for their turn

    def settle() -> None:
        source, outcome, written = pending.popleft()
        report(source, outcome.warnings, written)

    for source in inputs:
        try:
            outcome = next(outcomes)
            written = _write(outcome, plan_for(plan, source), claims, writers)
        except KeyboardInterrupt as interrupt:
            while pending:  # the files already on their way are finished and reported
                settle()
            report(source, (), _failed(interrupt))
            raise
        pending.append((source, outcome, written))
        while pending and (pending[0][2].done() or len(pending) > window):
            settle()
    while pending:
        settle()


def _write(
    outcome: Outcome, plan: OutputPlan, claims: NameClaims, writers: ThreadPoolExecutor | None
) -> Future[str]:
    """Claim ``outcome``'s name now, and write it (in ``writers``, else at once)."""
    if outcome.error is not None:
        return _failed(outcome.error)
    assert outcome.rendered is not None
    try:
        target = claim(outcome.rendered, plan, claims)
    except Exception as exc:
        return _failed(exc)
    if writers is not None:
        return writers.submit(deliver, outcome.rendered, plan, target)
    written: Future[str] = Future()
    try:
        written.set_result(deliver(outcome.rendered, plan, target))
    except Exception as exc:
        written.set_exception(exc)
    return written


def _failed(error: BaseException) -> Future[str]:
    failed: Future[str] = Future()
    failed.set_exception(error)
    return failed
