"""TrackBack, Pingback and Webmention: take verified linkbacks, ping the sites a post links to.

Every incoming ping is checked before it is shown: the source is fetched (bounded, never from a
private address) and must link to the post. Pings are stored as comments of kind trackback,
pingback or webmention, so they pass the moderation plugin's rules and show with the comments.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from hlsblog import PluginSetting, Post, hookimpl, permalink

from .settings import SETTINGS, VERSION, receives

__version__ = VERSION


@hookimpl
def register_blueprints() -> list[Blueprint]:
    """The three protocols' endpoints, and the admin's Linkbacks pages."""
    # They add the routes, and declare the tasks (send_ping, verify_*) before any consumer
    # runs one (and the hourly forget_refused_pings): a `flask worker` process imports the
    # plugin but never calls its other hooks.
    from . import admin, cleanup, pingback, send, trackback, webmention  # noqa: F401
    from .routes import admin as admin_bp
    from .routes import protocols

    return [protocols, admin_bp]


@hookimpl
def register_models() -> list[type]:
    """Pings sent (with their retries), Webmentions and TrackBacks waiting to be checked, and
    when each host may next be pinged."""
    from .models import HostTurn, IncomingWebmention, OutboundPing, PendingTrackBack

    return [OutboundPing, IncomingWebmention, PendingTrackBack, HostTurn]


@hookimpl
def plugin_settings() -> list[PluginSetting]:
    """Whether to ping, which protocols to take, and the limits on fetching a source."""
    return SETTINGS


@hookimpl
def template_slot(slot: str, context: dict[str, Any]) -> Markup | None:
    """Endpoint discovery in ``head``, the TrackBack address under a post, the admin's link."""
    # Our own templates, autoescaped: their output is safe HTML.
    if slot == "head":
        html = render_template("trackback/head.html", receives=receives)
        return Markup(html)  # noqa: S704
    post = context.get("post")
    if (
        slot == "post_footer"
        and context.get("single")
        and post is not None
        and post.kind == "post"  # a page has no dated address to take trackbacks at
        and post.is_public  # a draft's preview takes no pings yet
        and post.pings_open
        and receives("trackback")
    ):
        args = _post_args(post)
        if args is None:
            return None
        uri = url_for("linkbacks.trackback", **args, _external=True)
        html = render_template("trackback/footer.html", post=post, trackback_uri=uri)
        return Markup(html)  # noqa: S704
    if slot == "admin_nav":
        return Markup('<a href="{}">Linkbacks</a>').format(url_for("linkbacks_admin.index"))
    return None


def _post_args(post: Post) -> dict[str, Any] | None:
    """The post's date and slug as its route reads them, or None if its address isn't a post's.

    Read by the URL map, not by splitting the path: a blog served under a prefix (``/blog``)
    has it in front of the date.
    """
    names = ("year", "month", "day", "slug")
    args = request.view_args or {}
    if request.endpoint == "blog.post" and args.get("slug") == post.slug:
        return {name: args[name] for name in names}
    path = permalink(post)
    root = request.script_root
    if root and path.startswith(root + "/"):
        path = path[len(root) :]
    try:
        endpoint, found = current_app.url_map.bind("").match(path, method="GET")
    except HTTPException:
        return None
    if endpoint != "blog.post":
        return None
    return {name: found[name] for name in names}


@hookimpl
def post_published(post: Post) -> None:
    """Ping the sites the new post links to, after the request."""
    from .send import schedule

    schedule(post)


@hookimpl
def post_updated(post: Post) -> None:
    """Ping the links an edit added, and every Webmention target again."""
    from .send import schedule

    schedule(post, updated=True)
