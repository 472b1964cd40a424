"""Logging in and out."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from ..extensions import db, login_manager
from ..models import User
from ..ratelimit import limiter, login_account, login_failed
from ..redirects import safe_next
from ..sessions import revoke_sessions, start_session, user_for_session

bp = Blueprint("auth", __name__)
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see that page."


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The logged-in user for a session."""
    return user_for_session(user_id)


def _next(target: str | None) -> str:
    return safe_next(target, url_for("admin.dashboard"))


LIMIT_MESSAGE = "Too many failed logins. Please wait a few minutes and try again."


def _limit(config_key: str) -> Any:
    return lambda: current_app.config[config_key]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _limit("LOGIN_LIMIT_PER_IP"),
    methods=["POST"],
    deduct_when=login_failed,
    error_message=LIMIT_MESSAGE,
)
@limiter.limit(
    _limit("LOGIN_LIMIT_PER_ACCOUNT"),
    key_func=login_account,
    methods=["POST"],
    deduct_when=login_failed,
    error_message=LIMIT_MESSAGE,
)
def login() -> Any:
    """The login form; a wrong name or password gets one message, whichever was wrong."""
    if current_user.is_authenticated:
        return redirect(_next(request.args.get("next")))
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        user = db.session.scalar(db.select(User).where(User.username == username))
        if user is not None and user.check_password(request.form.get("password", "")):
            start_session(user, remember=bool(request.form.get("remember")))
            return redirect(_next(request.form.get("next")))
        flash("Unknown username or wrong password.", "error")
        return render_template(
            "auth/login.html", username=username, next=request.form.get("next", "")
        ), 401
    return render_template("auth/login.html", username="", next=request.args.get("next", ""))


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Any:
    """Log out (a POST, so a link on another site can't do it), revoking the cookies for good."""
    revoke_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("blog.index"))
