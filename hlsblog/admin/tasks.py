"""Admin → Tasks: the background work waiting, running and failed, with Retry and Discard.

The dashboard's warning (``task_warnings``) comes from here too: failed tasks, or no consumer
seen for a minute, which means nothing in the background runs at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from ..audit import record
from ..models import utcnow
from ..plugins import current_host
from ..site_address import configured_site_url
from ..tasks import task_queue, upkeep
from ..tasks.ledger import BackgroundTask
from ..tasks.registry import KINDS
from . import admin_required, bp

CONSUMER_UNSEEN = timedelta(minutes=1)
WORKER_COMMAND = "flask --app app worker"
_RANDOM_KEY = re.compile(r"[0-9a-f]{32}")  # run_later's key when none was given


@dataclass(frozen=True)
class TaskLine:
    """One task as the blogger reads it."""

    row: BackgroundTask
    name: str
    origin: str
    about: str


def describe(row: BackgroundTask) -> TaskLine:
    """A task's readable name, where it comes from, and what it is about."""
    module, _, func = row.kind.rpartition(".")
    kind = KINDS.get(row.kind)
    name = func.replace("_", " ").strip().capitalize() or row.kind
    if kind is not None and kind.every_minutes:
        every = kind.every_minutes
        about = "every minute" if every == 1 else f"every {every} minutes"
    elif _RANDOM_KEY.fullmatch(row.key):
        about = ", ".join(_short(arg) for arg in row.args or [])
    else:
        about = _short(row.key, 160)
    return TaskLine(row, name, _origin(module), about)


def _origin(module: str) -> str:
    if module == "hlsblog" or module.startswith("hlsblog."):
        return "the blog"
    for name, info in current_host().infos.items():
        package = getattr(info.module, "__name__", None)
        if package and (module == package or module.startswith(package + ".")):
            return f"{name} plugin"
    return module


def _short(value: Any, most: int = 80) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= most else text[: most - 1] + "…"


@dataclass(frozen=True)
class DashboardWarning:
    """A line on the dashboard: what is wrong, and a link to where it is put right."""

    text: str
    link_text: str = "See the Tasks page"
    endpoint: str = "admin.tasks"
    anchor: str | None = None
    level: str = "error"  # "notice": worth fixing, but nothing has gone wrong yet

    @property
    def href(self) -> str:
        return url_for(self.endpoint, _anchor=self.anchor)


def task_warnings() -> list[DashboardWarning]:
    """What the dashboard warns an admin of: failed tasks, or nothing running them."""
    seen = upkeep.overview(limit=0)
    counts = seen.counts
    warnings = []
    if failed := counts.get("failed", 0):
        which = f"{failed} background tasks" if failed != 1 else "A background task"
        warnings.append(
            DashboardWarning(f"{which} failed and {'wait' if failed != 1 else 'waits'} for you.")
        )
    if retrying := counts.get("retrying", 0):
        which = f"{retrying} background tasks are" if retrying != 1 else "A background task is"
        warnings.append(
            DashboardWarning(f"{which} failing and being retried: see what they say on Tasks.")
        )
    if _missing(seen.consumer_seen):
        warnings.append(
            DashboardWarning(
                "No task consumer has been seen for a minute, so mail, pings and scheduled "
                f"posts wait: run “{WORKER_COMMAND}” beside the web server."
            )
        )
    if not configured_site_url():
        # A fresh install's normal state, not a failure: a notice that links to the field.
        warnings.append(
            DashboardWarning(
                "No site address is set yet, so work done in the background can't name the "
                "blog (a scheduled post published there is not pinged).",
                link_text="Set it in Settings → Site address",
                endpoint="admin.settings",
                anchor="site_url",
                level="notice",
            )
        )
    return warnings


@bp.app_template_global()
def admin_task_warnings() -> list[DashboardWarning]:
    """The dashboard's task warnings, for an admin only (an author can't act on them)."""
    return task_warnings() if current_user.is_authenticated and current_user.is_admin else []


@bp.route("/tasks/")
@admin_required
def tasks() -> Any:
    """Pending, retrying, running and failed tasks, with counts and the consumers' pulse."""
    seen = upkeep.overview()
    return render_template(
        "admin/tasks.html",
        counts=seen.counts,
        waiting_tasks=[describe(row) for row in seen.waiting],
        failed_tasks=[describe(row) for row in seen.failed],
        consumer_seen=seen.consumer_seen,
        consumer_missing=_missing(seen.consumer_seen),
        worker_command=WORKER_COMMAND,
    )


def _missing(seen: datetime | None) -> bool:
    return seen is None or utcnow() - seen > CONSUMER_UNSEEN


@bp.post("/tasks/<int:task_id>/retry")
@admin_required
def retry_task(task_id: int) -> Any:
    """Run a failed or waiting task now."""
    if upkeep.retry_now(task_id):
        task_queue().push(task_id)
        record("retry task", str(task_id))
        flash("The task is queued to run now.", "info")
    else:
        flash("That task is running or gone; nothing to retry.", "error")
    return redirect(url_for("admin.tasks"))


@bp.post("/tasks/<int:task_id>/discard")
@admin_required
def discard_task(task_id: int) -> Any:
    """Drop a task that is not running."""
    if upkeep.discard(task_id):
        record("discard task", str(task_id))
        flash("The task is discarded; it will not run.", "info")
    else:
        flash("That task is running or gone; nothing was discarded.", "error")
    return redirect(url_for("admin.tasks"))
