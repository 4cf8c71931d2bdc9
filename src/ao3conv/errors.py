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

Each error may carry a :class:`Hint`: what the user can do next, in no interface's
words (the CLI says it with its own options, a library caller with its parameters).
"""

from __future__ import annotations

import enum

__all__ = [
    "AdultContentGateError",
    "Ao3convError",
    "FetchError",
    "FormatError",
    "Hint",
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
    "Setting",
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


class Hint(enum.Enum):
    """What the user can do about an error, said by no interface: the CLI maps each to
    its own options (``--username``/``--cookies``, ``ao3conv fetch``, ``ao3conv batch``).
    A message that gives this advice says the value word for word, so that an
    interface can put its own words in its place (the CLI's ``HINT_WORDS``)."""

    LOG_IN = "log in (a username and password, or a browser's cookies)"
    FETCH = "fetch the work from AO3 rather than read a saved page"
    SAVE_AGAIN = "save the page again"
    OPEN_ONE_WORK = "give one work (its /works/N address)"
    BATCH = "give the series or listing to the batch export"
    CHECK_REFERENCE = "check the work id or address"
    RETRY_LATER = "try again later"
    WAIT_FOR_REVEAL = "wait until the collection reveals the work"
    PASS_ADULT_GATE = "pass AO3's adult-content warning"
    PASS_BOT_CHECK = "pass the bot check in a browser"
    OVERWRITE = "ask for it to be overwritten (force)"
    RENAME_OR_OVERWRITE = (
        "choose another name template, or ask for them to be overwritten (force)"
    )
    FETCH_LOGGED_IN = "fetch it logged in (a username and password, or a browser's cookies)"
    USE_COOKIES = "log in with a browser's cookies instead"
    CHECK_CONNECTION = "check the connection and the site's address"
    SLOW_DOWN = "try again with a longer wait between requests"
    RECHECK_NOW = "a recheck interval of 0 asks now"
    REPORT_BUG = "run again with debugging on for details, and please report it"


class Setting(enum.Enum):
    """A setting an error names (the one the user gave wrong), said as the library's
    parameter: the CLI puts its option in its place (``SETTING_WORDS``), as it does a
    :class:`Hint`'s words. The backquotes keep the words from matching other text."""

    NAME_TEMPLATE = "`name_template`"
    ANTHOLOGY = "`anthology`"
    SPLIT = "`split`"
    FORMAT = "`format`"


class Ao3convError(Exception):
    """Root of every error ao3conv raises on purpose.

    Its message is one line whatever it quotes: a line break (from a folder or file
    name, a title...) is shown as its escape (``\\n``). ``hint`` says what to do
    next (:class:`Hint`), when there is something; a class may give a default.
    """

    hint: Hint | None = None

    def __init__(self, message: str = "", *, hint: Hint | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint

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

    def __init__(self, message: str, *, url: str | None = None, hint: Hint | None = None) -> None:
        super().__init__(message, hint=hint)
        self.url = url


class AdultContentGateError(NotAWorkError):
    page_kind = "adult-gate"
    hint = Hint.PASS_ADULT_GATE


class RestrictedWorkError(NotAWorkError):
    page_kind = "restricted"
    hint = Hint.LOG_IN


class UnrevealedWorkError(NotAWorkError):
    page_kind = "unrevealed"
    hint = Hint.WAIT_FOR_REVEAL


class WorkNotFoundError(NotAWorkError):
    page_kind = "not-found"
    hint = Hint.CHECK_REFERENCE


class SeriesPageError(NotAWorkError):
    page_kind = "series"
    hint = Hint.BATCH


class ListingPageError(NotAWorkError):
    page_kind = "listing"
    hint = Hint.BATCH


class OtherPageError(NotAWorkError):
    """An AO3 page that holds no work and lists none: a profile, a dashboard, a
    form ("Post New Work"), a challenge's prompt or sign-up page."""

    page_kind = "other-page"


class SiteErrorPage(NotAWorkError):
    page_kind = "site-error"
    hint = Hint.RETRY_LATER


class NotAnAo3PageError(NotAWorkError):
    page_kind = "not-ao3"


class FormatError(Ao3convError):
    """Unknown output format, or an option the chosen writer does not take."""


class OutputError(Ao3convError):
    """The output cannot be written (permissions, disk full, a folder in the way)."""


class OutputExistsError(OutputError):
    """The output file exists and overwriting was not asked for."""

    hint = Hint.OVERWRITE


class FetchError(Ao3convError):
    """Getting a page from AO3 failed."""

    def __init__(self, message: str, *, url: str | None = None, hint: Hint | None = None) -> None:
        super().__init__(message, hint=hint)
        self.url = url


class WorkReferenceError(FetchError):
    """The text given is not a work id or an AO3 work URL."""

    hint = Hint.CHECK_REFERENCE


class NetworkError(FetchError):
    """The connection failed (after retrying; a refused connection is not retried).

    ``refused``: nothing answered at the site's address (offline, or a wrong
    ``--base-url``), so asking again for other works is pointless.
    """

    def __init__(
        self, message: str, *, url: str | None = None, refused: bool = False,
        hint: Hint | None = None,
    ) -> None:
        super().__init__(message, url=url, hint=hint)
        self.refused = refused


class IncompleteWorkError(FetchError):
    """A fetched whole-work page holds fewer chapters than its own stats say it has.

    Never saved or cached as if it were the work: it was cut short somewhere.
    """


class RateLimitedError(FetchError):
    """AO3 kept answering 429 "Retry later" after the allowed waits."""

    hint = Hint.RETRY_LATER

    def __init__(
        self, message: str, *, url: str | None = None, retry_after: float | None = None,
        hint: Hint | None = None,
    ) -> None:
        super().__init__(message, url=url, hint=hint)
        self.retry_after = retry_after


class SiteUnavailableError(FetchError):
    """AO3 kept answering with server errors or a maintenance page."""

    hint = Hint.RETRY_LATER


class LoginError(FetchError):
    """Logging in failed: wrong credentials, or AO3 refused the login."""

    hint = Hint.LOG_IN


class ParseWarning(UserWarning):
    """Content was kept but not mapped exactly (e.g. an unknown element was unwrapped)."""
