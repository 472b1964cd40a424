"""Signed, expiring, single-use links that set a new password, sent to the user's mail.

The token is signed with the secret key and carries the user's id and a fingerprint of their
password hash and session generation: setting any new password (this link, the profile, an
admin) or logging out everywhere changes the fingerprint, so a link works once, and an older
link dies with the password it was sent for. Nothing is stored.
"""

from __future__ import annotations

import hashlib
import logging

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .extensions import db
from .mail import send_mail
from .models import User
from .settings import get_setting
from .site_address import configured_site_url

log = logging.getLogger(__name__)

SALT = "hlsblog-password-reset"
VALID_FOR = 3600  # seconds: an hour, as the mail says


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    seed = f"{user.password_hash}|{user.session_generation}".encode()
    return hashlib.blake2b(seed, digest_size=12).hexdigest()


def make_token(user: User) -> str:
    """A reset link's token for ``user`` as they are now."""
    return str(_serializer().dumps({"u": user.id, "f": _fingerprint(user)}))


def user_for_token(token: str) -> User | None:
    """The user a token is for, if it is genuine, under an hour old and not yet used."""
    try:
        data = _serializer().loads(token, max_age=VALID_FOR)
    except BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = db.session.get(User, data["u"])
    if user is None or user.disabled or data.get("f") != _fingerprint(user):
        return None
    return user


def find_user(name_or_mail: str) -> User | None:
    """The enabled user with that username or mail address (case-blind for the mail)."""
    text = name_or_mail.strip()[:250]
    if not text:
        return None
    query = db.select(User).where(
        (User.username == text) | (db.func.lower(User.email) == text.lower()),
        User.disabled.is_(False),
    )
    return db.session.scalars(query.order_by(User.id)).first()


def send_reset_link(user: User) -> bool:
    """Mail ``user`` a link to set a new password; ``False`` when mail is off or they have none."""
    if not user.email:
        return False
    if not configured_site_url():  # else a forged Host would write the link, token and all
        log.warning("no reset link mailed to %s: the blog's address is not set", user.username)
        return False
    link = url_for("auth.reset_password", token=make_token(user), _external=True)
    title = str(get_setting("title") or "the blog")
    body = (
        f"Someone asked to reset the password of {user.username} on {title}.\n\n"
        f"To choose a new password, open this link within an hour:\n{link}\n\n"
        "It works once. If you did not ask, ignore this mail: your password stays as it is.\n"
    )
    return send_mail(user.email, f"[{title}] Reset your password", body)
