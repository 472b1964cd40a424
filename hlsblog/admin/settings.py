"""The blog's settings form."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import flash, redirect, render_template, request, url_for

from ..audit import record
from ..extensions import db
from ..numbers import stranger_int
from ..settings import DEFAULTS, get_setting, set_setting
from ..site_address import SETTING as SITE_URL
from ..site_address import forget_site_url, normalize_site_url
from ..widgets import WIDGETS
from . import admin_required, bp

TEXT = ("title", "tagline", "date_format", "time_format", "timezone")
NUMBERS = {"posts_per_page": (1, 100), "thread_depth": (1, 10)}
SWITCHES = ("comments_open_default", "pings_open_default", "require_name_email")
ROBOTS_LIMIT = 10_000  # characters of robots.txt; Google reads the first 500 KiB


def _validate(form: Any) -> tuple[dict[str, Any], list[str]]:
    values: dict[str, Any] = {key: form.get(key, "").strip()[:200] for key in TEXT}
    errors = []
    for key, (low, high) in NUMBERS.items():
        number = stranger_int(form.get(key, ""), low, high)
        if number is None:
            errors.append(
                f"{key.replace('_', ' ').capitalize()} must be a number from {low} to {high}."
            )
        else:
            values[key] = number
    for key in SWITCHES:
        values[key] = bool(form.get(key))
    if "widgets_shown" in form:  # the sidebar's widgets (hlsblog/widgets.py), each on or off
        for name, _ in WIDGETS:
            values[f"widget_{name}"] = bool(form.get(f"widget_{name}"))
    if "robots_txt" in form:  # empty: no rules, only the sitemap's address
        robots = form["robots_txt"].replace("\r\n", "\n").strip()
        if len(robots) > ROBOTS_LIMIT:
            errors.append(f"robots.txt is limited to {ROBOTS_LIMIT:,} characters.")
        values["robots_txt"] = robots + "\n" if robots else ""
    try:
        ZoneInfo(values["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(f"Unknown time zone {values['timezone']!r} (try Europe/Berlin or UTC).")
    try:
        values[SITE_URL] = normalize_site_url(form.get(SITE_URL, ""))
    except ValueError as exc:
        errors.append(str(exc))
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
        forget_site_url()
        record("settings changed", "blog settings", ", ".join(sorted(values)))
        flash("Settings saved.", "info")
        return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", values={k: get_setting(k) for k in DEFAULTS})
