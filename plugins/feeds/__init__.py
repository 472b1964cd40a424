"""RSS 2.0 and Atom feeds of posts and comments at WordPress's addresses, with autodiscovery.

Feeds: ``/feed/`` (the site's posts), ``/comments/feed/`` (every post's comments),
``/YYYY/MM/DD/slug/feed/`` (one post's comments), ``/about/team/feed/`` (one page's),
``/category/slug/feed/``,
``/tag/slug/feed/`` and ``/author/name/feed/``; each also as Atom under ``…/feed/atom/``.
What each feed holds comes from ``hlsblog.feeds``; this plugin only renders and serves it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from markupsafe import Markup

from hlsblog import PluginSetting, hookimpl

from .settings import SETTINGS

__version__ = "1.0.0"


@hookimpl
def register_blueprints() -> Blueprint:
    """The feed addresses."""
    from .views import bp

    return bp


@hookimpl
def plugin_settings() -> list[PluginSetting]:
    """How many items a feed holds, and whether posts go in whole."""
    return SETTINGS


@hookimpl
def template_slot(slot: str, context: dict[str, Any]) -> Markup | None:
    """Autodiscovery links in the head; the comments feed link under a post; the Feeds widget."""
    from .discovery import comments_feed_link, head_links, sidebar_widget

    if slot == "head":
        return head_links(context)
    if slot == "sidebar":
        return sidebar_widget(context)
    if slot == "post_footer" and context.get("single"):
        return comments_feed_link(context.get("post"))
    return None
