"""The writer registry: names, aliases, errors, and third-party writers from entry points."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import ao3conv
from ao3conv import writers
from ao3conv.errors import FormatError
from ao3conv.model import Chapter, Paragraph, Text, Work

WORK = Work(title="T", chapters=(Chapter(number=1, body=(Paragraph((Text("Hello"),)),)),))


@pytest.mark.parametrize(
    ("name", "canonical"),
    [("epub", "epub"), ("md", "md"), ("markdown", "md"), ("MD", "md"), ("txt", "txt"),
     ("text", "txt"), ("plain", "txt"), ("json", "json"), (".epub", "epub")],
)
def test_names_and_aliases(name: str, canonical: str) -> None:
    assert writers.get_writer(name).name == canonical


def test_unknown_format_names_the_choices() -> None:
    with pytest.raises(FormatError, match=r"unknown format 'docx'.*epub.*json.*md.*txt"):
        writers.get_writer("docx")


def test_unknown_option_is_refused_with_what_the_writer_takes() -> None:
    with pytest.raises(FormatError, match="json writer does not take wrap"):
        ao3conv.write(WORK, "json", wrap=10)


def test_bad_notes_policy() -> None:
    with pytest.raises(FormatError, match="notes must be one of keep, drop, end"):
        ao3conv.write(WORK, "json", notes="sideways")


def test_format_for_path() -> None:
    assert writers.format_for_path("x/book.EPUB") == "epub"
    assert writers.format_for_path("notes.markdown") == "md"
    assert writers.format_for_path("noext") is None


PLUGIN = textwrap.dedent(
    '''
    class ShoutWriter:
        name = "shout"
        aliases = ("loud",)
        extension = "shout"
        media_type = "text/plain"
        description = "the title, loudly"
        options = {}

        def write(self, work, **options):
            return work.title.upper().encode()
    '''
)


@pytest.fixture
def plugin_distribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real (tiny) installed distribution declaring an ao3conv.writers entry point."""
    (tmp_path / "ao3conv_shout.py").write_text(PLUGIN)
    dist = tmp_path / "ao3conv_shout-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: ao3conv-shout\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[ao3conv.writers]\nshout = ao3conv_shout:ShoutWriter\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(writers, "_plugins", None)
    monkeypatch.setattr(writers, "_loaded", {})
    return tmp_path


def test_entry_point_writer_is_listed_and_used(plugin_distribution: Path) -> None:
    names = {info.name: info for info in writers.available_writers()}
    assert names["shout"].origin == "ao3conv-shout"
    assert "ao3conv_shout" not in sys.modules  # listed without importing it
    assert ao3conv.write(WORK, "shout") == b"T"


def test_formats_command_lists_the_plugin(plugin_distribution: Path) -> None:
    env_path = f"{plugin_distribution}:{':'.join(sys.path)}"
    result = subprocess.run(
        [sys.executable, "-m", "ao3conv", "formats"],
        capture_output=True, text=True, env={"PYTHONPATH": env_path}, check=True,
    )
    assert "shout" in result.stdout
    assert "epub" in result.stdout


def test_register_writer_at_run_time(monkeypatch: pytest.MonkeyPatch) -> None:
    namespace: dict[str, object] = {}
    exec(PLUGIN, namespace)
    monkeypatch.setattr(writers, "_registered", {})
    writers.register_writer(namespace["ShoutWriter"])
    assert writers.get_writer("loud").name == "shout"
    assert ao3conv.write(WORK, "shout") == b"T"


def test_not_a_writer_is_refused() -> None:
    with pytest.raises(FormatError, match="not an ao3conv writer"):
        writers.register_writer(object())


# --- one render entry point, typed options -------------------------------------------------

NOTED = Work(
    title="T",
    notes=(Paragraph((Text("a work note"),)),),
    chapters=(
        Chapter(number=1, title="One", body=(Paragraph((Text("Hello"),)),)),
        Chapter(number=2, title="Two", notes=(Paragraph((Text("a chapter note"),)),),
                body=(Paragraph((Text("Bye"),)),)),
    ),
)


@pytest.mark.parametrize("notes", ["keep", "drop", "end"])
def test_render_applies_the_notes_policy_to_one_file_and_to_split_files(notes: str) -> None:
    from ao3conv.model import apply_notes_policy
    from ao3conv.writers.markdown import MarkdownWriter

    placed = apply_notes_policy(NOTED, notes)
    single = writers.render(NOTED, "md", {"notes": notes})
    assert single == ao3conv.write(NOTED, "md", notes=notes) == MarkdownWriter().write(placed)
    files = writers.render(NOTED, "markdown", writers.RenderOptions(notes, split=True))
    assert files == MarkdownWriter().write_files(placed)
    assert isinstance(files, dict) and list(files) == ["index.md", "01-one.md", "02-two.md"]
    shown = b"".join(files.values())
    assert (b"a chapter note" in shown) == (notes != "drop")


def test_split_is_refused_in_one_place_with_what_to_do() -> None:
    from ao3conv.writers.markdown import MarkdownWriter

    for attempt in (lambda: ao3conv.write(WORK, "md", split=True),
                    lambda: MarkdownWriter().write(WORK, split=True)):
        with pytest.raises(FormatError, match=r"^split Markdown is several files: use write_"):
            attempt()
    with pytest.raises(FormatError, match=r"txt writer does not take split \(it takes: wrap\)"):
        writers.render(WORK, "txt", {"split": True})
    assert writers.render(WORK, "txt", {"split": False}) == ao3conv.write(WORK, "txt")


def test_options_are_typed_records_that_check_their_values() -> None:
    from ao3conv.writers import EpubOptions, MarkdownOptions, TextOptions

    assert writers.get_writer("md").Options is MarkdownOptions  # type: ignore[attr-defined]
    assert set(writers.get_writer("md").options) == {"no_html", "flavor", "split"}
    assert set(writers.get_writer("epub").options) == {"cover", "work_skin", "images"}
    assert MarkdownOptions(no_html=1).no_html is True  # type: ignore[arg-type]
    assert EpubOptions(cover=bytearray(b"x")).cover == b"x"
    with pytest.raises(FormatError, match="wrap must be a whole number from 20"):
        TextOptions(wrap=True)
    with pytest.raises(FormatError, match="cover must be None"):
        EpubOptions(cover=True)  # type: ignore[arg-type]
    with pytest.raises(FormatError, match="notes must be one of keep, drop, end, not 'x'"):
        writers.RenderOptions.of({"notes": "x"})
    options = writers.RenderOptions.of({"split": 1, "wrap": 30})
    assert (options.notes, options.split, options.own) == ("keep", True, {"wrap": 30})
    assert options.with_own(wrap=40).single() == writers.RenderOptions("keep", False, {"wrap": 40})


def test_a_plugin_that_writes_files_splits_through_render(monkeypatch: pytest.MonkeyPatch) -> None:
    namespace: dict[str, object] = {}
    exec(PLUGIN + "\n    def write_files(self, work, **options):\n"
         "        return {'a.shout': repr(sorted(options)).encode()}\n", namespace)
    monkeypatch.setattr(writers, "_registered", {})
    writers.register_writer(namespace["ShoutWriter"])
    assert writers.render(WORK, "shout", {"split": True, "loud": 1}) == {"a.shout": b"['loud']"}
    with pytest.raises(FormatError, match="several files"):
        ao3conv.write(WORK, "shout", split=True)


def test_cli_writer_options_are_the_typed_request() -> None:
    from ao3conv.cli._options import WriterFlags

    options = WriterFlags(notes="end", split=True, flavor="commonmark", no_cover=True).options()
    assert options == writers.RenderOptions(
        "end", True, {"flavor": "commonmark", "cover": False}
    )
    assert WriterFlags().options() == writers.RenderOptions()


def test_a_plugin_may_declare_typed_options(monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from ao3conv.writers._options import option, option_help

    @dataclasses.dataclass(frozen=True)
    class LoudOptions:
        marks: int = option("how many exclamation marks", 1)

    class LoudWriter:
        name, aliases, extension, media_type = "loud", (), "loud", "text/plain"
        description = "the title, loudly"
        Options = LoudOptions
        options = option_help(LoudOptions)

        def write(self, work: Work, **options: object) -> bytes:
            raise AssertionError("a typed writer is rendered through render()")

        def render(self, work: Work, options: LoudOptions) -> bytes:
            return (work.title + "!" * options.marks).encode()

    monkeypatch.setattr(writers, "_registered", {})
    writers.register_writer(LoudWriter)
    assert ao3conv.write(WORK, "loud", marks=3) == b"T!!!"
    with pytest.raises(FormatError, match=r"loud writer does not take split \(it takes: marks\)"):
        writers.render(WORK, "loud", {"split": True})
