"""Error pages a reader can read, and the CSRF refusal that keeps what they typed."""

from __future__ import annotations

from typing import Any

from flask import Flask, make_response, redirect, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db
from .same_origin import OriginRefused

EXPIRED = (
    "Your session expired before the comment was sent. Nothing was lost: please send it again."
)


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        # A comment refused for an old token, or for where it came from (same_origin),
        # re-renders with the reader's text kept.
        origin = error if isinstance(error, OriginRefused) else None
        if request.endpoint in ("blog.post", "blog.page") and request.method == "POST":
            from .blog.views import comment_refused

            try:
                if origin:
                    return comment_refused(origin.description, origin.code)
                return comment_refused(EXPIRED, 400)
            except HTTPException as missing:  # no such post: answer that, not a 500
                return http_error(missing)
        if request.endpoint == "blog.unlock":
            from .blog.protected import unlock_expired

            try:  # the post's own page again, still locked, saying what to do
                if origin:
                    return unlock_expired(origin.description, origin.code)
                return unlock_expired()
            except HTTPException as missing:
                return http_error(missing)
        return render_template("error.html", code=400, message=error.description), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if error.code is None or error.code < 400:
            return error
        if error.code >= 500:
            # Flask has logged the traceback; a failed statement left PostgreSQL's transaction
            # unusable, and the error page reads settings and the menu.
            db.session.rollback()
        if error.code == 404 and request.method in ("GET", "HEAD"):
            moved = _moved_here()
            if moved is not None:
                return moved
        response = make_response(
            render_template("error.html", code=error.code, message=error.description), error.code
        )
        for key, value in error.get_headers():
            if key.lower() != "content-type":
                response.headers[key] = value
        return response


def _moved_here() -> Any:
    """A 301 to the new address of an old one (a WordPress permalink), if it is known.

    Else, as WordPress guesses for an address that named a post (no archive's, no feed's), to
    the public post whose slug ends it.
    """
    from .old_addresses import guessed_address, new_address

    target = new_address(request.path, request.query_string)
    if target is None and request.endpoint in (None, "blog.page", "blog.post", "blog.date_archive"):
        target = guessed_address(request.path)
    if target is None or target == request.path:
        return None
    return redirect(target, 301)
