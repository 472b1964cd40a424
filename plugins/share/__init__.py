"""Share and Enjoy: a row of plain share links under each post; no third-party script or request.

Bundled targets (email, Print, Reddit, Facebook, LinkedIn, Hacker News, Bluesky, X, Mastodon)
come through this plugin's own ``share_targets`` hook, which any plugin may implement to add
more. The admin picks which targets show, in what order, and whether listings show the row.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from markupsafe import Markup

from hlsblog import PluginSetting, hookimpl

from . import hookspecs
from .bundled import BUNDLED
from .mastodon import bp
from .row import assets_html, row_html
from .settings import declared, settings
from .targets import SharedPost, ShareTarget

__version__ = "1.0.0"
LISTINGS = ("home", "archive", "search")
__all__ = ["SharedPost", "ShareTarget", "hookspecs"]


@hookimpl(tryfirst=True)
def share_targets() -> list[ShareTarget]:
    """The bundled targets, first in the row unless the admin orders otherwise."""
    return BUNDLED


@hookimpl
def plugin_settings() -> list[PluginSetting]:
    """Which targets show, in what order, and whether listings show the row too."""
    return declared()


@hookimpl
def template_slot(slot: str, context: dict[str, Any]) -> Markup | None:
    """The row in ``post_footer``; its stylesheets and script in ``head`` where it shows."""
    single = bool(context.get("single"))
    if slot == "post_footer":
        return row_html(context.get("post"), single)
    listing = context.get("page") in LISTINGS
    if slot == "head" and (single or (listing and settings.on_listings)):
        return assets_html()
    return None


@hookimpl
def register_blueprints() -> Blueprint:
    """The Mastodon page, which asks the reader for their server."""
    return bp
