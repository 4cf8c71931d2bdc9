"""Every failure a user can cause, as one exception tree.

Each message says what happened and what to do; the CLI prints ``str(error)`` as
one line. Warnings (content we kept but could not map exactly) are not errors:
they are issued as :class:`ParseWarning` through :mod:`warnings`.

::

    Ao3convError
    ├── InputError                 the input cannot be read at all
    │   └── InputTooLargeError     past the configured size cap
    ├── NotAWorkError              the page is readable but holds no work text
    │   ├── AdultContentGateError  AO3's "Adult Content Warning" interstitial
    │   ├── RestrictedWorkError    login wall (work for registered users only)
    │   ├── UnrevealedWorkError    "Mystery Work" in an unrevealed collection
    │   ├── WorkNotFoundError      404: deleted or never existed
    │   ├── SeriesPageError        a series page (use batch to export its works)
    │   ├── ListingPageError       tag/bookmark/marked-for-later listing, chapter index
    │   ├── OtherPageError         profile, dashboard, form, prompt page: no work at all
    │   ├── SiteErrorPage          AO3's own error/maintenance page (5xx, 403…)
    │   └── NotAnAo3PageError      no AO3 markup at all
    ├── FormatError                unknown output format or bad writer option
    ├── OutputError                the result cannot be written
    │   └── OutputExistsError      the target exists and --force was not given
    └── FetchError                 talking to AO3 failed
        ├── WorkReferenceError     not a work id or AO3 work URL
        ├── NetworkError           connection refused, dropped, DNS, timeouts (after retries)
        ├── IncompleteWorkError    the work page holds fewer chapters than its stats say
        ├── RateLimitedError       AO3 kept answering 429 "Retry later"
        ├── SiteUnavailableError   AO3 kept answering 5xx / maintenance
        └── LoginError             wrong username or password, or login refused
"""

from __future__ import annotations

__all__ = [
    "AdultContentGateError",
    "Ao3convError",
    "FetchError",
    "FormatError",
    "IncompleteWorkError",
    "InputError",
    "InputTooLargeError",
    "ListingPageError",
    "LoginError",
    "NetworkError",
    "NotAWorkError",
    "NotAnAo3PageError",
    "OtherPageError",
    "OutputError",
    "OutputExistsError",
    "ParseWarning",
    "RateLimitedError",
    "RestrictedWorkError",
    "SeriesPageError",
    "SiteErrorPage",
    "SiteUnavailableError",
    "UnrevealedWorkError",
    "WorkNotFoundError",
    "WorkReferenceError",
]


# What str.splitlines() splits at: a name holding one would split a one-line message.
_LINE_BREAKS = dict.fromkeys(map(ord, "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"))
for _code in _LINE_BREAKS:
    _LINE_BREAKS[_code] = repr(chr(_code))[1:-1]


class Ao3convError(Exception):
    """Root of every error ao3conv raises on purpose.

    Its message is one line whatever it quotes: a line break (from a folder or file
    name, a title...) is shown as its escape (``\\n``).
    """

    def __str__(self) -> str:
        return one_line(super().__str__())


def one_line(text: str) -> str:
    """``text`` with its line breaks as escapes (``\\n``): one line on any terminal."""
    return text.translate(_LINE_BREAKS)


class InputError(Ao3convError):
    """The input (file, bytes, text) cannot be read."""


class InputTooLargeError(InputError):
    """The input is larger than the configured cap."""


class NotAWorkError(Ao3convError):
    """The page was read, but it is not a page that holds a work's text.

    ``page_kind`` names what it is (e.g. ``"adult-gate"``, ``"series"``).
    """

    page_kind = "unknown"

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class AdultContentGateError(NotAWorkError):
    page_kind = "adult-gate"


class RestrictedWorkError(NotAWorkError):
    page_kind = "restricted"


class UnrevealedWorkError(NotAWorkError):
    page_kind = "unrevealed"


class WorkNotFoundError(NotAWorkError):
    page_kind = "not-found"


class SeriesPageError(NotAWorkError):
    page_kind = "series"


class ListingPageError(NotAWorkError):
    page_kind = "listing"


class OtherPageError(NotAWorkError):
    """An AO3 page that holds no work and lists none: a profile, a dashboard, a
    form ("Post New Work"), a challenge's prompt or sign-up page."""

    page_kind = "other-page"


class SiteErrorPage(NotAWorkError):
    page_kind = "site-error"


class NotAnAo3PageError(NotAWorkError):
    page_kind = "not-ao3"


class FormatError(Ao3convError):
    """Unknown output format, or an option the chosen writer does not take."""


class OutputError(Ao3convError):
    """The output cannot be written (permissions, disk full, a folder in the way)."""


class OutputExistsError(OutputError):
    """The output file exists and overwriting was not asked for."""


class FetchError(Ao3convError):
    """Getting a page from AO3 failed."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class WorkReferenceError(FetchError):
    """The text given is not a work id or an AO3 work URL."""


class NetworkError(FetchError):
    """The connection failed (after retrying; a refused connection is not retried).

    ``refused``: nothing answered at the site's address (offline, or a wrong
    ``--base-url``), so asking again for other works is pointless.
    """

    def __init__(self, message: str, *, url: str | None = None, refused: bool = False) -> None:
        super().__init__(message, url=url)
        self.refused = refused


class IncompleteWorkError(FetchError):
    """A fetched whole-work page holds fewer chapters than its own stats say it has.

    Never saved or cached as if it were the work: it was cut short somewhere.
    """


class RateLimitedError(FetchError):
    """AO3 kept answering 429 "Retry later" after the allowed waits."""

    def __init__(self, message: str, *, url: str | None = None, retry_after: float | None = None):
        super().__init__(message, url=url)
        self.retry_after = retry_after


class SiteUnavailableError(FetchError):
    """AO3 kept answering with server errors or a maintenance page."""


class LoginError(FetchError):
    """Logging in failed: wrong credentials, or AO3 refused the login."""


class ParseWarning(UserWarning):
    """Content was kept but not mapped exactly (e.g. an unknown element was unwrapped)."""
