"""A lost password: a link by mail (when the blog can send mail), then a new password."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for

from ..audit import record
from ..extensions import db
from ..mail import can_send_mail
from ..password_reset import find_user, send_reset_link, user_for_token
from ..sessions import revoke_sessions
from ..users import check_new_password
from . import bp
from .throttle import count_attempt

SENT = (
    "If that is a user of this blog, a link to choose a new password is on its way to their"
    " mail address. It works once, within an hour."
)


bp.add_app_template_global(can_send_mail)  # the login page offers a reset only when mail works


@bp.route("/lost-password", methods=["GET", "POST"])
def lost_password() -> Any:
    """Ask for a reset link by username or mail address; the answer never says which exist."""
    if not can_send_mail():
        abort(404, description="This blog can't send mail: ask one of its admins for help.")
    if request.method == "POST":
        name = request.form.get("login", "").strip()
        count_attempt(f"reset:{name}")  # the login limits, so nobody floods a mailbox
        user = find_user(name)
        if user is not None and send_reset_link(user):
            record("password reset mailed", user.username)
        flash(SENT, "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/lost_password.html")


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Any:
    """Choose a new password with a mailed link; every session of the old one ends."""
    user = user_for_token(token)
    if user is None:
        return render_template("auth/reset_password.html", user=None), 400
    if request.method == "POST":
        password = request.form.get("password", "")
        try:
            check_new_password(password)
            if password != request.form.get("confirm", ""):
                raise ValueError("The new passwords do not match.")
        except ValueError as exc:
            flash(str(exc), "error")
            return render_template("auth/reset_password.html", user=user), 400
        user.set_password(password)
        revoke_sessions(user)
        db.session.commit()
        record("password reset", user.username)
        flash("Your new password is set: log in with it.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", user=user)
