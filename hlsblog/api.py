"""The plugin API: all a plugin imports from the core, also importable from ``hlsblog`` itself.

A plugin imports only ``hlsblog`` and ``hlsblog.api`` (tests/test_plugin_api.py walks the
bundled plugins to keep it so); everything else in the package may change under it. Each name
is defined, with its docstring, in the core module it is imported from below, and
docs/plugins.md shows it in use. Core modules import from those modules, never from here, so
this module sits on top of the core and imports of it make no circle.

The test fixtures are not imported: a plugin's test suite loads them as a pytest plugin,
``pytest_plugins = ["hlsblog.testing"]`` (``make_app``, ``client``, ``make_post``, ...).
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context

from .caching import GenerationCache
from .comment_context import CommentContext, Verdict
from .comment_input import CommentInput, CommentRefused, clean_text, normalize_url
from .comment_status import delete_comment, set_comment_status
from .comments import discussion_closed, render_comment, submit_comment
from .extensions import csrf, db
from .feeds import Feed, FeedEntry, archive_name, build_feed
from .generation import ReaderVisible
from .hookspecs import hookimpl, hookspec
from .models import Category, Comment, Post, Tag, User, utcnow
from .pages import public_pages
from .permissions import can_edit, editable_only
from .plugin_settings import (
    PluginSetting,
    PluginSettings,
    plugin_setting,
    setting_key,
    settings_for,
)
from .plugins import STATE_KEY, current_host
from .posts import permalink, public_posts
from .previews import PostPreview, post_preview
from .protection import is_locked, is_protected, public_excerpt, shown_title
from .ratelimit import rate_limited
from .rendering import plain_text, strip_tags
from .safe_fetch import (
    FetchError,
    FetchRefused,
    Limits,
    Response,
    as_uri,
    check_url,
    fetch,
    precheck_url,
)
from .settings import content_generation, get_setting
from .shared_answers import share_answer
from .site_address import site_host, site_url
from .sitemap_entry import SitemapEntry
from .tasks import RunAgain, TaskFailed, run_later, task

__all__ = [
    # hooks: implement the core's, or declare a plugin's own
    "hookimpl",
    "hookspec",
    # the plugins around this one (the plugin host itself stays the core's)
    "hook_answers",
    "is_enabled",
    "report_failure",
    # data a plugin may read, and its own models' base
    "Category",
    "Comment",
    "Post",
    "ReaderVisible",
    "Tag",
    "User",
    "db",
    "utcnow",
    # comments and pings
    "CommentContext",
    "CommentInput",
    "CommentRefused",
    "Verdict",
    "clean_text",
    "delete_comment",
    "discussion_closed",
    "normalize_url",
    "render_comment",
    "set_comment_status",
    "submit_comment",
    # posts, and who may change them
    "can_edit",
    "editable_only",
    "permalink",
    "public_pages",
    "public_posts",
    # password-protected posts: what a reader (or anyone, outside a request) may see
    "is_locked",
    "is_protected",
    "public_excerpt",
    "shown_title",
    # what share previews and search engines see: one post's preview, the sitemap's entries
    "PostPreview",
    "SitemapEntry",
    "post_preview",
    # settings: the blog's and the plugin's own
    "PluginSetting",
    "PluginSettings",
    "content_generation",
    "get_setting",
    "plugin_setting",
    "setting_key",
    "settings_for",
    # the blog's one public address (url_for(..., _external=True) already uses it)
    "site_host",
    "site_url",
    # text, feeds, caching
    "Feed",
    "FeedEntry",
    "GenerationCache",
    "archive_name",
    "share_answer",
    "build_feed",
    "plain_text",
    "strip_tags",
    # outbound HTTP that refuses the blog's own network (private addresses, slow sources)
    "FetchError",
    "FetchRefused",
    "Limits",
    "Response",
    "as_uri",
    "check_url",
    "precheck_url",
    "fetch",
    # requests and work after them
    "csrf",
    "rate_limited",
    # background work, through the task queue (hlsblog/tasks/)
    "RunAgain",
    "TaskFailed",
    "run_later",
    "task",
]


def is_enabled(plugin: str) -> bool:
    """Whether ``plugin`` is on now (outside a request, e.g. in a command, read afresh)."""
    host = current_host()
    if not has_request_context():  # no request has brought the enabled set up to date
        host.refresh(get_setting(STATE_KEY))
    return host.is_enabled(plugin)


def hook_answers(hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """Each enabled plugin's answer to a hook (say the plugin's own), with its name, in order."""
    return current_host().collect(hook_name, **kwargs)


def report_failure(plugin: str, hook_name: str, error: BaseException) -> None:
    """Log that ``plugin`` failed in ``hook_name``; the Plugins page shows it as failing."""
    current_host().report(plugin, hook_name, error)
