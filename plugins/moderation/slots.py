"""What the plugin adds to the theme: its stylesheet, and the honeypot and the notify checkbox
in the comment form. (The admin menu's count of waiting comments is the core's.)"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_login import current_user
from markupsafe import Markup

from .events import NOTIFY_FIELD
from .rules import HONEYPOT
from .settings import NAME, settings


def head(context: dict[str, Any]) -> Markup | None:
    """The plugin's stylesheet (it hides the honeypot) on post pages, where the form is."""
    if context.get("page") != "single":
        return None
    href = url_for("plugin_static", plugin=NAME, filename="moderation.css")
    return Markup('<link rel="stylesheet" href="{}">').format(href)


def comment_form(context: dict[str, Any]) -> Markup:
    """The honeypot (hidden from people, not from bots) and, with mail on, "notify me"."""
    trap = Markup(
        '<p class="moderation-hp" aria-hidden="true"><label for="{0}">Leave this field empty'
        '</label> <input id="{0}" name="{0}" type="text" value="" tabindex="-1" '
        'autocomplete="off"></p>'
    ).format(HONEYPOT)
    if not str(settings.smtp_host or "").strip() or current_user.is_authenticated:
        return trap
    request = context.get("request")
    ticked = request is not None and request.form.get(NOTIFY_FIELD)
    box = Markup(
        '<p class="moderation-notify"><input id="{0}" name="{0}" type="checkbox" value="1"{1}> '
        '<label for="{0}">Notify me of replies by email</label></p>'
    ).format(NOTIFY_FIELD, Markup(" checked") if ticked else "")
    return trap + box
