"""The type check: mypy --strict over src/ (configured in pyproject.toml), and the rule
that every ``type: ignore`` names its error code and says why."""

from __future__ import annotations

import re
import subprocess
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "ao3conv"

# "# type: ignore[code, code]  # why", the reason after its own "#" (mypy reads the first)
_EXPLAINED = re.compile(r"# type: ignore\[[a-z-]+(?:, ?[a-z-]+)*\]  # \S")


def test_mypy_finds_no_error_in_src(tmp_path: Path) -> None:
    # A cache of its own: the run is as cold as in a fresh checkout and never reads a
    # cache another run left behind (compiled mypy: about 5 s of CPU; 11 s on the clock
    # in a fresh environment on the shared 2-core machine, 0.4 s warm).
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"),
         "--no-error-summary"],
        cwd=ROOT, capture_output=True, text=True, timeout=180, check=False,
    )
    missing = "No module named mypy" in run.stderr
    assert not missing, "mypy is in the test extras: pip install -e '.[test]'"
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout == ""


def _ignores(path: Path) -> list[tuple[int, str]]:
    with tokenize.open(path) as source:
        return [(token.start[0], token.string) for token in tokenize.generate_tokens(
            source.readline) if token.type == tokenize.COMMENT and "type: ignore" in token.string]


def test_every_type_ignore_names_its_code_and_says_why() -> None:
    found = {f"{path.relative_to(PACKAGE)}:{line}": comment
             for path in sorted(PACKAGE.rglob("*.py"))
             for line, comment in _ignores(path)}
    assert found, "the reader found no comment at all: it is broken"
    unexplained = {where: comment for where, comment in found.items()
                   if not _EXPLAINED.search(comment)}
    assert unexplained == {}


def test_the_ignore_rule_refuses_a_bare_or_unexplained_ignore() -> None:
    assert _EXPLAINED.search("# type: ignore[union-attr]  # type() dispatch above")
    assert _EXPLAINED.search("# type: ignore[arg-type,union-attr]  # why")
    assert not _EXPLAINED.search("# type: ignore")
    assert not _EXPLAINED.search("# type: ignore[union-attr]")
    assert not _EXPLAINED.search("# type: ignore  # no code")
