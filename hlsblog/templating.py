"""What every template can use: settings, plugin slots, dates, addresses."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from markupsafe import Markup

from .comments import discussion_closed
from .dates import format_date, format_time, local
from .plugins import current_host
from .posts import permalink
from .rendering import allowed_tags_line
from .settings import get_setting


def slot(name: str, page: str = "", post: Any = None, single: bool = False, **extra: Any) -> Markup:
    """The HTML enabled plugins give for a named place in the theme."""
    context = {"request": request, "post": post, "page": page, "single": single, **extra}
    return current_host().slot(name, context)


def init_app(app: Flask) -> None:
    """Register the template globals and filters."""
    app.jinja_env.globals.update(
        slot=slot,
        discussion_closed=discussion_closed,
        setting=get_setting,
        permalink=permalink,
        allowed_tags_line=allowed_tags_line,
        plugin_enabled=lambda name: current_host().is_enabled(name),
    )
    app.jinja_env.filters.update(
        blogdate=format_date,
        blogtime=format_time,
        localtime=local,
        isotime=lambda dt: local(dt).isoformat(timespec="seconds") if dt else "",
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
