"""Every hook point of the hlsblog core.

This module is the plugin reference: ``flask --app app hooks-doc`` writes ``docs/hooks.md`` from
these docstrings, and a test fails when that file is stale.

A plugin implements hooks with ``from hlsblog import hookimpl`` and functions named after the
specs below. hlsblog calls every hook through pluggy with keyword arguments, so an
implementation may accept only the arguments it needs. Each hook's docstring starts with its kind:

- **Collect**: every enabled plugin is asked; the answers that are not ``None`` are gathered.
- **Action**: every enabled plugin is told; return values are ignored.
- **Filter**: the value passes through each plugin in turn; each implementation gets what the
  previous one returned and returns the new value (``None`` means "unchanged").
- **First-result**: plugins are asked in order until one answers (not ``None``); that answer
  wins and the rest are not asked (a ``firstresult=True`` spec).
- **Strictest-verdict**: every enabled plugin is asked; the strictest answer wins.

Order: plugins are called in the order ``HLSBLOG_PLUGINS`` lists them when it pins the set; else
those named in ``HLSBLOG_PLUGIN_ORDER`` first, in that order (by default
``share,feeds,moderation,trackback``, which gives the classic post footer: share row,
comment-feed link, TrackBack URI), then every other plugin by name. ``@hookimpl(tryfirst=True)``
or ``@hookimpl(trylast=True)`` still moves one implementation to the front or the back.
Wrappers work as pluggy defines them: ``@hookimpl(wrapper=True)`` (a generator that receives the
others' result from its ``yield`` and returns the final one) and the old-style
``@hookimpl(hookwrapper=True)``. ``HLSBLOG_TRACE_HOOKS=1`` logs every hook call with the plugins
it reaches, its arguments' names and its outcome.

An exception inside one plugin's implementation (a wrapper's included) is logged with the
plugin's name, shown on the admin's Plugins page, and skipped: the other plugins still run and
the page renders without that plugin's part.

Conventions that need no hook: a plugin package's ``templates/`` folder is searched before the
theme's (so a plugin may override a theme template), and its ``static/`` folder is served at
``/plugins/<name>/static/``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from collections.abc import Callable
    from email.message import EmailMessage

    import click
    from flask import Blueprint
    from markupsafe import Markup

    from .comment_context import CommentContext, Verdict
    from .models import Comment, Post
    from .plugin_settings import PluginSetting
    from .sitemap_entry import SitemapEntry

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

    Return one model or a list. Asked of every discovered plugin, enabled or not, so the models
    are imported before ``flask --app app init-db`` creates the tables (with the core's); the
    admin's Plugins page lists each plugin's tables. Anything that is not a model on
    ``hlsblog.db`` is shown there as failing. ``None``: no tables.
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
    slot uses ``csrf_token()``, which is filled in per reader when the page is served: empty
    for a reader without a session, whose page is shared, so such a form is refused unless its
    view is one the core checks by origin instead (the comment form's fields, in the
    ``comment_form`` slot, are).
    """


@hookspec
def filter_post_html(post: Post, html: str) -> str | None:
    """Filter, when a post is saved: change the post's rendered HTML before it is stored.

    Receives the HTML made from the post's Markdown; a post split by ``<!--nextpage-->``
    comes whole, its pages joined by that mark (keep the marks to keep the pages). The final
    result still passes the post sanitizer, so a filter cannot add script. Runs once per save,
    never per view. ``None``: unchanged.
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
    """Strictest-verdict, before a comment or ping is stored: approve, hold, spam, trash or reject.

    ``comment`` is filled in but not yet saved (``comment.kind`` tells comment, trackback,
    pingback or webmention). ``context`` carries the request's form data (``context.form``),
    the post, the IP and whether the author is logged in. Return ``hlsblog.Verdict(status,
    reason, rule)``. The strictest verdict of all plugins wins: reject > trash > spam > hold >
    approve (trash outranks spam because it comes from the blogger's own setting, spam from a
    guess). The comment is stored with the final status (approved, pending, spam or trash) and
    the verdict's rule and reason, which the admin's comment queue shows, in one commit; a
    reject answers the reader with ``verdict.http_status`` (403 unless set, e.g. 409, 429) and
    the reason, and keeps what they typed in the form. ``None``: no opinion. With no opinion
    from anyone, a valid comment is approved. Not asked for a logged-in author's comment.
    """


@hookspec(firstresult=True)
def discussion_closed(post: Post, kind: str) -> str | None:
    """First-result, when a post page renders and before a comment or ping is taken: close early.

    Lets a plugin close discussion on a post whose own switch is still open (for example on
    posts older than some days). ``kind`` is ``comment``, ``trackback``, ``pingback`` or
    ``webmention``. Return a short reason for the reader, e.g. "Comments are closed on posts
    older than 14 days."; the post page shows it in place of the comment form (and without
    reply links), and a comment or ping sent anyway is refused with 403 and that reason.
    The first plugin to answer, in plugin order, wins; the rest are not asked. ``None``: open
    as far as this plugin is concerned. Not asked when the post's own switch is already closed;
    asked once per comment or ping taken (and once per post page rendered).
    """


@hookspec
def comment_saved(comment: Comment, context: CommentContext) -> None:
    """Action, after a new comment or ping is committed with its final status (spam, trash too).

    ``context`` is what ``check_comment`` saw: ``context.form`` (the fields the reader sent,
    a plugin's own included), ``context.ip``, ``context.user`` and ``context.post``; read them
    here rather than ``flask.request``, which a ping or a command does not have.
    """


@hookspec
def comment_status_changed(comment: Comment, old: str, new: str, context: CommentContext) -> None:
    """Action, after a comment's status changed and was committed (e.g. pending → approved).

    ``old`` and ``new`` are statuses: ``pending``, ``approved``, ``spam``, ``trash``.
    ``context.user`` is who changed it (``None`` for a command or a plugin), with their
    ``context.ip`` and ``context.form``; ``context.post`` is the comment's post.
    """


@hookspec
def post_published(post: Post) -> None:
    """Action, once per post, after it becomes public and is committed.

    For a post published now, right after the save; for a scheduled post, on the first
    request after its time. Use it for outbound pings and cache purges; do slow work
    after the request (``hlsblog.run_later``). Posts that arrive already public (a WordPress
    import, the ``demo`` command's samples) are not news and are not announced.
    """


@hookspec
def post_updated(post: Post) -> None:
    """Action, after a public post's content was saved again (not on first publication)."""


@hookspec(firstresult=True)
def mail_transport() -> Callable[[EmailMessage], object] | None:
    """First-result, when the core sends mail of its own (a lost password's link) or asks if it can.

    A plugin that delivers mail (the bundled moderation plugin, when its SMTP server is set)
    returns a function that takes an ``email.message.EmailMessage`` (To, Subject and text
    filled in; the function adds From) and sends it, preferably after the request
    (``run_later``). ``None``: this plugin can't send mail now. With no answer the core sends
    nothing, and the login page offers no "Lost your password?" link. The core never imports
    a plugin, so this is the one way its mail leaves.
    """


@hookspec
def plugin_settings() -> list[PluginSetting] | None:
    """Collect: the settings this plugin takes, shown as a form on its own page under Plugins.

    Return ``hlsblog.PluginSetting`` items (name, type, default, help, choices, env). Read a
    value as ``hlsblog.settings_for(plugin).name``. A setting with ``env`` set is read from
    that environment variable and is never stored or shown.
    """


@hookspec
def sitemap_entries() -> list[SitemapEntry] | SitemapEntry | None:
    """Collect, when the sitemap is built: more addresses for search engines to crawl.

    Return ``hlsblog.SitemapEntry(loc, lastmod)`` items (one or a list): ``loc`` a path on
    the blog (``/events/``) or an absolute address on the blog's own host, ``lastmod`` an
    optional ``datetime`` (naive means UTC). They are listed after the core's posts, pages,
    categories, tags and authors, in ``/sitemap-extra-N.xml`` (50,000 to a file). Asked once
    per content generation in each worker, inside a request, and kept in memory until the
    content changes: add the pages of your own routes, not one address per stored row. An
    entry that is not on the blog is left out and the plugin is shown as failing.
    ``None``: nothing to add.
    """
