"""People who write: an admin adds authors and admins."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from ..audit import record
from ..extensions import db
from ..models import User
from ..users import create_user
from . import admin_required, bp


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
