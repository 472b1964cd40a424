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
