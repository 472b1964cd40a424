"""People who write: an admin adds authors and admins."""

from __future__ import annotations

from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import flash, redirect, render_template, request, url_for

from ..audit import record
from ..extensions import db
from ..models import User
from . import admin_required, bp


def create_user(
    username: str, email: str, password: str, role: str, display_name: str = ""
) -> User:
    """A new user; ``ValueError`` with a reason when the details don't fit."""
    if (
        not username
        or len(username) > 60
        or not username.replace("-", "").replace("_", "").isalnum()
    ):
        raise ValueError("A username is 1 to 60 letters, digits, - or _.")
    if role not in ("admin", "author"):
        raise ValueError("The role is admin or author.")
    if len(password) < 8:
        raise ValueError("A password has at least 8 characters.")
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"The mail address is not valid: {exc}") from exc
    if db.session.scalar(db.select(User).where(User.username == username)):
        raise ValueError(f"There is already a user {username}.")
    user = User(username=username, email=email, role=role, display_name=display_name or username)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


@bp.route("/users/", methods=["GET", "POST"])
@admin_required
def users() -> Any:
    """List users and add one."""
    if request.method == "POST":
        form = request.form
        try:
            user = create_user(
                form.get("username", "").strip(),
                form.get("email", "").strip(),
                form.get("password", ""),
                form.get("role", "author"),
                form.get("display_name", "").strip(),
            )
        except ValueError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            everyone = db.session.scalars(db.select(User).order_by(User.username)).all()
            return render_template("admin/users.html", users=everyone, values=form), 400
        record("user added", user.username, f"role {user.role}")
        flash(f"Added {user.username}.", "info")
        return redirect(url_for("admin.users"))
    everyone = db.session.scalars(db.select(User).order_by(User.username)).all()
    return render_template("admin/users.html", users=everyone, values={})
