"""The core's own background tasks."""

from __future__ import annotations

from .registry import task


@task(every_minutes=1)
def publish_due_posts() -> None:
    """Announce scheduled posts whose time has come, on a blog nobody visits too."""
    from ..plugins import STATE_KEY, current_host
    from ..posts import announce_due_posts  # posts imports the API, which imports us
    from ..settings import get_setting

    # No request brings the enabled plugins up to date in a consumer: the hooks fired here
    # must be the plugins that are on now.
    current_host().refresh(get_setting(STATE_KEY))
    announce_due_posts()


@task(every_minutes=60)
def empty_old_trash() -> None:
    """Delete for good the posts that have waited their days in the Trash."""
    from ..audit import record
    from ..trash import empty_trash, trash_days

    if titles := empty_trash():
        record("trash emptied", ", ".join(titles), f"in the Trash over {trash_days()} days")
