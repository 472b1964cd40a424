"""Revocable logins: each session and remember-me cookie carries the user's session generation.

Flask-Login keeps ``User.get_id()`` — ``"<id>:<generation>"`` — in the signed session and in
the remember cookie. Loading the user refuses a value whose generation is not the user's
current one, so raising it (logout, "log out everywhere else", a new password) makes every
cookie issued before worthless, copies included. Logout raises it too, which ends the user's
other sessions as well: WordPress destroys only the one session's token, but that needs a
table of sessions; a signed cookie can only be revoked by moving what it must match.
"""

from __future__ import annotations

from flask import current_app, g, request, session
from flask_login import login_user
from sqlalchemy import update

from .extensions import db
from .models import User

MAX_DIGITS = 18  # a signed cookie can't be forged, but an old one must not overflow a query


def user_for_session(token: str) -> User | None:
    """The user a session or remember cookie stands for, if it was issued to this generation."""
    ident, _, generation = token.partition(":")
    if not (_small_number(ident) and _small_number(generation)):
        return None
    user = db.session.get(User, int(ident))
    if user is None or user.disabled or user.session_generation != int(generation):
        return None
    return user


def _small_number(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS


def revoke_sessions(user: User) -> None:
    """End every session and remember cookie of ``user``; the caller commits."""
    # One statement, so two revocations at once both count.
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_generation=User.session_generation + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(user, ["session_generation"])


def start_session(user: User, remember: bool) -> None:
    """Log ``user`` in with a fresh CSRF token: one planted before the login is no use after."""
    login_user(user, remember=remember)
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(field, None)  # flask-wtf keeps the raw token here and makes a new one
    g.pop(field, None)  # and the signed one of this request here


def keep_this_session(user: User) -> None:
    """After a revocation the user asked for here, log this browser in again under the new one."""
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    start_session(user, remember=remembered in request.cookies)
