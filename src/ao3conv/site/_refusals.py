"""What a page that holds no work means to someone who wanted one: the one kind → error
table, with what to do next (a :class:`~ao3conv.errors.Hint`).

The parser (a saved page), the fetcher (what AO3 served for a work id) and the batch
(a listing page that is not there) all raise through :func:`refusal`; each writes its
own message, because each knows different things (the fetcher the work id and the
HTTP status, the parser only the page), and may give a more precise hint.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import (
    AdultContentGateError,
    Hint,
    ListingPageError,
    NotAnAo3PageError,
    NotAWorkError,
    OtherPageError,
    RestrictedWorkError,
    SeriesPageError,
    SiteErrorPage,
    UnrevealedWorkError,
    WorkNotFoundError,
)
from ._kinds import PageKind


@dataclass(frozen=True)
class Refusal:
    error: type[NotAWorkError]
    hint: Hint


REFUSALS: dict[PageKind, Refusal] = {
    PageKind.NOT_FOUND: Refusal(WorkNotFoundError, Hint.CHECK_REFERENCE),
    PageKind.ERROR_PAGE: Refusal(SiteErrorPage, Hint.RETRY_LATER),
    PageKind.ERROR_IN_LAYOUT: Refusal(SiteErrorPage, Hint.RETRY_LATER),
    PageKind.RATE_LIMIT: Refusal(SiteErrorPage, Hint.RETRY_LATER),
    PageKind.BOT_CHECK: Refusal(SiteErrorPage, Hint.PASS_BOT_CHECK),
    PageKind.LOGIN: Refusal(RestrictedWorkError, Hint.LOG_IN),
    PageKind.REFUSED: Refusal(RestrictedWorkError, Hint.LOG_IN),
    # A saved gate: the fetcher passes it (a fetched one that stays says so itself).
    PageKind.ADULT_GATE: Refusal(AdultContentGateError, Hint.FETCH),
    PageKind.UNREVEALED: Refusal(UnrevealedWorkError, Hint.WAIT_FOR_REVEAL),
    PageKind.SERIES: Refusal(SeriesPageError, Hint.BATCH),
    PageKind.LISTING: Refusal(ListingPageError, Hint.BATCH),
    PageKind.CHAPTER_INDEX: Refusal(ListingPageError, Hint.OPEN_ONE_WORK),
    PageKind.OTHER: Refusal(OtherPageError, Hint.OPEN_ONE_WORK),
    PageKind.AO3_PAGE: Refusal(OtherPageError, Hint.OPEN_ONE_WORK),
    PageKind.NOT_AO3: Refusal(NotAnAo3PageError, Hint.FETCH),
    PageKind.UNKNOWN: Refusal(NotAnAo3PageError, Hint.FETCH),
}


def refusal(
    kind: PageKind, message: str, *, url: str | None = None, hint: Hint | None = None
) -> NotAWorkError:
    """The error for a page of this kind where a work was wanted (to be raised).

    >>> error = refusal(PageKind.LOGIN, "only for registered users", url="/works/1")
    >>> type(error).__name__, error.hint.name, error.url
    ('RestrictedWorkError', 'LOG_IN', '/works/1')
    """
    found = REFUSALS[kind]
    return found.error(message, url=url, hint=hint or found.hint)
