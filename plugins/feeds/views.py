"""The feeds' routes, at the addresses WordPress uses, with conditional GET."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, redirect, request, url_for

from hlsblog import Feed, GenerationCache, build_feed, content_generation, is_enabled

from .atom import MIMETYPE as ATOM_TYPE
from .atom import render_atom
from .cache import BuiltFeed
from .rss import MIMETYPE as RSS_TYPE
from .rss import render_rss
from .settings import NAME, settings

bp = Blueprint("feeds", __name__)
GENERATOR = "hlsblog"
MAX_ITEMS = 100


def _routes(rule: str) -> Any:
    """Register a view at ``rule`` (RSS 2.0), ``rule/rss2/`` and ``rule/atom/``."""

    def decorate(view: Any) -> Any:
        bp.add_url_rule(rule, view_func=view, defaults={"fmt": "rss2"})
        bp.add_url_rule(rule + "<any(rss2, atom):fmt>/", view_func=view)
        return view

    return decorate


@_routes("/feed/")
def site(fmt: str) -> Any:
    """The site's newest posts."""
    return _serve("site", "", fmt)


@_routes("/comments/feed/")
def comments(fmt: str) -> Any:
    """The newest approved comments on every post."""
    return _serve("comments", "", fmt)


@_routes("/category/<slug>/feed/")
def category(slug: str, fmt: str) -> Any:
    """A category's newest posts."""
    return _serve("category", slug, fmt)


@_routes("/tag/<slug>/feed/")
def tag(slug: str, fmt: str) -> Any:
    """A tag's newest posts."""
    return _serve("tag", slug, fmt)


@_routes("/author/<name>/feed/")
def author(name: str, fmt: str) -> Any:
    """An author's newest posts."""
    return _serve("author", name, fmt)


@_routes("/<int:year>/<month>/<day>/<slug>/feed/")
def post(year: int, month: str, day: str, slug: str, fmt: str) -> Any:
    """One post's newest approved comments; a wrong date redirects to the right address."""
    built = _built("post", slug, fmt)
    canonical = urlsplit(built.link).path
    if not request.path.startswith(canonical):
        return redirect(canonical + request.path.split(f"/{slug}/", 1)[1], 301)
    return _respond(built)


# WordPress's addresses without pretty permalinks: ``/?feed=rss2`` and friends.
QUERY_FEEDS = {
    "rss2": ("feeds.site", "rss2"),
    "rss": ("feeds.site", "rss2"),
    "atom": ("feeds.site", "atom"),
    "comments-rss2": ("feeds.comments", "rss2"),
    "comments-atom": ("feeds.comments", "atom"),
}


@bp.before_app_request
def query_feed_redirect() -> Any:
    """Send subscribers of ``/?feed=…`` on to the feed's address (301)."""
    wanted = QUERY_FEEDS.get(request.args.get("feed", "")) if request.path == "/" else None
    if wanted is None or not is_enabled(NAME):
        return None
    return redirect(url_for(wanted[0], fmt=wanted[1]), 301)


def _serve(scope: str, key: str, fmt: str) -> Any:
    return _respond(_built(scope, key, fmt))


def _built(scope: str, key: str, fmt: str) -> BuiltFeed:
    limit = min(MAX_ITEMS, max(1, int(settings.items or 10)))
    full_text = settings.content != "excerpt"
    cache: GenerationCache[BuiltFeed] = current_app.extensions.setdefault(
        "feeds.cache", GenerationCache()
    )
    cache_key = (request.base_url, limit, full_text)
    built = cache.get_or_build(
        content_generation(), cache_key, lambda: _build(scope, key, fmt, limit, full_text)
    )
    if built is None:
        abort(404)
    return built


def _build(scope: str, key: str, fmt: str, limit: int, full_text: bool) -> BuiltFeed | None:
    feed = build_feed(scope, key, limit=limit, full_text=full_text)
    if feed is None:
        return None
    self_url = _self_url(feed, scope, fmt)
    if fmt == "atom":
        body = render_atom(feed, self_url, GENERATOR, urlsplit(request.host_url).hostname or "")
    else:
        body = render_rss(feed, self_url, GENERATOR)
    return BuiltFeed(
        body=body,
        mimetype=ATOM_TYPE if fmt == "atom" else RSS_TYPE,
        etag=hashlib.blake2b(body, digest_size=16).hexdigest(),
        last_modified=feed.updated,
        link=feed.link,
        fresh_until=feed.fresh_until,
    )


def _self_url(feed: Feed, scope: str, fmt: str) -> str:
    if scope == "post":
        return feed.link + ("feed/atom/" if fmt == "atom" else "feed/")
    return url_for(str(request.endpoint), **(request.view_args or {}), _external=True)


def _respond(built: BuiltFeed) -> Any:
    response = Response(built.body, mimetype=built.mimetype)
    response.set_etag(built.etag)
    response.last_modified = built.last_modified
    response.cache_control.no_cache = True  # readers may keep it, but must ask again
    return response.make_conditional(request)
