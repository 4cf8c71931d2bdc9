"""Writers, looked up by name or alias through one registry.

Built-in writers are imported only when used, so ``import ao3conv`` stays light
(no ebooklib). Third-party writers register through the ``ao3conv.writers``
entry-point group: the entry point loads a class (or instance) following the
:class:`Writer` protocol. :func:`register_writer` adds one at run time.

:func:`render` is the one way in: it binds the options to the writer once (a built-in
writer declares its own as a frozen record, ``TextOptions``..., see :mod:`._options`),
places the notes once, and returns one file's bytes or, with ``split``, the files.
:func:`write` is :func:`render` for one file.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..errors import FormatError, InputError
from ..model import Work, apply_notes_policy
from ._base import Writer, WriterInfo, bind_options, check_options, typed, writes_files
from ._engine import HIDDEN_TAGS
from ._options import NotesPolicy, RenderOptions

if TYPE_CHECKING:
    from importlib import metadata

    from ._epub_cover import MAX_COVER_BYTES
    from ._metadata import WorkMetadata
    from ._metadata_table import metadata_table
    from .epub import EpubOptions
    from .json import JsonOptions
    from .markdown import MarkdownOptions
    from .text import TextOptions

# Loaded on first use (PEP 562), like the writers that declare them.
_LAZY = {
    "MAX_COVER_BYTES": "._epub_cover",
    "WorkMetadata": "._metadata",
    "metadata_table": "._metadata_table",
    "EpubOptions": ".epub",
    "JsonOptions": ".json",
    "MarkdownOptions": ".markdown",
    "TextOptions": ".text",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name], __name__), name)

ENTRY_POINT_GROUP = "ao3conv.writers"

# name -> (info, "module:attribute"); kept as data so listing imports nothing.
_BUILTINS: dict[str, tuple[WriterInfo, str]] = {
    "epub": (
        WriterInfo("epub", (), "epub", "EPUB 3 e-book (with NCX), validated by EPUBCheck"),
        "ao3conv.writers.epub:EpubWriter",
    ),
    "md": (
        WriterInfo(
            "md", ("markdown",), "md", "Markdown (GFM, or strict CommonMark) with YAML front matter"
        ),
        "ao3conv.writers.markdown:MarkdownWriter",
    ),
    "txt": (
        WriterInfo("txt", ("text", "plain"), "txt", "plain UTF-8 text"),
        "ao3conv.writers.text:TextWriter",
    ),
    "json": (
        WriterInfo("json", (), "json", "the document model as versioned JSON"),
        "ao3conv.writers.json:JsonWriter",
    ),
}

_loaded: dict[str, Writer] = {}
_registered: dict[str, tuple[WriterInfo, Writer]] = {}
_plugins: dict[str, tuple[WriterInfo, metadata.EntryPoint]] | None = None


def _instance(obj: Any) -> Writer:
    writer = obj() if isinstance(obj, type) else obj
    if not isinstance(writer, Writer):
        raise FormatError(f"{obj!r} is not an ao3conv writer (see ao3conv.writers.Writer)")
    return writer


def _info(writer: Writer, origin: str) -> WriterInfo:
    return WriterInfo(
        writer.name, tuple(writer.aliases), writer.extension, writer.description, origin
    )


def _entry_points() -> dict[str, tuple[WriterInfo, metadata.EntryPoint]]:
    global _plugins
    if _plugins is None:
        from importlib import metadata  # slow to import; only needed once a plug-in may matter

        _plugins = {}
        for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
            dist = ep.dist.name if ep.dist is not None else "?"
            info = WriterInfo(ep.name, (), ep.name, f"third-party writer ({dist})", dist)
            _plugins.setdefault(ep.name, (info, ep))
    return _plugins


def register_writer(writer: Any) -> None:
    """Add a writer (class or instance) at run time; it wins over a built-in of the same name."""
    instance = _instance(writer)
    _registered[instance.name] = (_info(instance, "registered"), instance)


def _resolve(name: str) -> str | None:
    key = name.lower().lstrip(".")
    if key in _registered or key in _BUILTINS:
        return key
    for infos in (
        {k: v[0] for k, v in _registered.items()},
        {k: v[0] for k, v in _BUILTINS.items()},
    ):
        for canonical, info in infos.items():
            if key in info.aliases:
                return canonical
    return key if key in _entry_points() else None


def available_writers() -> list[WriterInfo]:
    """Every writer that can be used, sorted by name (plugins are listed, not imported)."""
    found: dict[str, WriterInfo] = {name: info for name, (info, _) in _BUILTINS.items()}
    for name, (info, _) in _entry_points().items():
        found.setdefault(name, info)
    for name, (info, _) in _registered.items():
        found[name] = info
    return sorted(found.values(), key=lambda info: info.name)


def get_writer(name: str) -> Writer:
    """The writer called ``name`` (or one of its aliases).

    Raises :class:`~ao3conv.errors.FormatError` naming the formats available.
    """
    if not isinstance(name, str):
        raise FormatError(f"the format must be a name such as 'epub', not {name!r}")
    key = _resolve(name)
    if key is None:
        names = ", ".join(info.name for info in available_writers())
        raise FormatError(f"unknown format {name!r}: choose one of {names}")
    if key in _registered:
        return _registered[key][1]
    if key not in _loaded:
        if key in _BUILTINS:
            module, _, attr = _BUILTINS[key][1].partition(":")
            _loaded[key] = _instance(getattr(importlib.import_module(module), attr))
        else:
            _loaded[key] = _instance(_entry_points()[key][1].load())
    return _loaded[key]


def format_for_path(path: str) -> str | None:
    """The format name that a file name's extension implies, if any."""
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if not suffix:
        return None
    for info in available_writers():
        if suffix == info.extension or suffix in info.aliases:
            return info.name
    return None


def render(
    work: Work, format: str = "epub", options: RenderOptions | Mapping[str, Any] | None = None
) -> bytes | dict[str, bytes]:
    """Render ``work`` as ``format``: the file's bytes, or with ``split`` the files
    (``{relative name: bytes}``) of a writer that writes several.

    ``options`` is a :class:`RenderOptions` or a mapping as :func:`write` takes it. The
    one place where options are bound to the writer and the notes policy is applied.
    """
    request = RenderOptions.of(options)
    return _render(work, get_writer(format), request, files=request.split)


def write(work: Work, format: str = "epub", **options: Any) -> bytes:
    """Render ``work`` as ``format`` and return the file's bytes.

    ``notes="keep"|"drop"|"end"`` (shared by every writer) says where notes go;
    other options are the writer's own (see ``ao3conv formats``).
    """
    data = _render(work, get_writer(format), RenderOptions.of(options), files=False)
    assert isinstance(data, bytes)  # files=False: one file
    return data


def _render(
    work: Work, writer: Writer, request: RenderOptions, *, files: bool
) -> bytes | dict[str, bytes]:
    given = {**request.own, "split": True} if request.split else request.own
    options = bind_options(writer, given, files=files)
    work = apply_notes_policy(work, request.notes)
    with _writing(writer.name):
        if not files:
            if typed(writer):
                return writer.render(work, options)
            return writer.write(work, **options)
        if not writes_files(writer):  # a plug-in without write_files (others are refused above)
            raise FormatError(f"the {writer.name} writer writes one file; split is not available")
        if typed(writer):
            return writer.render_files(work, options)
        return writer.write_files(work, **options)  # type: ignore[attr-defined,no-any-return]  # checked by writes_files


@contextmanager
def _writing(name: str) -> Iterator[None]:
    """Collections off while a writer runs, and a model nested too deeply refused."""
    # A freshly parsed model is all young objects: every collection a writer sets
    # off would rescan all of it (25% of txt's time on a 1.5M-word work).
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    except RecursionError:
        # Parsed pages are capped far below this; only a hand-made model nests so deep.
        raise InputError(
            f"the work is nested too deeply (hundreds of levels) to write as {name}; "
            "it did not come from an AO3 page"
        ) from None
    finally:
        if collecting:
            gc.enable()


__all__ = [
    "ENTRY_POINT_GROUP",
    "HIDDEN_TAGS",
    "MAX_COVER_BYTES",
    "EpubOptions",
    "JsonOptions",
    "MarkdownOptions",
    "NotesPolicy",
    "RenderOptions",
    "TextOptions",
    "WorkMetadata",
    "Writer",
    "WriterInfo",
    "available_writers",
    "check_options",
    "format_for_path",
    "get_writer",
    "metadata_table",
    "register_writer",
    "render",
    "write",
]
