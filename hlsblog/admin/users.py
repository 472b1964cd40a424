"""People who write: an admin adds, changes and disables authors and admins."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..audit import record
from ..extensions import db
from ..models import User
from ..sessions import keep_this_session, revoke_sessions
from ..users import ROLES, check_new_password, create_user, other_admins, update_details
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


@bp.route("/users/<int:user_id>/", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int) -> Any:
    """Change someone's name, mail, role or password."""
    user = db.get_or_404(User, user_id)
    if request.method == "GET":
        return render_template("admin/edit_user.html", user=user, values=_values(user))
    form = request.form
    try:
        _apply_user_form(user, form)
    except ValueError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return render_template("admin/edit_user.html", user=user, values=form), 400
    db.session.commit()
    record("user changed", user.username, f"role {user.role}")
    flash(f"Saved the changes to {user.username}.", "info")
    return redirect(url_for("admin.edit_user", user_id=user.id))


def _values(user: User) -> dict[str, str]:
    return {"display_name": user.display_name, "email": user.email, "role": user.role}


def _apply_user_form(user: User, form: Any) -> None:
    """Copy the form onto ``user``; ``ValueError`` when something doesn't fit."""
    update_details(user, form.get("display_name", "").strip(), form.get("email", "").strip())
    role = form.get("role", user.role)
    if role not in ROLES:
        raise ValueError("The role is admin or author.")
    if role != "admin" and user.is_admin and not other_admins(user):
        raise ValueError("The blog needs an admin: make someone else admin first.")
    user.role = role
    password = form.get("password", "")
    if password:
        check_new_password(password)
        user.set_password(password)
        revoke_sessions(user)  # a password an admin set ends the sessions of the old one
    if user.id == current_user.id and password:
        db.session.commit()
        keep_this_session(user)


@bp.post("/users/<int:user_id>/disable")
@admin_required
def disable_user(user_id: int) -> Any:
    """Disable a user: no login, every session ended; their posts stay under their name."""
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        flash("You can't disable yourself: another admin can.", "error")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    user.disabled = True
    revoke_sessions(user)
    db.session.commit()
    record("user disabled", user.username)
    flash(f"{user.username} is disabled: they can't log in, and their sessions have ended.", "info")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/enable")
@admin_required
def enable_user(user_id: int) -> Any:
    """Let a disabled user log in again (with the password they had)."""
    user = db.get_or_404(User, user_id)
    user.disabled = False
    db.session.commit()
    record("user enabled", user.username)
    flash(f"{user.username} can log in again.", "info")
    return redirect(url_for("admin.users"))
