"""Comment moderation: rules that hold, bin or refuse comments; mail notices; purging old spam.

Rules (links, moderation and disallowed words, first comment, flood, duplicates, a honeypot,
pings) decide through ``check_comment``, closing old posts through ``discussion_closed``. The
core stores each verdict's rule and reason with the comment and shows them in its one comment
queue (/admin/comments/); the plugin's old queue address leads there.
"""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import click
from flask import Blueprint
from markupsafe import Markup

from hlsblog import Comment, CommentContext, PluginSetting, Post, Verdict, hookimpl

from . import events, purge, redirect, rules, slots, unsubscribe  # noqa: F401  (purge: its task)
from .mail import send
from .models import CommentMark, ReplySubscription
from .settings import SETTINGS, settings

__version__ = "1.0.0"


@hookimpl
def plugin_settings() -> list[PluginSetting]:
    """Every rule's and every notice's setting."""
    return SETTINGS


@hookimpl
def check_comment(comment: Comment, context: CommentContext) -> Verdict | None:
    """The strictest verdict of the moderation rules."""
    return rules.judge(comment, context)


@hookimpl
def discussion_closed(post: Post, kind: str) -> str | None:
    """Close comments and pings on posts older than the set days, when that is on."""
    return rules.closed_reason(post)


@hookimpl
def comment_saved(comment: Comment, context: CommentContext) -> None:
    """Subscribe and notify as the new comment's status and its form ask."""
    events.on_saved(comment, context)


@hookimpl
def comment_status_changed(comment: Comment, old: str, new: str, context: CommentContext) -> None:
    """Time moves to spam or trash; tell subscribers of newly approved replies."""
    events.on_status_changed(comment, old, new)


@hookimpl
def mail_transport() -> Callable[[EmailMessage], bool] | None:
    """Send the core's mail (a lost password's link) through the SMTP server set here."""
    return send if str(settings.smtp_host or "").strip() else None


@hookimpl
def template_slot(slot: str, context: dict[str, Any]) -> Markup | None:
    """The stylesheet and the comment form's extra fields."""
    render = {"head": slots.head, "comment_form": slots.comment_form}
    return render[slot](context) if slot in render else None


@hookimpl
def register_blueprints() -> list[Blueprint]:
    """The old queue address (a redirect), the public unsubscribe page."""
    return [redirect.bp, unsubscribe.bp]


@hookimpl
def register_models() -> list[type]:
    """Reply subscriptions and the marks that time purges and reply notices."""
    return [ReplySubscription, CommentMark]


@hookimpl
def register_commands(cli: click.Group) -> None:
    """``flask --app app moderation purge``: empty old spam and trash now (e.g. from cron)."""
    from .cli import moderation_cli

    cli.add_command(moderation_cli)
