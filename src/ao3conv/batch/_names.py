"""``--name-template``: where each work goes inside the output folder.

A template is text with fields in braces; ``/`` makes folders::

    {fandom}/{series}/{series_position:02d} - {title}

Fields: ``{title}``, ``{creators}`` (joined with ", "; "Anonymous" when none), ``{id}``,
``{fandom}`` (the first fandom), ``{series}`` and ``{series_position}`` (the series the
work was listed from, else its first), ``{rating}``. A format spec such as ``:02d``
applies when the field has a value. The template is split into folders first and every
folder and the file name are then made safe on their own, so a title with ``/`` or
``..`` in it stays one name; a folder that comes out empty (no series) is left out. The
result is checked to lie inside the output folder.

>>> render_name("{fandom}/{series_position:02d} - {title}", {"fandom": "Good Omens",
...     "series_position": 3, "title": "A/B: ../../etc"}, "epub")
'Good Omens/03 - A-B ..-..-etc.epub'
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any

from ..errors import FormatError, Setting
from ..model import Work
from ..output import MAX_NAME_BYTES, safe_filename

DEFAULT_TEMPLATE = "{creators} - {title}"
# The width and precision of a format spec ([[fill]align][sign][z][#][0][width][,][.precision]).
_SPEC_SIZES = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?([0-9]*)[,_]?(?:\.([0-9]+))?", re.DOTALL)
# The setting said as the library names it; the CLI says its option instead.
_TEMPLATE = Setting.NAME_TEMPLATE.value
FIELDS = ("title", "creators", "id", "fandom", "series", "series_position", "rating")


def check_template(template: str) -> None:
    """Refuse an empty template, unknown fields and conversions, with the list of fields."""
    if not template.strip(" /\\"):
        raise FormatError(_TEMPLATE + " is empty; try '{creators} - {title}'")
    for segment in _segments(template):
        for field_name, spec, conversion in _fields(segment, template):
            if field_name not in FIELDS:
                known = ", ".join("{" + name + "}" for name in FIELDS)
                raise FormatError(
                    f"{_TEMPLATE} has an unknown field {{{field_name}}}; known: {known}"
                )
            if conversion:
                raise FormatError(
                    f"{_TEMPLATE}: conversions like !{conversion} are not supported"
                )
            if spec:
                _check_spec(field_name, spec)


def _check_spec(field_name: str, spec: str) -> None:
    sizes = _SPEC_SIZES.match(spec)
    if sizes and any(len(n) > 4 for n in sizes.groups() if n):
        # {id:0>99999999999} would ask for gigabytes before the name is cut to size
        # (names are cut to 200 bytes; a width up to 9,999 is merely cut).
        raise FormatError(f"{_TEMPLATE}: {{{field_name}:{spec}}} is wider than a file "
                          "name can be; keep widths under 10000")
    sample: int | str = 1 if field_name in ("id", "series_position") else "text"
    try:
        format(sample, spec)
    except (ValueError, TypeError) as exc:
        raise FormatError(f"{_TEMPLATE}: {{{field_name}:{spec}}} is not valid: {exc}") from None


def work_fields(work: Work, series_id: int | None = None) -> dict[str, Any]:
    """The template's fields for ``work``; ``series_id`` picks the series it was listed from."""
    series = next((s for s in work.series if series_id is not None and s.id == series_id), None)
    series = series or (work.series[0] if work.series else None)
    return {
        "title": work.title,
        "creators": ", ".join(work.authors) or "Anonymous",
        "id": work.id,
        "fandom": work.fandoms[0] if work.fandoms else None,
        "series": series.title if series else None,
        "series_position": series.position if series else None,
        "rating": work.rating,
    }


def render_name(template: str, fields: Mapping[str, Any], extension: str) -> str:
    """The relative path (``/``-separated) for one work: safe folders, then a safe file name."""
    segments = [_fill(segment, fields, template) for segment in _segments(template)]
    *folders, stem = segments
    parts = [safe_filename(folder) for folder in folders if folder.strip(" .")]
    parts.append(safe_filename(stem, extension))
    return "/".join(parts)


def with_work_id(relative: str, work_id: int | None, extension: str) -> str:
    """The same path with `` (id)`` before the extension, so two works both survive."""
    folder, _, name = relative.rpartition("/")
    dotted = f".{extension}" if extension else ""
    stem = name[: -len(dotted)] if dotted and name.endswith(dotted) else name
    # Shorten the title, never the id: the id is what tells the two apart.
    tag = f" ({work_id})"
    room = MAX_NAME_BYTES - len(tag.encode()) - len(dotted.encode())
    renamed = safe_filename(safe_filename(stem, max_bytes=room) + tag, extension)
    return f"{folder}/{renamed}" if folder else renamed


def _segments(template: str) -> list[str]:
    return template.replace("\\", "/").strip("/").split("/")


def _fields(segment: str, template: str) -> list[tuple[str, str, str | None]]:
    try:
        parsed = list(string.Formatter().parse(segment))
    except ValueError as exc:
        raise FormatError(f"{_TEMPLATE} {template!r} is not valid: {exc}") from None
    found = []
    for _, field_name, spec, conversion in parsed:
        if field_name is None:
            continue
        if not field_name:
            raise FormatError(f"{_TEMPLATE} {template!r} has an empty {{}}; name the field")
        found.append((field_name, spec or "", conversion))
    return found


def _fill(segment: str, fields: Mapping[str, Any], template: str) -> str:
    out = []
    for literal, field_name, spec, _ in string.Formatter().parse(segment):
        out.append(literal)
        if field_name is None:
            continue
        value = fields.get(field_name)
        if value is None or value == "":
            continue
        try:
            out.append(format(value, spec or ""))
        except (ValueError, TypeError):
            out.append(str(value))
    return "".join(out)
