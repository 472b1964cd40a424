"""Password-protected posts and pages, the WordPress way.

A post with a ``password`` shows its title ("Protected: …") and a password form in place of its
text; its comments stay hidden too. The right password is remembered for that reader in a
signed cookie, one per post, scoped to the post's own address and bound to the password (a new
password locks everyone out again) — no server session is needed. The cookie lives ten days,
as WordPress's does. Feeds, search, listings and share previews never show a protected text:
they use :func:`public_excerpt`, whoever asks.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from flask import current_app, has_request_context, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from .caching import PRIVATE_COOKIE_PREFIX
from .models import Post
from .posts import permalink
from .rendering import plain_text, stored_pages

TITLE_PREFIX = "Protected: "
FORM_TEXT = "This content is password protected. To view it please enter your password below:"
NO_EXCERPT = "There is no excerpt because this is a protected post."
REFUSED = "That password is not right for this post. Please try again."
COOKIE_PREFIX = PRIVATE_COOKIE_PREFIX  # the page cache never shares a page sent with one
REMEMBERED_FOR = timedelta(days=10)
_SALT = "hlsblog.postpass"


def is_protected(post: Post) -> bool:
    """Whether the post has a password (whoever is reading)."""
    return bool(post.password)


def is_locked(post: Post) -> bool:
    """Whether the post's text is hidden from the reader of this request.

    Outside a request (a feed built for everyone, a ping, a command) a protected post is
    always locked.
    """
    if not post.password:
        return False
    if not has_request_context():
        return True
    cookie = request.cookies.get(cookie_name(post))
    return cookie is None or not _cookie_unlocks(post, cookie)


def shown_title(post: Post) -> str:
    """The title readers see: "Protected: …" before a protected post's, as WordPress shows it."""
    title = post.title or "(no title)"
    return TITLE_PREFIX + title if post.password else title


def public_excerpt(post: Post, length: int = 200, part: int = 1) -> str:
    """Plain text about the post that anyone may see (descriptions, share previews, pings).

    A protected post's text never leaves it this way, unlocked or not: its excerpt is
    WordPress's notice. Of a paginated post, page ``part``'s text is taken, as WordPress makes
    an excerpt of the page it is on (its own excerpt, if it has one, stands for every page).
    """
    if post.password:
        return NO_EXCERPT
    if post.excerpt:
        return plain_text(post.excerpt)[:length]
    pages = stored_pages(post.body_html)
    text = pages[part - 1] if 1 < part <= len(pages) else (post.teaser_html or pages[0])
    return plain_text(text)[:length]


def password_matches(post: Post, given: str) -> bool:
    """Whether ``given`` is the post's password (compared in constant time)."""
    return bool(post.password) and hmac.compare_digest(
        post.password.encode("utf-8"), given.encode("utf-8")
    )


def cookie_name(post: Post) -> str:
    """The name of the cookie that unlocks ``post``."""
    return f"{COOKIE_PREFIX}{post.id}"


def remember_unlock(response: Response, post: Post) -> None:
    """Set the cookie that unlocks ``post`` for this reader, on the post's own address."""
    response.set_cookie(
        cookie_name(post),
        _serializer().dumps(_binding(post)),
        max_age=int(REMEMBERED_FOR.total_seconds()),
        path=permalink(post),
        secure=bool(current_app.config.get("HTTPS")),
        httponly=True,
        samesite="Lax",
    )


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=_SALT)


def _binding(post: Post) -> str:
    # Ties the cookie to this post and this password without carrying the password itself.
    key = str(current_app.secret_key or "").encode("utf-8")
    message = f"{post.id}\0{post.password}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def _cookie_unlocks(post: Post, cookie: str) -> bool:
    try:
        held = _serializer().loads(cookie, max_age=int(REMEMBERED_FOR.total_seconds()))
    except BadSignature:  # also an expired one (SignatureExpired is a BadSignature)
        return False
    return isinstance(held, str) and hmac.compare_digest(held, _binding(post))
