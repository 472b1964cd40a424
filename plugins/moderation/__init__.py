"""Comment moderation: rules that hold or refuse comments, a queue to work through, mail notices.

Rules (links, moderation and disallowed words, first comment, flood, duplicates, a honeypot,
old posts, pings) decide through ``check_comment``; the queue lives at /admin/moderation/.
"""

from __future__ import annotations

from typing import Any

import click
from flask import Blueprint
from markupsafe import Markup

from hlsblog import CommentContext, PluginSetting, Verdict, hookimpl
from hlsblog.models import Comment, Post

from . import events, queue, rules, slots, unsubscribe
from .models import CommentMark, ReplySubscription
from .settings import SETTINGS

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
def comment_saved(comment: Comment) -> None:
    """Bin, subscribe and notify as the new comment's status asks."""
    events.on_saved(comment)


@hookimpl
def comment_status_changed(comment: Comment, old: str, new: str) -> None:
    """Remember moves to spam or trash; tell subscribers of newly approved replies."""
    events.on_status_changed(comment, old, new)


@hookimpl
def template_slot(slot: str, context: dict[str, Any]) -> Markup | None:
    """The stylesheet, the comment form's extra fields and the admin menu link."""
    render = {"head": slots.head, "comment_form": slots.comment_form, "admin_nav": slots.admin_nav}
    return render[slot](context) if slot in render else None


@hookimpl
def register_blueprints() -> list[Blueprint]:
    """The queue (login required) and the public unsubscribe page."""
    return [queue.bp, unsubscribe.bp]


@hookimpl
def register_models() -> list[type]:
    """Reply subscriptions and the marks that time purges and reply notices."""
    return [ReplySubscription, CommentMark]


@hookimpl
def register_commands(cli: click.Group) -> None:
    """``flask --app app moderation purge``: empty old spam and trash now (e.g. from cron)."""
    from .cli import moderation_cli

    cli.add_command(moderation_cli)
