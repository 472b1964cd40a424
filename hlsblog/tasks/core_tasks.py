"""The core's own background tasks."""

from __future__ import annotations

from .registry import task


@task(every_minutes=1)
def publish_due_posts() -> None:
    """Announce scheduled posts whose time has come, on a blog nobody visits too."""
    from ..posts import announce_due_posts  # posts imports the API, which imports us

    announce_due_posts()
