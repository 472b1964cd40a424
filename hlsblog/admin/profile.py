"""Your own profile: name and mail, a new password, and ending your sessions elsewhere."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..audit import record
from ..extensions import db
from ..models import User
from ..sessions import keep_this_session, revoke_sessions
from ..users import check_new_password, update_details
from . import bp


def _me() -> User:
    user: User = current_user._get_current_object()
    return user


@bp.get("/profile/")
def profile() -> Any:
    """Who you are, the password form and "Log out everywhere else"."""
    user = _me()
    values = {"display_name": user.display_name, "email": user.email}
    return render_template("admin/profile.html", user=user, values=values)


@bp.post("/profile/details")
def change_details() -> Any:
    """Your display name (shown on your posts) and mail address (for a lost password)."""
    user, form = _me(), request.form
    try:
        update_details(user, form.get("display_name", "").strip(), form.get("email", "").strip())
    except ValueError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return render_template("admin/profile.html", user=user, values=form), 400
    db.session.commit()
    record("profile changed", user.username)
    flash("Your name and mail address are saved.", "info")
    return redirect(url_for("admin.profile"))


@bp.post("/profile/sessions")
def end_other_sessions() -> Any:
    """End every other session and remember cookie of yours; this browser stays logged in."""
    user = _me()
    revoke_sessions(user)
    db.session.commit()
    keep_this_session(user)
    record("logged out everywhere else", user.username)
    flash("You are logged out everywhere else.", "info")
    return redirect(url_for("admin.profile"))


@bp.post("/profile/password")
def change_password() -> Any:
    """A new password, given the current one; every other session ends with the old one."""
    user, form = _me(), request.form
    try:
        _check_change(user, form.get("current", ""), form.get("password", ""), form)
    except ValueError as exc:
        flash(str(exc), "error")
        values = {"display_name": user.display_name, "email": user.email}
        return render_template("admin/profile.html", user=user, values=values), 400
    user.set_password(form["password"])
    revoke_sessions(user)
    db.session.commit()
    keep_this_session(user)
    record("password changed", user.username)
    flash("Password changed; your other sessions have ended.", "info")
    return redirect(url_for("admin.profile"))


def _check_change(user: User, current: str, new: str, form: Any) -> None:
    if not user.check_password(current):
        raise ValueError("That is not your current password.")
    check_new_password(new)
    if new != form.get("confirm", ""):
        raise ValueError("The new passwords do not match.")
