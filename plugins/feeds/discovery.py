"""Links to the feeds: autodiscovery in every page's head, and one under each post."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from markupsafe import Markup

from hlsblog import archive_name, get_setting, permalink

from .atom import MIMETYPE as ATOM_TYPE
from .rss import MIMETYPE as RSS_TYPE

# An archive page's endpoint -> the feed that follows it, and the name of its address part.
ARCHIVES = {
    "blog.category": ("category", "slug", "Category"),
    "blog.tag": ("tag", "slug", "Tag"),
    "blog.author": ("author", "name", "Author"),
}


def head_links(context: dict[str, Any]) -> Markup | None:
    """``<link rel="alternate">`` for the site's feeds and the one that fits this page."""
    if context.get("page") == "admin" or request.blueprint == "admin":
        return None
    blog = str(get_setting("title") or "")
    links = [
        (f"{blog} » Feed", RSS_TYPE, url_for("feeds.site", fmt="rss2")),
        (f"{blog} » Atom Feed", ATOM_TYPE, url_for("feeds.site", fmt="atom")),
        (f"{blog} » Comments Feed", RSS_TYPE, url_for("feeds.comments", fmt="rss2")),
    ]
    links.extend(_page_feed(blog, context))
    return Markup("\n").join(
        Markup('<link rel="alternate" type="{}" title="{}" href="{}">').format(kind, title, href)
        for title, kind, href in links
    )


def _page_feed(blog: str, context: dict[str, Any]) -> list[tuple[str, str, str]]:
    post = context.get("post")
    if context.get("single") and post is not None and post.is_public:
        title = f"{blog} » {post.title} Comments Feed"
        return [(title, RSS_TYPE, post_comments_feed(post))]
    archive = ARCHIVES.get(request.endpoint or "")
    key = (request.view_args or {}).get(archive[1], "") if archive else ""
    name = archive_name(archive[0], key) if archive else None
    if archive is None or name is None:
        return []
    args: dict[str, Any] = {archive[1]: key, "fmt": "rss2"}
    href = url_for(f"feeds.{archive[0]}", **args)
    return [(f"{blog} » {name} {archive[2]} Feed", RSS_TYPE, href)]


def post_comments_feed(post: Any) -> str:
    """The address of a post's comments feed (RSS 2.0)."""
    return permalink(post) + "feed/"


def comments_feed_link(post: Any) -> Markup | None:
    """The visible link to a public post's comments feed."""
    if post is None or not post.is_public:
        return None
    return Markup(
        '<p class="comments-feed"><a href="{}" type="{}">RSS feed for comments on this post</a></p>'
    ).format(post_comments_feed(post), RSS_TYPE)


def sidebar_widget(context: dict[str, Any]) -> Markup | None:
    """The sidebar's "Feeds" widget, unless the blogger switched it off (Admin → Settings)."""
    if context.get("page") == "admin" or not get_setting("widget_feeds", True):
        return None
    items = Markup("").join(
        Markup('<li><a href="{}" type="{}">{}</a></li>').format(href, RSS_TYPE, text)
        for text, href in (
            ("Entries (RSS)", url_for("feeds.site", fmt="rss2")),
            ("Comments (RSS)", url_for("feeds.comments", fmt="rss2")),
        )
    )
    return Markup(
        '<section class="widget widget-feeds" aria-labelledby="widget-feeds-title">'
        '<h2 class="widget-title" id="widget-feeds-title">Feeds</h2><ul>{}</ul></section>'
    ).format(items)
