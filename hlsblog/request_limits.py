"""Request bodies larger than the blog's small form cap, for the few views that take files.

``MAX_CONTENT_LENGTH`` keeps every form small, and the checks that run before any view (the
CSRF token, the NUL guard, the UTF-8 check) read the form under it. A view that takes files
says how much it takes with ``@large_body``; the limit is raised as soon as the request is
routed, before those checks read anything, and only for a logged-in user: a stranger's large
body is refused before it is read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request
from flask_login import current_user

View = TypeVar("View", bound=Callable[..., Any])


def large_body(limit: Callable[[], int], message: str = "") -> Callable[[View], View]:
    """Let this view take a body of up to ``limit()`` bytes from a logged-in user.

    ``message`` is what a larger body is told (with a 413); Werkzeug's default otherwise.
    """

    def mark(view: View) -> View:
        view.body_limit = (limit, message)  # type: ignore[attr-defined]
        return view

    return mark


def _raise_the_cap(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    view = current_app.view_functions.get(endpoint or "")
    marked = getattr(view, "body_limit", None)
    if marked is None or not current_user.is_authenticated:
        return
    limit, message = marked
    allowed = limit()
    if (request.content_length or 0) > allowed:
        abort(413, description=message or None)
    request.max_content_length = allowed


def init_app(app: Flask) -> None:
    """Raise the cap for ``@large_body`` views; URL preprocessors run before every check."""
    app.url_value_preprocessor(_raise_the_cap)
