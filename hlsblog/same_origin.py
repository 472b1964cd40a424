"""Reader forms checked by where they were sent from, so a reader needs no session to use them.

The comment form and a protected post's password form sit on pages every anonymous reader
shares (and any proxy may keep): they carry no per-reader token. A POST to them is taken when
the browser says it came from this site's own page: ``Sec-Fetch-Site: same-origin`` (sent by
every current browser), else an ``Origin`` equal to the blog's own address — the configured
site address or the address the request came to, scheme and port included, so a blog behind
a proxy that doesn't pass the scheme on still knows its https origin. A cross-site form post
carries ``Sec-Fetch-Site: cross-site`` and another ``Origin``; the session cookie stays
``SameSite=Lax`` as well. A browser that sends neither header is not guessed about: the
reader gets the page again with their text and a message; the refusal starts a session, so
that page's form carries a token and sending it again works.

A request that carries a token, or comes from a logged-in user, is checked by its token as
every other form is: a blogger's forms keep their session tokens, and a reader with a session
(a held comment) gets pages with a token. The login form keeps its token too: it is where a
session starts, its page is never shared, and a token there also stops a login planted by
another site in a browser too old to send either header.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, request, session
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf

from .extensions import csrf
from .site_address import configured_site_url

# The reader forms a sessionless reader sends (comments on posts and pages, post passwords).
ENDPOINTS = frozenset({"blog.post", "blog.page", "blog.unlock"})
# Session keys Flask-Login writes into any session: holding only these is holding none.
NO_SESSION_KEYS = frozenset({"_fresh", "_permanent"})
CROSS_SITE = (
    "This form was sent from a page on another site, so it was not taken. If you meant to "
    "write here, your text is below: send it again from this page."
)
NO_HEADERS = (
    "Your browser did not say which site this form was sent from, so it was not taken. "
    "Nothing was lost: your text is below, and sending it again from this page will work."
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


class OriginRefused(CSRFError):
    """A token-less reader form that did not come from this site's own page."""

    def __init__(self, description: str, code: int) -> None:
        super().__init__(description)
        self.code = code


def init_app(app: Flask) -> None:
    """Check the reader forms by origin instead of by the token their pages don't carry."""
    for endpoint in ENDPOINTS:
        csrf.exempt(app.view_functions[endpoint])  # this module's check replaces the token's
    app.before_request(_check)


def has_session() -> bool:
    """Whether this reader holds a session (a token, a held comment, a login)."""
    return not set(session.keys()) <= NO_SESSION_KEYS


def _check() -> None:
    if request.method != "POST" or request.endpoint not in ENDPOINTS:
        return
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return  # as Flask-WTF's own check: a deployment that turned CSRF checks off
    if current_user.is_authenticated or _sent_token():
        csrf.protect()  # as on every other form
        return
    fetch_site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if fetch_site is not None:
        if fetch_site != "same-origin":
            raise OriginRefused(CROSS_SITE, 403)
    elif origin is not None:
        if _origin(origin) not in _own_origins():
            raise OriginRefused(CROSS_SITE, 403)
    else:
        generate_csrf()  # the page that says so carries a token: sending again works
        raise OriginRefused(NO_HEADERS, 400)


def _sent_token() -> bool:
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    headers = current_app.config.get("WTF_CSRF_HEADERS", ["X-CSRFToken", "X-CSRF-Token"])
    return bool(request.form.get(field)) or any(request.headers.get(h) for h in headers)


def _own_origins() -> set[str]:
    """The blog's origins: its configured address's and the one this request came to."""
    found = {_origin(request.host_url)}
    configured = configured_site_url()
    if configured:
        found.add(_origin(configured))
    return found


def _origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, the port only when it isn't the scheme's own."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return "invalid"
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if not host or scheme not in _DEFAULT_PORTS:
        return "invalid"  # "null" (a sandboxed or privacy-stripped page) and the like
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"
