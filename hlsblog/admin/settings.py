"""The blog's settings form."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import flash, redirect, render_template, request, url_for

from ..audit import record
from ..extensions import db
from ..settings import DEFAULTS, get_setting, set_setting
from . import admin_required, bp

TEXT = ("title", "tagline", "date_format", "time_format", "timezone")
NUMBERS = {"posts_per_page": (1, 100), "thread_depth": (1, 10)}
SWITCHES = ("comments_open_default", "pings_open_default", "require_name_email")


def _validate(form: Any) -> tuple[dict[str, Any], list[str]]:
    values: dict[str, Any] = {key: form.get(key, "").strip()[:200] for key in TEXT}
    errors = []
    for key, (low, high) in NUMBERS.items():
        raw = form.get(key, "")
        if not raw.isdigit() or not low <= int(raw) <= high:
            errors.append(
                f"{key.replace('_', ' ').capitalize()} must be a number from {low} to {high}."
            )
        else:
            values[key] = int(raw)
    for key in SWITCHES:
        values[key] = bool(form.get(key))
    try:
        ZoneInfo(values["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(f"Unknown time zone {values['timezone']!r} (try Europe/Berlin or UTC).")
    return values, errors


@bp.route("/settings", methods=["GET", "POST"])
@admin_required
def settings() -> Any:
    """Title, tagline, listings, dates and comment defaults."""
    if request.method == "POST":
        values, errors = _validate(request.form)
        if errors:
            for error in errors:
                flash(error, "error")
            return render_template("admin/settings.html", values=request.form), 400
        for key, value in values.items():
            set_setting(key, value)
        db.session.commit()
        record("settings changed", "blog settings", ", ".join(sorted(values)))
        flash("Settings saved.", "info")
        return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", values={k: get_setting(k) for k in DEFAULTS})
