"""Saying that a GET's answer is the same for every reader who sends no cookie of ours.

A view (the page cache, a plugin's feed) calls ``share_answer(value)`` with the cached value
it answered from: ``fast_pages`` then keeps that answer, status, headers and body, and gives
it to the next such readers before Flask, for as long as the content generation holds and
``value.fresh`` stays true (a scheduled post due later makes it stale at its time).
"""

from __future__ import annotations

from typing import Protocol

from flask import has_request_context, request

# Where the request's shareable value waits for fast_pages (in the WSGI environ).
SHARED = "hlsblog.shared_answer"


class Expiring(Protocol):
    """A cached value that may go stale before the generation moves (a scheduled post is due)."""

    @property
    def fresh(self) -> bool: ...


def share_answer(value: Expiring) -> None:
    """This GET's answer is every cookieless reader's while ``value`` is fresh.

    Only say so when the answer depends on nothing but the address and what the blog holds:
    not on the user, the session, a cookie or another request header. Answers that start a
    session (``Set-Cookie``) are never kept, whatever was said.
    """
    if has_request_context():
        request.environ[SHARED] = value
