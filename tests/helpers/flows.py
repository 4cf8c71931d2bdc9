"""Running the fetcher's sans-IO flows without a network."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ao3conv.fetch._plan import Request, Send


def drive(flow: Any, answer: Callable[[Request], Any]) -> tuple[Any, list[Any]]:
    """Run a flow to its end, answering each Send with ``answer(request)``."""
    actions: list[Any] = []
    outcome = None
    try:
        while True:
            action = flow.send(outcome)
            actions.append(action)
            outcome = answer(action.request) if isinstance(action, Send) else None
    except StopIteration as stop:
        return stop.value, actions
