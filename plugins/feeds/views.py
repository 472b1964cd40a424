"""The feeds' routes, at the addresses WordPress uses, with conditional GET."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Blueprint, Response, abort, current_app, redirect, request, url_for
from flask.blueprints import BlueprintSetupState
from werkzeug.routing import BaseConverter

from hlsblog import (
    Category,
    Feed,
    GenerationCache,
    build_feed,
    content_generation,
    db,
    share_answer,
    site_host,
)

from .atom import MIMETYPE as ATOM_TYPE
from .atom import render_atom
from .cache import BuiltFeed
from .rss import MIMETYPE as RSS_TYPE
from .rss import render_rss
from .settings import settings

bp = Blueprint("feeds", __name__)
GENERATOR = "hlsblog"
MAX_ITEMS = 100


def _routes(rule: str) -> Any:
    """Register a view at ``rule`` (RSS 2.0), ``rule/rss2/`` and ``rule/atom/``.

    WordPress's older formats there (``rule/rss/``, ``rule/rdf/``) answer 301 to ``rule``.
    """

    def decorate(view: Any) -> Any:
        bp.add_url_rule(rule, view_func=view, defaults={"fmt": "rss2"})
        bp.add_url_rule(rule + "<any(atom):fmt>/", view_func=view)
        # Served as it is, as WordPress serves it: under the view's own endpoint it would be
        # a 308 to ``rule``, which older feed readers don't follow.
        rss2 = f"{view.__name__}_rss2"
        bp.add_url_rule(rule + "rss2/", rss2, view_func=view, defaults={"fmt": "rss2"})
        old = f"{view.__name__}_old_format"
        bp.add_url_rule(rule + "<any(rss, rdf):old>/", old, view_func=_old_format)
        return view

    return decorate


def _old_format(**_: Any) -> Any:
    # RSS 0.92 and RDF are gone: their subscribers get the RSS 2.0 feed of the same address.
    return redirect(request.path.rsplit("/", 2)[0] + "/", 301)


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


class PagePath(BaseConverter):
    """A page's path before ``/feed/``: slugs, the first never a number (that is a post's date).

    A rule with this converter is tried before the dated rules at the top of the map, so it
    must not match their addresses.
    """

    part_isolating = False
    regex = r"(?!\d+/)[^/.]+(?:/[^/.]+)*"
    weight = 200


@bp.record_once
def _add_converter(state: BlueprintSetupState) -> None:
    state.app.url_map.converters.setdefault("feeds_page", PagePath)


@_routes("/<int:year>/<month>/<day>/<slug>/feed/")
def post(year: int, month: str, day: str, slug: str, fmt: str) -> Any:
    """One post's newest approved comments; a wrong date redirects to the right address."""
    built = _built("post", slug, fmt)
    canonical = urlsplit(built.link).path
    if not request.path.startswith(canonical):
        return redirect(canonical + request.path.split(f"/{slug}/", 1)[1], 301)
    return _respond(built)


@_routes("/<feeds_page:path>/feed/")
def page(path: str, fmt: str) -> Any:
    """One page's newest approved comments (``/about/team/feed/``)."""
    built = _built("post", path.rsplit("/", 1)[-1], fmt)
    canonical = urlsplit(built.link).path
    if unquote(canonical) != f"/{path}/":  # the page has moved: follow it
        return redirect(canonical + request.path[len(path) + 2 :], 301)
    return _respond(built)


@bp.route("/category/<path:parents>/<slug>/feed/", defaults={"fmt": "rss2"})
@bp.route("/category/<path:parents>/<slug>/feed/<any(rss2, atom, rss, rdf):fmt>/")
def nested_category(parents: str, slug: str, fmt: str) -> Any:
    """A subcategory's feed at WordPress's nested address: 301 to its own (``/category/slug/``)."""
    if db.session.scalar(db.select(Category.id).where(Category.slug == slug)) is None:
        abort(404)
    return redirect(url_for(".category", slug=slug, fmt="atom" if fmt == "atom" else "rss2"), 301)


# The feed files of WordPress before 1.5 (``/wp-rss2.php``), which old subscriptions still ask.
OLD_FEED_FILES = {
    "wp-rss2.php": ("feeds.site", "rss2"),
    "wp-rss.php": ("feeds.site", "rss2"),
    "wp-rdf.php": ("feeds.site", "rss2"),
    "wp-feed.php": ("feeds.site", "rss2"),
    "wp-atom.php": ("feeds.site", "atom"),
    "wp-commentsrss2.php": ("feeds.comments", "rss2"),
}


@bp.route("/<any(" + ", ".join(f'"{name}"' for name in OLD_FEED_FILES) + "):name>")
def old_feed_file(name: str) -> Any:
    """``/wp-rss2.php`` and its kind: 301 to the feed that replaced it."""
    endpoint, fmt = OLD_FEED_FILES[name]
    return redirect(url_for(endpoint, fmt=fmt), 301)


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
        body = render_atom(feed, self_url, GENERATOR, site_host())
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
    share_answer(built)  # the same document for every reader: kept and given before Flask
    response = Response(built.body, mimetype=built.mimetype)
    response.set_etag(built.etag)
    response.last_modified = built.last_modified
    # The same document for every reader: browsers must ask again each time; a shared cache
    # (nginx in front) may answer for as long as it may keep a page, then revalidate by ETag.
    response.cache_control.public = True
    response.cache_control.max_age = 0
    response.cache_control.s_maxage = int(current_app.config.get("PAGE_SHARED_MAX_AGE", 1))
    return response.make_conditional(request)
