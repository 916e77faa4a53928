"""Work a view's answer need not wait for, run once the answer is on the wire.

A ball recorded from the pad or the JSON API is durable at its commit, and the scorer's answer
is ready: publishing the ball's delta to fans (one Redis round trip; for the pad, building the
delta too) is work the scorer need not wait for. A view decorated with ``answer_first`` gets
such work queued by ``after_response`` and run when the server closes the response — after the
last byte is sent (WSGI and ASGI servers both close a response only then; so does Django's test
client). Outside such a view (tasks, consumers, the shell) ``after_response`` runs the work at
once. Failures are logged, as ``transaction.on_commit(robust=True)`` would: the answer is sent
and the relay (realtime/relay.py) republishes what was not published.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from contextvars import ContextVar

logger = logging.getLogger(__name__)

_queue: ContextVar[list[Callable[[], None]] | None] = ContextVar("after_response", default=None)


def after_response(work: Callable[[], None]) -> None:
    """Run ``work`` after the current ``answer_first`` view's answer is sent, else now."""
    queue = _queue.get()
    if queue is None:
        work()
    else:
        queue.append(work)


def _run(queue: list[Callable[[], None]]) -> None:
    while queue:  # in order: a request's deltas are published in version order
        work = queue.pop(0)
        try:
            work()
        except Exception:
            logger.exception("Work left until after the response failed: %r", work)


def answer_first(view):
    """Queue the view's ``after_response`` work until its response is closed (sent)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        queue: list[Callable[[], None]] = []
        token = _queue.set(queue)
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            _queue.reset(token)
            _run(queue)  # no answer to wait for: what was committed is published now
            raise
        _queue.reset(token)
        if queue:
            # What Django's own responses use to release what they hold when the server closes
            # them (FileResponse its file); HttpResponse offers no public hook for it.
            response._resource_closers.append(functools.partial(_run, queue))
        return response

    return wrapper
