"""The book's style sheet, and the work skin made safe for it.

The base style is small and leaves fonts, sizes and margins to the reader. A
work skin (``--work-skin``) is the author's CSS from AO3: it is parsed with
tinycss2 and rebuilt from what is known to be harmless. Every selector is scoped
to the book's ``#workskin`` wrapper (AO3 already prefixes them so); at-rules
other than ``@media``/``@supports`` go (``@import``, ``@font-face``...); a
declaration goes when it could fetch or run something (``url()``,
``expression()``, ``behavior``, ``-moz-binding``, any function not on a short
list of pure value functions), or when EPUB forbids it (``direction``,
``unicode-bidi``) or readers break on it (``position: fixed``).

A skin can paint the page dark and leave ao3conv's own headings and labels in
the reader's black. With a skin, :data:`CHROME_CSS` comes after it and gives the
book's chrome (titles, bylines, labels, the metadata list, the afterword's
lists) its own dark-on-light colours, as ``!important``; the skin's own
``!important`` is dropped (on AO3 it beats the site's style sheet; the book has
none it needs to beat), so the chrome wins whatever the skin's selectors.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

SCOPE = "#workskin"

BASE_CSS = """\
body { margin: 0 1em; }
h1, h2, h3 { line-height: 1.3; }
.userstuff p { margin: 0.75em 0; }
.align-left { text-align: left; }
.align-right { text-align: right; }
.align-center { text-align: center; }
.align-justify { text-align: justify; }
.smallcaps { font-variant: small-caps; }
p.scene-break { margin: 1.5em 0; text-align: center; text-indent: 0; }
blockquote { margin: 1em 1.5em; }
pre { white-space: pre-wrap; }
img { max-width: 100%; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid; padding: 0.2em 0.4em; vertical-align: top; }
.preface h1, .preface .byline { text-align: center; }
.preface .byline { font-size: 1.2em; margin-bottom: 1.5em; }
dl.work.meta dt { font-weight: bold; margin-top: 0.4em; }
dl.work.meta dd { margin: 0 0 0 1.5em; }
.module h2, .module h3 { font-size: 1em; font-weight: bold; margin: 1.2em 0 0.4em 0; }
.module blockquote.userstuff { margin: 0 0 1em 0; }
.chapter .title { margin: 1em 0; text-align: center; }
h1, h2, h3, .heading, dt { page-break-after: avoid; break-after: avoid; }
.summary.module { page-break-inside: avoid; break-inside: avoid; }
.chapter .byline { text-align: center; }
.end.notes { margin-top: 2em; border-top: 1px solid; }
.image { font-style: italic; }
.source { font-size: 0.9em; }
div.cover { text-align: center; margin: 0; padding: 0; }
div.cover img { height: 98%; max-width: 100%; }
nav ol { list-style: none; padding-left: 1em; }
"""

_CHROME = (
    ".preface .heading", ".preface .heading *", "dl.work.meta", "dl.work.meta *",
    ".preface .source", ".preface .source *", ".preface .associations",
    ".preface .associations *", ".afterword ul", ".afterword ul *", ".afterword .message",
    ".afterword .message *",
)
CHROME_CSS = (
    ",\n".join(f"{SCOPE} {selector}" for selector in _CHROME)
    + " {\n  color: #000 !important; background-color: #fff !important;"
    " text-shadow: none !important;\n  opacity: 1 !important; visibility: visible !important;"
    " filter: none !important;\n}\n"
    + f"{SCOPE} .preface .heading, {SCOPE} dl.work.meta, {SCOPE} .preface .source,"
    f" {SCOPE} .preface .associations, {SCOPE} .afterword ul, {SCOPE} .afterword .message"
    " {\n  padding: 0.1em 0.3em;\n}\n"
)

# Value functions that only compute a value: nothing to fetch, nothing to run.
_SAFE_FUNCTIONS = frozenset(
    """\
    rgb rgba hsl hsla hwb lab lch oklab oklch color color-mix calc min max clamp var attr
    counter counters linear-gradient radial-gradient conic-gradient repeating-linear-gradient
    repeating-radial-gradient repeating-conic-gradient translate translatex translatey translate3d
    translatez rotate rotatex rotatey rotatez rotate3d scale scalex scaley scalez scale3d skew skewx
    skewy matrix matrix3d perspective cubic-bezier steps blur brightness contrast drop-shadow
    grayscale hue-rotate invert opacity saturate sepia rect inset circle ellipse polygon
    minmax repeat fit-content
    """.split()  # noqa: SIM905 - a word list reads better than 70 quoted strings
)
_BANNED_PROPERTIES = frozenset(
    ("behavior", "-ms-behavior", "-moz-binding", "direction", "unicode-bidi", "-o-link",
     "-o-link-source")
)


def sanitize_skin(css: str) -> str:
    """The work skin's harmless part, scoped to ``#workskin`` (may be empty)."""
    import tinycss2

    try:
        rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
        return "".join(_rules(rules))
    except ValueError:
        # tinycss2 turns numbers into ints: past Python's 4,300 digits that fails. No
        # skin AO3 serves has such a number; the skin is left out, the work is not.
        return ""


def _rules(rules: Iterable[Any]) -> Iterable[str]:
    import tinycss2

    for rule in rules:
        if rule.type == "qualified-rule":
            yield from _qualified(rule)
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports"):
            if rule.content is None or not _safe_tokens(rule.prelude):
                continue
            inner = "".join(
                _rules(tinycss2.parse_rule_list(rule.content, True, True))
            )
            if inner:
                prelude = tinycss2.serialize(rule.prelude).strip()
                yield f"@{rule.lower_at_keyword} {prelude} {{\n{inner}}}\n"


def _qualified(rule: Any) -> Iterable[str]:
    import tinycss2

    selectors = _scoped_selectors(rule.prelude)
    if not selectors:
        return
    declarations = []
    for item in tinycss2.parse_declaration_list(rule.content, True, True):
        if item.type != "declaration":
            continue  # parse errors and nested rules
        text = _declaration(item)
        if text:
            declarations.append(text)
    if declarations:
        yield f"{', '.join(selectors)} {{ {'; '.join(declarations)}; }}\n"


def _scoped_selectors(prelude: list[Any]) -> list[str]:
    import tinycss2

    if not _safe_tokens(prelude, selector=True):
        return []
    groups: list[list[Any]] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            groups.append([])
        else:
            groups[-1].append(token)
    selectors = []
    for group in groups:
        text = " ".join(tinycss2.serialize(group).split())
        if not text or "{" in text or "}" in text or ";" in text:
            continue
        if text in ("html", "body", ":root", "*"):
            text = SCOPE
        elif not text.startswith(SCOPE):
            text = f"{SCOPE} {text}"
        selectors.append(text)
    return selectors


def _declaration(item: Any) -> str | None:
    import tinycss2

    name = item.lower_name
    if name in _BANNED_PROPERTIES or not _safe_tokens(item.value):
        return None
    value = " ".join(tinycss2.serialize(item.value).split())
    if not value or (name == "position" and value.lower() == "fixed"):
        return None
    return f"{item.name}: {value}"  # without !important: see CHROME_CSS


def _safe_tokens(tokens: Iterable[Any], selector: bool = False) -> bool:
    """No URL, no unknown function, no bad string, at any depth."""
    for token in tokens:
        kind = token.type
        if kind in ("url", "bad-url", "bad-string", "error", "at-keyword"):
            return False
        if kind == "literal" and token.value == "<":
            return False  # never valid CSS; only there to end a <style> a reader may inline
        if kind == "string" and _looks_scripted(token.value):
            return False
        if kind == "function":
            if not selector and token.lower_name not in _SAFE_FUNCTIONS:
                return False
            if selector and token.lower_name in ("url", "expression"):
                return False
            if not _safe_tokens(token.arguments, selector):
                return False
        elif kind in ("() block", "[] block", "{} block"):
            nested_ok = kind != "{} block" and _safe_tokens(token.content, selector)
            if not nested_ok:
                return False
    return True


def _looks_scripted(value: str) -> bool:
    lowered = "".join(value.lower().split())
    return (
        "javascript:" in lowered
        or "vbscript:" in lowered
        or "expression(" in lowered
        or "</" in lowered  # "</style>": an escape should a reader inline the sheet
        or "<!--" in lowered
    )
