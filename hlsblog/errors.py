"""Error pages a reader can read, and the CSRF refusal that keeps what they typed."""

from __future__ import annotations

from typing import Any

from flask import Flask, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        # A comment refused for an old token re-renders with the reader's text kept.
        if request.endpoint == "blog.post" and request.method == "POST":
            from .blog.views import comment_refused

            return comment_refused(
                "Your session expired before the comment was sent. "
                "Nothing was lost: please send it again.",
                400,
            )
        return render_template("error.html", code=400, message=error.description), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if error.code is None or error.code < 400:
            return error
        response = make_response(
            render_template("error.html", code=error.code, message=error.description), error.code
        )
        for key, value in error.get_headers():
            if key.lower() != "content-type":
                response.headers[key] = value
        return response
