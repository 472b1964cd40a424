"""Logging in and out."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from ..extensions import db, login_manager
from ..models import User
from ..redirects import safe_next
from ..sessions import revoke_sessions, start_session, user_for_session
from .throttle import count_attempt

bp = Blueprint("auth", __name__)
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see that page."


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The logged-in user for a session."""
    return user_for_session(user_id)


def _next(target: str | None) -> str:
    return safe_next(target, url_for("admin.dashboard"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The login form; a wrong name or password gets one message, whichever was wrong."""
    if current_user.is_authenticated:
        return redirect(_next(request.args.get("next")))
    if request.method == "POST":
        return _try_login(request.form.get("username", "").strip())
    return render_template("auth/login.html", username="", next=request.args.get("next", ""))


def _try_login(username: str) -> Any:
    # One connection at a time: the counters take their own, and thirty tries at once each
    # holding one while waiting for another would empty the pool.
    db.session.close()
    attempt = count_attempt(username)
    user = db.session.scalar(db.select(User).where(User.username == username))
    if user is not None and user.check_password(request.form.get("password", "")):
        attempt.give_back()
        if user.disabled:  # told only to someone who knows the password
            flash("This account is disabled: ask an admin of the blog.", "error")
            return render_template("auth/login.html", username=username, next=""), 403
        start_session(user, remember=bool(request.form.get("remember")))
        return redirect(_next(request.form.get("next")))
    flash("Unknown username or wrong password.", "error")
    return render_template(
        "auth/login.html", username=username, next=request.form.get("next", "")
    ), 401


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Any:
    """Log out (a POST, so a link on another site can't do it), revoking the cookies for good."""
    revoke_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("blog.index"))


from . import reset  # noqa: E402,F401  (its routes join this blueprint)
