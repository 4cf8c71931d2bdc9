"""File names made from titles, creators, fandoms, series and templates: inside the output
folder, valid on Windows, macOS and Linux, and never a silent collision — through the CLI
(``convert``, ``--split``) and the batch (``--name-template``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import ao3conv
from ao3conv.batch import BatchPlan, export_batch
from ao3conv.cli import app
from helpers import hostile
from helpers.ao3_server import FakeAo3
from helpers.names import assert_portable

PAGE = dict(hostile.corpus())[hostile.NAMED_PAGE]


pytestmark = pytest.mark.filterwarnings("ignore")


def convert(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["convert", *args])
    return result.exit_code, result.output


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def assert_portable_path(path: Path, root: Path, extension: str) -> None:
    relative = path.resolve().relative_to(root.resolve())  # raises if it escaped
    *folders, name = relative.parts
    assert_portable(name, extension)
    for folder in folders:
        assert_portable(folder + ".x", "x")


# --- convert ----------------------------------------------------------------------------------


def test_hostile_titles_and_creators_make_portable_names_inside_the_folder(
    tmp_path: Path,
) -> None:
    sources = []
    for index, name in enumerate(hostile.HOSTILE_NAMES):
        source = tmp_path / f"input-{index}.html"
        source.write_bytes(hostile.renamed(PAGE, title=name, creator=name, work_id=index + 1))
        sources.append(str(source))
    out = tmp_path / "out"
    code, output = convert(*sources, "-f", "json", "-o", f"{out}/")
    assert code == 0, output
    written = files_under(out)
    assert len(written) == len(hostile.HOSTILE_NAMES)  # none lost, none overwritten
    for path in written:
        assert path.parent == out
        assert_portable_path(path, out, "json")
    ids = {ao3conv.parse(path).id for path in written}
    assert ids == set(range(1, len(hostile.HOSTILE_NAMES) + 1))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*(Path(s).name for s in sources), "out"]
    )  # nothing written beside the folder either


def test_two_works_with_the_same_title_both_survive_and_a_rerun_keeps_the_names(
    tmp_path: Path,
) -> None:
    first, second, copy = (tmp_path / n for n in ("first.html", "second.html", "copy.html"))
    first.write_bytes(hostile.renamed(PAGE, title="Same", work_id=1))
    second.write_bytes(hostile.renamed(PAGE, title="SAME", work_id=2))  # same on macOS/Windows
    copy.write_bytes(hostile.renamed(PAGE, title="Same", work_id=1))  # the very same work
    out = tmp_path / "out"
    code, output = convert(str(first), str(second), str(copy), "-f", "json", "-o", f"{out}/")
    assert code == 0, output
    names = [p.name for p in files_under(out)]
    assert sorted(names) == sorted(["oriflamme - Same.json", "oriflamme - SAME (2).json",
                                    "oriflamme - Same (1).json"])
    assert ao3conv.parse(out / "oriflamme - SAME (2).json").id == 2

    # Without --force nothing is touched; with it the same three names are written again.
    before = {p: p.read_bytes() for p in files_under(out)}
    code, output = convert(str(first), str(second), str(copy), "-f", "json", "-o", f"{out}/")
    assert code == 1 and output.count("already exists") == 3
    assert {p: p.read_bytes() for p in files_under(out)} == before
    code, output = convert(str(first), str(second), str(copy), "-f", "json", "-o", f"{out}/",
                           "--force")
    assert code == 0, output
    assert sorted(p.name for p in files_under(out)) == sorted(names)


def test_long_titles_that_collide_stay_within_200_bytes_with_their_id(tmp_path: Path) -> None:
    long_title = "\u862d" * 150  # 450 bytes of UTF-8
    sources = []
    for work_id in (7, 123456789):
        source = tmp_path / f"{work_id}.html"
        source.write_bytes(hostile.renamed(PAGE, title=long_title, work_id=work_id))
        sources.append(str(source))
    out = tmp_path / "out"
    code, output = convert(*sources, "-f", "txt", "-o", f"{out}/")
    assert code == 0, output
    names = [p.name for p in files_under(out)]
    assert len(names) == 2 and any(n.endswith(" (123456789).txt") for n in names)
    for name in names:
        assert_portable(name, "txt")


def test_split_markdown_folders_of_the_same_name_both_survive(tmp_path: Path) -> None:
    sources = []
    for work_id, title in ((1, "../Same"), (2, "../Same")):
        source = tmp_path / f"{work_id}.html"
        source.write_bytes(hostile.renamed(PAGE, title=title, work_id=work_id))
        sources.append(str(source))
    out = tmp_path / "out"
    code, output = convert(*sources, "-f", "md", "--split", "-o", f"{out}/")
    assert code == 0, output
    folders = sorted(p.name for p in out.iterdir())
    assert folders == ["oriflamme - ..-Same", "oriflamme - ..-Same (2)"]
    for path in files_under(out):
        assert_portable_path(path, out, "md")


# --- batch --------------------------------------------------------------------------------------



TEMPLATES = [
    "{fandom}/{series}/{series_position:02d} {title} by {creators}",
    "../../{title}",
    "/etc/{title}",
    "{title}/../../../{creators}",
    "C:\\Windows\\{title}",
    "{rating}/{fandom}/{title:>400}",
    "/".join(["{title}"] * 12),
    "{creators}/{id}",
]


@pytest.mark.parametrize("template", TEMPLATES)
def test_batch_name_templates_stay_inside_the_folder_and_portable(
    template: str, ao3: FakeAo3, tmp_path: Path
) -> None:
    names = hostile.HOSTILE_NAMES[:12]
    for work_id, name in enumerate(names, 1):
        ao3.add_work(work_id, content=hostile.renamed(
            PAGE, title=name, creator=name or "x", fandom=name, series=name, work_id=work_id))
    out = tmp_path / "out"
    plan = BatchPlan.of(out, format="json", name_template=template, base_url=ao3.base_url,
                        delay=0.01, cache_dir=tmp_path / "cache")
    result = export_batch([str(n) for n in range(1, len(names) + 1)], plan)
    assert [o.status for o in result.outcomes] == ["exported"] * len(names), [
        o.reason for o in result.outcomes
    ]
    written = [p for p in files_under(out) if p.suffix == ".json"]
    assert len(written) == len(names)
    for path in written:
        assert_portable_path(path, out, "json")
    assert {ao3conv.parse(p).id for p in written} == set(range(1, len(names) + 1))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "out"]


def test_a_file_in_the_way_of_a_template_folder_is_a_clear_failure(
    ao3: FakeAo3, tmp_path: Path
) -> None:
    ao3.add_work(1, content=hostile.renamed(PAGE, title="T", fandom="Fandom"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "Fandom").write_text("a file, not a folder")
    plan = BatchPlan.of(out, format="json", name_template="{fandom}/{title}",
                        base_url=ao3.base_url, delay=0.01, cache_dir=tmp_path / "cache")
    result = export_batch(["1"], plan)
    [outcome] = result.outcomes
    assert outcome.status == "failed"
    assert outcome.reason == (
        f"cannot write into {out / 'Fandom'}: a file is in the way of the folder"
    )
    assert (out / "Fandom").read_text() == "a file, not a folder"


def test_the_batch_command_line_names_hostile_works_safely(ao3: FakeAo3, tmp_path: Path) -> None:
    ao3.add_work(1, content=hostile.renamed(PAGE, title="../../../etc/passwd", work_id=1))
    ao3.add_work(2, content=hostile.renamed(PAGE, title="../../../etc/passwd", work_id=2))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, [
        "batch", "1", "2", "-o", str(out), "-f", "txt", "--name-template", "../{title}",
        *ao3.cli_options(tmp_path / "c", delay=0.01),
    ])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in files_under(out) if p.suffix == ".txt") == [
        "-..-..-etc-passwd (2).txt", "-..-..-etc-passwd.txt"  # no leading dot: not hidden
    ]
