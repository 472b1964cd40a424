"""What every template can use: settings, plugin slots, dates, addresses."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from markupsafe import Markup

from .comment_input import is_web_address
from .comments import discussion_closed
from .dates import format_date, format_time, local
from .pages import page_list
from .plugins import current_host
from .posts import part_link, permalink, post_parts
from .previews import page_meta
from .protection import FORM_TEXT, is_locked, shown_title
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
        part_link=part_link,
        post_parts=post_parts,
        shown_title=shown_title,
        is_locked=is_locked,
        protected_form_text=FORM_TEXT,
        page_list=page_list,
        allowed_tags_line=allowed_tags_line,
        plugin_enabled=lambda name: current_host().is_enabled(name),
        page_meta=page_meta,
    )
    app.jinja_env.filters.update(
        blogdate=format_date,
        blogtime=format_time,
        localtime=local,
        isotime=lambda dt: local(dt).isoformat(timespec="seconds") if dt else "",
    )
    app.jinja_env.tests["web_address"] = is_web_address  # {% if c.author_url is web_address %}
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
