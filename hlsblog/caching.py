"""Whole reader pages built once per content generation, and conditional GET for every page.

A page is cached only for a reader with nothing of their own in the session (not logged in,
no held comment, no remembered name, no message waiting): such a reader's page depends only
on the address and on what the blog holds. The key is the full URL; the cache empties when
``content_generation()`` moves, which every worker reads from the database on each request,
so a write in any worker or process is seen by all of them on their next request. A page
built while a scheduled post is waiting is kept only until that post goes public.

A form's CSRF token is never stored: while a page is built for the cache, ``csrf_token()``
gives a placeholder, and each answer fills in the reader's own token — none for a reader
without a session, whose page then holds nothing of theirs: it is the same bytes for every
such reader, no session is started for them, and it goes out ``public`` with ``s-maxage``
(config ``PAGE_SHARED_MAX_AGE``) so a proxy in front may serve it too (docs/deploy.md).
The reader forms on it are checked by origin instead (hlsblog/same_origin.py). A reader with
a session is never given a shared copy: their answers are ``private`` and vary on ``Cookie``.
``GenerationCache`` keeps the pages; the feeds plugin keeps its built feeds in one too.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar

from flask import Flask, Response, current_app, g, make_response, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from . import same_origin
from .same_origin import ENDPOINTS, has_session
from .schedule import next_publication
from .settings import content_generation
from .shared_answers import share_answer

DEFAULT_SIZE = 256  # pages per worker; HLSBLOG_PAGE_CACHE_SIZE=0 turns the cache off
# Random per process, so no post or comment can contain it and receive a reader's token.
PLACEHOLDER = f"csrf-placeholder-{secrets.token_hex(16)}"
# Session keys that say nothing about the reader: the CSRF token is filled in per answer.
# Flask-Login marks any session "_fresh": False, logged in or not.
NEUTRAL_SESSION_KEYS = frozenset({"csrf_token", "_fresh", "_permanent"})
# A cookie that makes a page one reader's own: the password of a protected post, remembered
# (hlsblog.protection). It is sent only to that post's address, so other pages stay shared.
PRIVATE_COOKIE_PREFIX = "hlsblog-postpass-"


@dataclass(frozen=True)
class CachedPage:
    """A rendered page (UTF-8) split around its token placeholders, and its digest."""

    parts: tuple[bytes, ...]
    digest: str
    fresh_until: datetime | None

    @property
    def fresh(self) -> bool:
        return self.fresh_until is None or datetime.now(UTC) < self.fresh_until


class Expiring(Protocol):
    """A cached value that may go stale before the generation moves (a scheduled post is due)."""

    @property
    def fresh(self) -> bool: ...


V = TypeVar("V", bound=Expiring)


class GenerationCache(Generic[V]):
    """Values built for the current content generation; the least recently used go first.

    Pass ``content_generation()`` with every call: it moves whenever readers could see
    something new, in every worker at once, and the cache then starts empty. Serves the page
    cache and the feeds plugin's built feeds.
    """

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._items: OrderedDict[Hashable, V] = OrderedDict()

    def get(self, generation: str, key: Hashable) -> V | None:
        """The value at ``key`` if this generation built it and it is still fresh."""
        with self._lock:
            if generation != self._generation:
                self._items.clear()
                self._generation = generation
            found = self._items.get(key)
            if found is None or not found.fresh:
                return None
            self._items.move_to_end(key)
            return found

    def put(self, generation: str, key: Hashable, value: V) -> None:
        """Keep ``value`` unless the content moved on while it was built."""
        with self._lock:
            if generation != self._generation:
                return
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def get_or_build(
        self, generation: str, key: Hashable, build: Callable[[], V | None]
    ) -> V | None:
        """The value at ``key``, built now (outside the lock) only if this generation has none."""
        found = self.get(generation, key)
        if found is None:
            found = build()  # one slow build never blocks the other readers
            if found is not None:
                self.put(generation, key, found)
        return found


def init_app(app: Flask | Any) -> None:
    """Give the app its page cache and the placeholder-aware ``csrf_token()``."""
    size = int(app.config.get("PAGE_CACHE_SIZE", DEFAULT_SIZE))
    cache: GenerationCache[CachedPage] | None = GenerationCache(size) if size > 0 else None
    app.extensions["hlsblog.page_cache"] = cache
    # Flask-WTF offers its own as a global and through a context processor; ours must win both.
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})
    same_origin.init_app(app)  # the forms on shared pages, which carry no token


def csrf_token() -> str:
    """The reader's CSRF token; the placeholder while a page is built for the cache.

    A reader form (comments, post passwords) gets none for a reader without a session: it
    is checked by origin instead, and asking for a token would start a session.
    """
    if g.get("hlsblog_caching_page"):
        return PLACEHOLDER
    if request.endpoint in ENDPOINTS and not has_session():
        return ""
    return generate_csrf()


def readers_token() -> str:
    """What fills a cached page's placeholders: the session's token, or nothing without one."""
    return generate_csrf() if has_session() else ""


def _page_cache() -> GenerationCache[CachedPage] | None:
    cache: GenerationCache[CachedPage] | None = current_app.extensions.get("hlsblog.page_cache")
    return cache


def is_neutral_reader() -> bool:
    """True when nothing in this request belongs to one reader (so the page may be shared)."""
    if request.method not in ("GET", "HEAD") or not set(session.keys()) <= NEUTRAL_SESSION_KEYS:
        return False
    if any(name.startswith(PRIVATE_COOKIE_PREFIX) for name in request.cookies):
        return False
    # No user id in the session (checked above) and no remember cookie: Flask-Login can log no
    # one in, so the user need not be loaded (its session check hashes the address each time).
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return remember not in request.cookies or not current_user.is_authenticated


def page_key() -> str:
    """The page's address as the reader asked for it: scheme, host, path and query."""
    environ = request.environ
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return f"{request.scheme}://{request.host}{path}?{environ.get('QUERY_STRING', '')}"


def cached_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve ``view``'s page from the cache for neutral readers; ETag and 304 for everyone."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        neutral = is_neutral_reader()
        cache = _page_cache() if neutral else None
        generation, key = (content_generation(), page_key()) if cache else ("", "")
        page = cache.get(generation, key) if cache else None
        if page is not None:
            share_answer(page)  # fast_pages keeps the answer
            return serve(page, Response(mimetype="text/html"), shared=True)
        before = _readers_own()
        response, page = _render(view, args, kwargs)
        if page is None:
            return response
        shared = neutral and _shareable(response, before)
        if cache is not None and shared:
            page = CachedPage(page.parts, page.digest, next_publication())
            cache.put(generation, key, page)
            share_answer(page)  # fast_pages keeps the answer
        return serve(page, response, shared)

    return wrapper


def _render(view: Callable[..., Any], args: Any, kwargs: Any) -> tuple[Response, CachedPage | None]:
    """The view's answer, and the page as the cache would keep it when it is a 200 page."""
    g.hlsblog_caching_page = True
    try:
        response = make_response(view(*args, **kwargs))
    finally:
        g.hlsblog_caching_page = False
    if response.direct_passthrough or response.mimetype != "text/html":
        return response, None
    html = response.get_data(as_text=True)
    if response.status_code != 200 or request.method not in ("GET", "HEAD"):
        if PLACEHOLDER in html:
            response.set_data(html.replace(PLACEHOLDER, readers_token()))
        return response, None
    # Over the page with its placeholders as one fixed mark: the placeholder is this
    # process's own, and every worker and host must give the same bytes the same ETag.
    stable = html.replace(PLACEHOLDER, "csrf-placeholder")
    digest = hashlib.blake2b(stable.encode(), digest_size=16).hexdigest()
    parts = tuple(part.encode() for part in html.split(PLACEHOLDER))
    return response, CachedPage(parts, digest, None)


def _readers_own() -> dict[str, Any]:
    return {key: value for key, value in session.items() if key not in NEUTRAL_SESSION_KEYS}


def _shareable(response: Response, before: dict[str, Any]) -> bool:
    # Only a page whose building put nothing of the reader's in the session or a cookie may
    # be shown to another (Flask-Login marking the session "_fresh": False is nothing).
    return (
        _readers_own() == before
        and "Set-Cookie" not in response.headers
        and not response.cache_control.private
    )


def serve(page: CachedPage, response: Response, shared: bool = False) -> Response:
    """``page`` in ``response`` with this reader's token filled in; 304 when they hold it.

    ``shared``: the page holds nothing of this reader's (the same bytes for every reader
    without a session), so a shared cache may keep it for ``PAGE_SHARED_MAX_AGE`` seconds.
    The ETag joins the page's digest with the session's own token, which stays the same for
    the session's life (the signed form in the page changes every second, and every signed
    form of it stays valid).
    """
    etag, token = page.digest, ""
    if len(page.parts) > 1:
        token = readers_token()
    if token:
        raw = str(session.get("csrf_token", token))
        etag = hashlib.blake2b(f"{page.digest}:{raw}".encode(), digest_size=16).hexdigest()
    if request.if_none_match.contains_weak(etag):  # If-None-Match compares weakly (RFC 9110)
        response = Response(status=304)
    else:
        response.set_data(token.encode().join(page.parts))
    response.set_etag(etag)
    if shared and not has_session():
        # Browsers must ask again each time; a proxy may answer for a second or so, and an
        # ETag revalidation (a 304) renews its copy cheaply.
        response.cache_control.public = True
        response.cache_control.max_age = 0
        response.cache_control.s_maxage = int(current_app.config["PAGE_SHARED_MAX_AGE"])
    else:
        response.cache_control.private = True  # one reader's own: no shared cache keeps it
        response.cache_control.no_cache = True
    response.vary.add("Cookie")  # a session or a password cookie makes the page one's own
    return response
