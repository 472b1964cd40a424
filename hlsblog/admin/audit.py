"""The audit trail page."""

from __future__ import annotations

from typing import Any

from flask import render_template

from ..audit import recent
from . import admin_required, bp


@bp.route("/audit/")
@admin_required
def audit() -> Any:
    """The latest admin actions: who, what, when, from where."""
    return render_template("admin/audit.html", entries=recent())
