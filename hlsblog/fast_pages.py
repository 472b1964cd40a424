"""Shared answers given before Flask: the bytes and the headers the app gave last time.

A reader who sends no cookie of ours (no session, no remembered login, no protected post's
password) and plainly GETs an address whose answer the app has said is everyone's
(``shared_answers.share_answer``: the page cache's pages, the feeds) gets exactly the answer
the app gave the last such reader, for the current content generation: status, headers
(computed once, as the app's response hooks left them; ``Date`` aside) and body, or the kept
304 when their ``If-None-Match`` names the answer's ETag. That costs the generation read on
the worker's kept connection (``generation_reader``), a dictionary look-up and a WSGI
answer: no request context, no session, no routing, no response hooks.

Everything else goes to the app as before: any other method, a request with a cookie of
ours, a ``Range`` or a condition other than ``If-None-Match``, and a first request. An
answer is kept only when it is a 200 or 304 without ``Set-Cookie``, to a request that
passed the same test: what is replayed is what any such reader would have been given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from werkzeug.http import parse_etags, unquote_etag
from werkzeug.wsgi import get_host

from .caching import DEFAULT_SIZE, GenerationCache
from .extensions import db
from .generation_reader import GenerationReader, reader_for
from .settings import GENERATION_ENVIRON, GENERATION_KEY
from .shared_answers import SHARED, Expiring

# Headers that belong to one answer, never replayed.
PER_ANSWER = frozenset({"date", "set-cookie"})
# Conditions and ranges the app answers itself (make_conditional): only If-None-Match here.
APP_ANSWERS = ("HTTP_RANGE", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")
# How long a worker trusts its last read of the generation for shared answers on PostgreSQL:
# a write elsewhere reaches them within it ("within a second" is the promise), one here at once.
RECENT_SECONDS = 0.05
StartResponse = Callable[..., Any]
Answer = tuple[str, tuple[tuple[str, str], ...], bytes]


@dataclass
class SharedAnswers:
    """The app's answers for one address, by status ("200", "304"), fresh while ``value`` is."""

    value: Expiring
    answers: dict[str, Answer] = field(default_factory=dict)

    @property
    def fresh(self) -> bool:
        return self.value.fresh


def page_key(environ: dict[str, Any]) -> str:
    """The address as the reader asked for it: scheme, host, path and query."""
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    scheme = environ.get("wsgi.url_scheme", "http")
    return f"{scheme}://{get_host(environ)}{path}?{environ.get('QUERY_STRING', '')}"


class FastPages:
    """WSGI middleware in front of the blog (inside any ProxyFix, so it sees what Flask sees)."""

    def __init__(self, app: Flask, wsgi_app: Callable[..., Any], size: int) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.kept: GenerationCache[SharedAnswers] = GenerationCache(size)
        self._reader: GenerationReader | None = None
        self._own_cookies: tuple[str, ...] = ()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not self._anyones(environ):
            return self.wsgi_app(environ, start_response)
        generation = self._generation()
        if generation is None:
            return self.wsgi_app(environ, start_response)
        environ[GENERATION_ENVIRON] = generation  # the app's settings use the same read
        key = page_key(environ)
        kept = self.kept.get(generation, key)
        answer = _kept_answer(kept.answers, environ.get("HTTP_IF_NONE_MATCH")) if kept else None
        if answer is not None:
            status, headers, body = answer
            start_response(status, list(headers))
            return [body] if body else []
        return self._through_the_app(environ, start_response, generation, key)

    def _through_the_app(
        self, environ: dict[str, Any], start_response: StartResponse, generation: str, key: str
    ) -> Iterable[bytes]:
        given: list[Any] = []

        def keep(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            given[:] = [status, headers]
            return start_response(status, headers, *exc)

        body = self.wsgi_app(environ, keep)
        value = environ.get(SHARED)
        if value is None or not given:
            return body
        status, headers = given
        code = status.split(" ", 1)[0]
        if code not in ("200", "304") or any(n.lower() == "set-cookie" for n, _ in headers):
            return body  # a session was started: this answer was this reader's own
        try:
            whole = b"".join(body)  # the bytes every reader without cookies gets
        finally:
            if hasattr(body, "close"):
                body.close()
        kept = self.kept.get(generation, key)
        if kept is None or kept.value is not value:
            kept = SharedAnswers(value)
            self.kept.put(generation, key, kept)
        kept.answers[code] = (
            status,
            tuple(h for h in headers if h[0].lower() not in PER_ANSWER),
            whole,
        )
        return [whole]

    def _anyones(self, environ: dict[str, Any]) -> bool:
        """Whether the request could be any reader's: a plain GET with no cookie of ours."""
        if environ.get("REQUEST_METHOD") != "GET" or any(h in environ for h in APP_ANSWERS):
            return False
        cookies = environ.get("HTTP_COOKIE")
        if not cookies:
            return True
        if not self._own_cookies:
            config = self.app.config
            session_name = str(config.get("SESSION_COOKIE_NAME") or "session")
            remember = str(config.get("REMEMBER_COOKIE_NAME") or "remember_token")
            self._own_cookies = (session_name, remember, "hlsblog-")  # hlsblog-postpass-…
        return not any(name in cookies for name in self._own_cookies)

    def _generation(self) -> str | None:
        if self._reader is None:
            with self.app.app_context():
                self._reader = reader_for(db.engine, GENERATION_KEY)
        if self._reader.dialect == "postgresql":  # a round trip: trusted for a moment
            return self._reader.recent(RECENT_SECONDS)
        return self._reader.read()


def _kept_answer(answers: dict[str, Answer], if_none_match: str | None) -> Answer | None:
    """The kept 304 or 200, or ``None`` when the app must answer this time."""
    if if_none_match:
        etag = _etag_of(answers)
        if etag is None:
            return None
        if parse_etags(if_none_match).contains_weak(etag):
            return answers.get("304")
    return answers.get("200")


def _etag_of(answers: dict[str, Answer]) -> str | None:
    for _status, headers, _body in answers.values():
        for name, value in headers:
            if name.lower() == "etag":
                return unquote_etag(value)[0]
    return None


def init_app(app: Flask) -> None:
    """Give shared answers before Flask, unless the page cache is off (size 0)."""
    size = int(app.config.get("PAGE_CACHE_SIZE", DEFAULT_SIZE))
    if size > 0:
        app.wsgi_app = FastPages(app, app.wsgi_app, size * 2)  # type: ignore[method-assign]
