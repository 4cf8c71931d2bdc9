"""Use ao3conv as a library: parse a saved AO3 page, look at it, write it out.

Run from the repository root:  python examples/library_use.py
"""

from pathlib import Path

import ao3conv

here = Path(__file__).parent
work = ao3conv.parse(here / "the-lighthouse-keepers-almanac.html")

print(f"{work.title} by {', '.join(work.authors)}")
print(f"{work.words} words, chapters {work.chapter_count}/{work.chapter_total or '?'}")
for series in work.series:
    print(f"Part {series.position} of {series.title}")
for chapter in work.chapters:
    print(f"  Chapter {chapter.number}: {chapter.title}")

# Any registered format; write() returns bytes, so you decide where they go.
markdown = ao3conv.write(work, "md")
print(markdown.decode("utf-8").splitlines()[0])  # the YAML front matter starts with ---

# The model round-trips through JSON exactly.
assert ao3conv.Work.from_json(work.to_json()) == work

# Errors are typed: every failure you can cause is an ao3conv.Ao3convError.
try:
    ao3conv.parse("<html><body><p>not AO3</p></body></html>")
except ao3conv.NotAWorkError as error:
    print(f"refused: {error}")
