"""Well-formed BCP 47 language tags (RFC 5646 §2.1), the only kind an EPUB may carry.

A page says its language in a ``lang`` attribute anyone can write (``i``, ``en-12``,
``english``); EPUBCheck rejects a book whose tags do not follow the grammar (OPF-092).
The grammar is small enough to check here: a registry library would also judge
whether each subtag is registered, which the EPUB rules do not ask.
"""

from __future__ import annotations

import re

_ALNUM = "[a-z0-9]"
_LANGTAG = re.compile(
    rf"""
    (?:[a-z]{{2,3}}(?:-[a-z]{{3}}){{0,3}}|[a-z]{{4,8}})   # language, extlang
    (?:-[a-z]{{4}})?                                      # script
    (?:-(?:[a-z]{{2}}|[0-9]{{3}}))?                       # region
    (?P<variants>(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*)
    (?P<extensions>(?:-[0-9a-wy-z](?:-{_ALNUM}{{2,8}})+)*)
    (?:-x(?:-{_ALNUM}{{1,8}})+)?                          # private use
    |x(?:-{_ALNUM}{{1,8}})+                               # a private-use tag alone
    """,
    re.VERBOSE | re.ASCII | re.IGNORECASE,
)
_SINGLETON = re.compile(r"-([0-9a-wy-z])-", re.IGNORECASE)


def well_formed(tag: str | None) -> str | None:
    """``tag`` if it is a well-formed BCP 47 language tag, else ``None``.

    Also refused, as RFC 5646 §2.2.5/§2.2.6 ask: a variant or extension singleton
    given twice (``de-1901-1901``).
    """
    if not tag or len(tag) > 256:
        return None
    match = _LANGTAG.fullmatch(tag)
    if match is None:
        return None
    if match["variants"]:
        variants = match["variants"].lower().split("-")[1:]
        if len(set(variants)) != len(variants):
            return None
    if match["extensions"]:
        singletons = _SINGLETON.findall(match["extensions"].lower() + "-")
        if len(set(singletons)) != len(singletons):
            return None
    return tag
