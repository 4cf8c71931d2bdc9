"""Fetch options, in one frozen dataclass (credentials never shown in its repr)."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

from .._version import PROJECT_URL, __version__
from ..errors import FetchError
from ..site import is_ao3_host
from ._urls import resolve_base_url

if TYPE_CHECKING:
    from ._plan import WaitNotice

PASSWORD_ENV = "AO3CONV_PASSWORD"
DEFAULT_USER_AGENT = f"ao3conv/{__version__} (+{PROJECT_URL})"
MIN_AO3_DELAY = 1.0  # seconds; AO3 allows ~60 requests a minute per address
# Upper bounds: past these a value is a typo (or an attack on time.sleep and
# datetime), not a wish; a day is the longest any one wait may be.
DAY = 24 * 3600.0
_RANGES: dict[str, tuple[float, float, bool]] = {  # name: (least, most, least allowed)
    "delay": (0.0, 3600.0, True),
    "timeout": (0.0, DAY, False),
    "deadline": (0.0, DAY, False),
    "backoff": (0.0, 3600.0, True),
    "max_wait": (0.0, 7 * DAY, True),
    "cache_ttl": (0.0, 3650 * DAY, True),
    "max_tries": (1, 100, True),
    "max_page_bytes": (1, 2**40, True),
}


@dataclass(frozen=True)
class FetchOptions:
    """How to talk to AO3.

    ``base_url`` defaults to ``$AO3CONV_BASE_URL``, else https://archiveofourown.org.
    ``delay`` is the least time between two requests to the site (every fetcher in the
    process shares it); AO3 gets at least 1 s. ``password`` defaults to
    ``$AO3CONV_PASSWORD`` and is read only when a login is needed. ``cache_ttl`` is in
    seconds (``None``: cached pages never expire). ``backoff`` is the first wait after a
    server error or dropped connection (doubling each time, with jitter); ``max_wait``
    is the longest ``Retry-After`` worth waiting for. ``timeout`` bounds each network
    read; ``deadline`` bounds a whole request (connect, headers and body: a server that
    trickles a byte at a time is given up on). ``on_wait`` is told about every such wait
    (see :class:`WaitNotice`). Numbers must be finite and in range (a day at most for
    one wait), else :class:`~ao3conv.errors.FetchError`.

    >>> FetchOptions(username="reader", password="hunter2")  # doctest: +ELLIPSIS
    FetchOptions(base_url='https://archiveofourown.org', delay=2.0, username='reader', ...)
    >>> "hunter2" in repr(FetchOptions(username="reader", password="hunter2"))
    False
    """

    base_url: str | None = None
    delay: float = 2.0
    username: str | None = None
    password: str | None = field(default=None, repr=False, compare=False)
    cookies_file: str | os.PathLike[str] | None = None
    cache_dir: str | os.PathLike[str] | None = None
    use_cache: bool = True
    cache_ttl: float | None = 24 * 3600
    max_tries: int = 5
    timeout: float = 60.0
    deadline: float = 300.0
    user_agent: str = DEFAULT_USER_AGENT
    on_wait: Callable[[WaitNotice], None] | None = field(default=None, repr=False, compare=False)
    max_page_bytes: int = 64 * 1024 * 1024
    backoff: float = 5.0
    max_wait: float = 15 * 60

    def __post_init__(self) -> None:
        base = resolve_base_url(self.base_url)
        object.__setattr__(self, "base_url", base)
        for name, (least, most, least_ok) in _RANGES.items():
            _check_range(name, getattr(self, name), least, most, least_ok)
        if is_ao3_host(base.split("://", 1)[1]) and self.delay < MIN_AO3_DELAY:
            raise FetchError(
                f"A delay of {self.delay:g} s is too short for AO3; use at least "
                f"{MIN_AO3_DELAY:g} s (AO3 is run by volunteers and blocks fast clients)"
            )

    @property
    def site(self) -> str:
        """The resolved base URL (never ``None`` after construction)."""
        assert self.base_url is not None
        return self.base_url

    def resolved_password(self) -> str | None:
        """The password given, else ``$AO3CONV_PASSWORD`` (read now, kept nowhere)."""
        return self.password or os.environ.get(PASSWORD_ENV) or None

    @classmethod
    def from_kwargs(cls, options: FetchOptions | None = None, **kwargs: Any) -> FetchOptions:
        """Options from keyword arguments, refusing unknown names with a clear message."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(kwargs) - known)
        if unknown:
            raise FetchError(
                f"Unknown fetch option(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        return cls(**kwargs) if options is None else replace(options, **kwargs)


def _check_range(name: str, value: object, least: float, most: float, least_ok: bool) -> None:
    """A finite number within bounds (``None`` only where it means "no limit")."""
    if value is None and name == "cache_ttl":
        return
    integral = isinstance(least, int)
    kinds = (int,) if integral else (int, float)
    good = isinstance(value, kinds) and not isinstance(value, bool)
    if good:
        # Compared as given: float() of a 400-digit int would overflow.
        number: float = value  # type: ignore[assignment]  # an int or float (checked)
        finite = isinstance(number, int) or math.isfinite(number)
        above = number >= least if least_ok else number > least
        good = finite and above and number <= most
    if not good:
        low = f">= {least:g}" if least_ok else f"> {least:g}"
        # repr() of a 5,000-digit int raises ValueError: say what it is instead.
        huge = isinstance(value, int) and value.bit_length() > 64
        shown = "a huge number" if huge else repr(value)[:40]
        raise FetchError(
            f"The fetch option {name}={shown} is out of range; give a "
            f"{'whole ' if integral else ''}number {low} and <= {most:g}"
        )
