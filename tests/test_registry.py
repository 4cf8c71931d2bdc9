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
