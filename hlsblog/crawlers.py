"""What search engines fetch: ``/sitemap.xml`` and its files, and ``/robots.txt``.

A sitemap file streams as it is read from the database, so it is never built whole in memory
and never kept in the page cache; its ETag comes from the content generation instead (and the
next scheduled post, which goes public without a write), so a crawler asking again for an
unchanged file gets a 304 without a query for its addresses. WordPress's own sitemap
addresses (``/wp-sitemap.xml`` and its files) and Yoast's ``/sitemap_index.xml`` answer 301.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    request,
    stream_with_context,
    url_for,
)

from .caching import GenerationCache
from .settings import content_generation, get_setting
from .sitemap import KINDS, Plan, SitemapEntry, SitemapFile, build_plan, entries, newest

bp = Blueprint("crawlers", __name__)

XML_TYPE = "application/xml"
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
# WordPress 5.5+ names its files by object type and subtype; ours by kind.
WORDPRESS_FILES = {
    "posts-post": "posts",
    "posts-page": "pages",
    "taxonomies-category": "categories",
    "taxonomies-post_tag": "tags",
    "users": "authors",
}


def _plan() -> Plan:
    cache: GenerationCache[Plan] = current_app.extensions.setdefault(
        "hlsblog.sitemap_plans", GenerationCache(size=4)
    )
    home = url_for("blog.index", _external=True)  # every address in the plan starts so
    plan = cache.get_or_build(content_generation(), home, build_plan)
    assert plan is not None  # build_plan always answers
    return plan


def _etag(plan: Plan) -> str:
    # The generation moves with every change readers see; a scheduled post going public moves
    # ``fresh_until``; the host is in every address.
    home = url_for("blog.index", _external=True)
    seed = f"{content_generation()}|{plan.fresh_until}|{home}|{request.path}"
    return hashlib.blake2b(seed.encode(), digest_size=16).hexdigest()


def _answer(body: Iterator[str], plan: Plan, lastmod: datetime | None) -> Response:
    etag = _etag(plan)
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        response = Response(stream_with_context(body), mimetype=XML_TYPE)
    response.set_etag(etag)
    response.last_modified = lastmod
    response.cache_control.no_cache = True  # crawlers may keep it, but must ask again
    return response


@bp.route("/sitemap.xml")
def index() -> Response:
    """The sitemap index: one line per sitemap file, with its newest change."""
    plan = _plan()
    lastmod = max((f.lastmod for f in plan.files if f.lastmod), default=None)
    return _answer(_index_xml(plan.files), plan, lastmod)


@bp.route("/sitemap-<kind>-<int:number>.xml")
def sitemap(kind: str, number: int) -> Response:
    """One sitemap file: up to 50,000 addresses of one kind, streamed."""
    plan = _plan()
    found = plan.find(kind, number) if kind in KINDS else None
    if found is None:
        abort(404)
    return _answer(_urlset_xml(entries(plan, found)), plan, found.lastmod)


def _index_xml(files: Iterable[SitemapFile]) -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{NAMESPACE}">\n'
    for file in files:
        loc = url_for("crawlers.sitemap", kind=file.kind, number=file.number, _external=True)
        yield f"<sitemap><loc>{escape(loc)}</loc>{_lastmod(file.lastmod)}</sitemap>\n"
    yield "</sitemapindex>\n"


def _urlset_xml(found: Iterable[SitemapEntry]) -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NAMESPACE}">\n'
    for entry in found:
        yield f"<url><loc>{escape(entry.loc)}</loc>{_lastmod(entry.lastmod)}</url>\n"
    yield "</urlset>\n"


def _lastmod(when: datetime | None) -> str:
    stamp = newest(when)  # W3C's date-time form, in UTC
    return f"<lastmod>{stamp.isoformat(timespec='seconds')}</lastmod>" if stamp else ""


@bp.route("/wp-sitemap.xml")
@bp.route("/sitemap_index.xml")
def wordpress_index() -> Any:
    """A moved blog's old sitemap address: the crawler learns ours."""
    return redirect(url_for("crawlers.index"), 301)


@bp.route("/wp-sitemap-<path:name>-<int:number>.xml")
def wordpress_sitemap(name: str, number: int) -> Any:
    """WordPress's file of posts, pages, categories, tags or users: ours of that kind."""
    kind = WORDPRESS_FILES.get(name)
    if kind is None:
        abort(404)
    return redirect(url_for("crawlers.sitemap", kind=kind, number=number), 301)


@bp.route("/robots.txt")
def robots() -> Any:
    """The rules set under Admin → Settings, and where the sitemap is."""
    rules = str(get_setting("robots_txt") or "").replace("\r\n", "\n").strip()
    text = rules + "\n\n" if rules else ""
    if not any(line.lower().startswith("sitemap:") for line in rules.splitlines()):
        text += f"Sitemap: {url_for('crawlers.index', _external=True)}\n"
    response = Response(text, mimetype="text/plain")
    response.set_etag(hashlib.blake2b(text.encode(), digest_size=16).hexdigest())
    response.cache_control.no_cache = True
    return response.make_conditional(request)
