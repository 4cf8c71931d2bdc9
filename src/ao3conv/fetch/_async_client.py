"""The asynchronous driver of the sans-IO core: :class:`AsyncFetcher`, the twin of
:class:`~ao3conv.fetch._client.Fetcher` over an ``httpx.AsyncClient`` (it shares
everything with it but the lines that block: see ``_client``)."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any

import httpx

from ._body import BodyError, TooLarge
from ._client import T, _failure, _FetcherBase, _form, log
from ._flows import FetchedPage, login_flow, page_flow
from ._images import image_flow
from ._options import FetchOptions
from ._plan import Action, FetchFlow, Outcome, Request, Send
from ._urls import on_site


class AsyncFetcher(_FetcherBase):
    """The asynchronous twin of :class:`Fetcher`, over an ``httpx.AsyncClient``."""

    def __init__(
        self,
        options: FetchOptions | None = None,
        *,
        client: httpx.AsyncClient | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(options, **kwargs)
        self._owns_client = client is None
        self.client = client if client is not None else httpx.AsyncClient(**self._client_options())
        self._install_cookies(self.client.cookies)

    async def __aenter__(self) -> AsyncFetcher:
        return self

    async def __aexit__(
        self, *exc: type[BaseException] | BaseException | TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_client:
            await self.client.aclose()

    async def fetch_work_page(self, ref: str | int) -> FetchedPage:
        """A whole work's page: from the cache if fresh, else in one request."""
        return await self._run(self._work_page(ref))

    async def get(self, url: str) -> FetchedPage:
        """Any AO3 page (a listing, a series), following redirects and logging in if needed."""
        flow = page_flow(self.session, on_site(url, self.options.site), self.policy)
        return await self._run(flow)

    async def login(self) -> None:
        """Log in now (otherwise it happens only when a page needs it)."""
        if not self.session.logged_in:
            await self._run(login_flow(self.session, self.policy))

    async def fetch_image(self, src: str, max_bytes: int) -> tuple[str, bytes]:
        """One image: ``(media_type, bytes)``; raises a :class:`FetchError` if it cannot."""
        return await self._run(image_flow(src, self.image_policy, max_bytes))

    async def _run(self, flow: FetchFlow[T]) -> T:
        outcome: Outcome | None = None
        try:
            while True:
                outcome = await self._act(flow.send(outcome))
        except StopIteration as stop:
            result: T = stop.value  # what the flow returned
            return result
        finally:
            flow.close()

    async def _act(self, action: Action) -> Outcome | None:
        if isinstance(action, Send):
            return await self._send(action.request)
        self._obey(action, self.client.cookies)
        return None

    async def _send(self, request: Request) -> Outcome:
        limiter, delay = self._pace(request)
        pause = limiter.reserve(delay)
        while pause > 0:
            await asyncio.sleep(pause)
            pause = limiter.rebook_if_held(delay)
        log.debug("%s %s", request.method, request.url)
        try:
            # The whole exchange, headers included, within the deadline.
            return await asyncio.wait_for(self._exchange(request), self.options.deadline)
        except asyncio.TimeoutError:
            return self._late(request)

    async def _exchange(self, request: Request) -> Outcome:
        try:
            async with self.client.stream(
                request.method,
                request.url,
                data=_form(request),
                headers=self._headers,
                follow_redirects=False,
                timeout=self._timeout(),
            ) as response:
                body = self._body(response, request)
                if response.is_stream_consumed:
                    body.feed(response.content)
                else:
                    async for chunk in response.aiter_raw():
                        body.feed(chunk)
                content = body.finish()
        except (httpx.TransportError, BodyError) as error:
            return _failure(error, request)
        except TooLarge:
            raise self._too_large(request) from None
        return self._response(response, content)
