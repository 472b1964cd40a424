"""Every hook point of the hlsblog core.

This module is the plugin reference: ``flask --app app hooks-doc`` writes ``docs/hooks.md`` from
these docstrings, and a test fails when that file is stale.

A plugin implements hooks with ``from hlsblog import hookimpl`` and functions named after the
specs below. hlsblog calls every hook with keyword arguments, so an implementation may accept only
the arguments it needs. Three kinds of hook:

- **collect**: every enabled plugin is asked; the results that are not ``None`` are gathered.
- **action**: every enabled plugin is told; return values are ignored.
- **filter**: the value passes through each plugin in turn; each implementation gets what the
  previous one returned and returns the new value (``None`` means "unchanged").

Order is deterministic: plugins are registered in alphabetical order of their names and called
last-registered first, as pluggy does; ``@hookimpl(tryfirst=True)`` or ``@hookimpl(trylast=True)``
moves an implementation to the front or the back. An exception inside one plugin's
implementation is logged with the plugin's name, shown on the admin's Plugins page, and skipped:
the page renders without that plugin's part.

Conventions that need no hook: a plugin package's ``templates/`` folder is searched before the
theme's (so a plugin may override a theme template), and its ``static/`` folder is served at
``/plugins/<name>/static/``. Models a plugin defines on ``hlsblog.db`` are created by
``flask --app app init-db`` along with the core's tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click
    from flask import Blueprint
    from markupsafe import Markup

    from .api import CommentContext, PluginSetting, Verdict
    from .models import Comment, Post

hookspec = pluggy.HookspecMarker("hlsblog")
hookimpl = pluggy.HookimplMarker("hlsblog")


@hookspec
def register_blueprints() -> list[Blueprint] | Blueprint | None:
    """Collect, at app start: Flask blueprints whose routes this plugin owns.

    Return one blueprint or a list. Routes of a disabled plugin answer 404; they come back
    when the plugin is enabled again, without a restart. ``None``: no routes.
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Action, at app start: add CLI commands to ``flask --app app``.

    ``cli`` is the app's command group; call ``cli.add_command(...)`` or decorate with
    ``@cli.command()``. Commands of every discovered plugin are added, enabled or not.
    """


@hookspec
def register_models() -> list[type] | None:
    """Collect, at app start: model classes (on ``hlsblog.db``) this plugin stores data in.

    Their tables are created by ``init-db`` with the core's. Defining a model on ``db`` is
    enough for that; returning it here documents it and lists it on the Plugins page.
    """


@hookspec
def template_slot(slot: str, context: dict[str, Any]) -> Markup | str | None:
    """Collect, while a page renders: HTML for a named place in the theme.

    Slots: ``head`` (inside ``<head>``), ``post_meta`` (under a post's title),
    ``post_footer`` (after a post's "Filed under" line, on the post page and, where a plugin
    wants, in listings: ``context["single"]`` says which), ``comment_form`` (inside the comment
    form, before the submit button), ``sidebar``, ``admin_nav`` (links in the admin's menu).
    ``context`` holds ``request``, ``post`` (when there is one), ``page`` (the page's kind:
    ``home``, ``single``, ``archive``, ``search``, ``admin`` …) and ``single``. Return
    ``Markup`` for trusted HTML; a plain ``str`` is escaped. ``None``: nothing here.
    On reader pages, slots are rendered once per content generation and the page is shown to
    every reader who has no session data of their own: a slot's HTML must depend only on its
    context and the request's address, never on the session, cookies or headers. A form in a
    slot uses ``csrf_token()``, which is filled in per reader when the page is served.
    """


@hookspec
def filter_post_html(post: Post, html: str) -> str | None:
    """Filter, when a post is saved: change the post's rendered HTML before it is stored.

    Receives the HTML made from the post's Markdown. The final result still passes the post
    sanitizer, so a filter cannot add script. Runs once per save, never per view.
    ``None``: unchanged.
    """


@hookspec
def filter_comment_html(comment: Comment, html: str) -> str | None:
    """Filter, when a comment is saved: change the comment's HTML before it is stored.

    The final result passes the comment sanitizer (the reader allowlist, ``rel="nofollow
    ugc"`` on links) again, so a filter can never make a stored comment unsafe. ``None``:
    unchanged.
    """


@hookspec
def check_comment(comment: Comment, context: CommentContext) -> Verdict | None:
    """Collect, before a comment or a ping is stored: approve, hold, spam or reject it.

    ``comment`` is filled in but not yet saved (``comment.kind`` tells comment, trackback,
    pingback or webmention). ``context`` carries the request's form data (``context.form``),
    the post, the IP and whether the author is logged in. Return ``hlsblog.Verdict(status,
    reason, rule)``. The strictest verdict of all plugins wins: reject > spam > hold > approve;
    a reject answers the reader with ``verdict.http_status`` (403 unless set, e.g. 409, 429)
    and the reason, and keeps what they typed in the form. ``None``: no opinion. With no
    opinion from anyone, a valid comment is approved.
    """


@hookspec
def discussion_closed(post: Post, kind: str) -> str | None:
    """Collect, when a post page renders and before a comment or ping is taken: close early.

    Lets a plugin close discussion on a post whose own switch is still open (for example on
    posts older than some days). ``kind`` is ``comment``, ``trackback``, ``pingback`` or
    ``webmention``. Return a short reason for the reader, e.g. "Comments are closed on posts
    older than 14 days."; the post page shows it in place of the comment form (and without
    reply links), and a comment or ping sent anyway is refused with 403 and that reason.
    The first plugin to answer wins. ``None``: open as far as this plugin is concerned. Not
    asked when the post's own switch is already closed.
    """


@hookspec
def comment_saved(comment: Comment) -> None:
    """Action, after a new comment or ping is committed (any status, spam included)."""


@hookspec
def comment_status_changed(comment: Comment, old: str, new: str) -> None:
    """Action, after a comment's status changed and was committed (e.g. pending → approved)."""


@hookspec
def post_published(post: Post) -> None:
    """Action, once per post, after it becomes public and is committed.

    For a post published now, right after the save; for a scheduled post, on the first
    request after its time. Use it for outbound pings and cache purges; do slow work
    outside the request (a thread or a queue).
    """


@hookspec
def post_updated(post: Post) -> None:
    """Action, after a public post's content was saved again (not on first publication)."""


@hookspec
def plugin_settings() -> list[PluginSetting] | None:
    """Collect: the settings this plugin takes, shown as a form on the admin's Plugins page.

    Return ``hlsblog.PluginSetting`` items (name, type, default, help, choices, env). Read a
    value with ``hlsblog.plugin_setting(plugin, name)``. A setting with ``env`` set is read from
    that environment variable and is never stored or shown.
    """
