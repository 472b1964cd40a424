"""WordPress's plain-permalink addresses on ``/``: ``/?cat=5``, ``/?m=201009``, ``/?s=word`` …

A blog that ran without pretty permalinks (or a link written that way) asked the front page with
WordPress's query variables. Each such address answers 301 to the pretty address it meant, or
404 when it leads nowhere: never the front page, which would be wrong content and duplicate
content for search engines. Parameters WordPress doesn't read (``utm_source``, ``fbclid``) leave
the front page as it is, as WordPress does.

An imported blog's numbers (``?cat=``, ``?author=``) were remembered as old addresses at import;
they win over our own rows of the same number, as ``?p=`` does. WordPress's pretty search
address, ``/search/word/``, answers 301 to ours too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import unquote

from flask import abort, current_app, redirect, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BuildError

from ..extensions import db
from ..models import Category, Post, Tag, User
from ..numbers import stranger_int
from ..old_addresses import new_address
from ..plugins import current_host
from ..posts import permalink, public_posts, slugify
from . import bp

# The query variables read here; ``p``, ``page_id`` and ``attachment_id`` alone are the index
# view's own (a post or page by number).
QUERY_VARS = (
    "cat",
    "category_name",
    "tag",
    "s",
    "author",
    "author_name",
    "m",
    "year",
    "monthnum",
    "day",
    "name",
    "paged",
    "feed",
)
NUMBERED = ("p", "page_id", "attachment_id")
FEED_FORMATS = {"feed": "rss2", "rss": "rss2", "rss2": "rss2", "rdf": "rss2", "atom": "atom"}


@dataclass
class Place:
    """Where a query leads: a listing's endpoint and values, and the feed endpoint it has."""

    endpoint: str
    values: dict[str, Any] = field(default_factory=dict)
    feed: str | None = None
    paged: bool = True  # whether ``/page/N/`` applies


def wordpress_query(args: Mapping[str, str], page: int = 1) -> Any:
    """The 301 a WordPress query on the front page answers; None when ``args`` holds none."""
    asked = {name: args.get(name, "").strip() for name in QUERY_VARS}
    asked = {name: value for name, value in asked.items() if value}
    numbered = [name for name in NUMBERED if args.get(name, "").strip()]
    if not asked or (numbered and "feed" not in asked):
        return None
    try:
        target = _target(asked, numbered, args, page)
    except (BuildError, ValueError, OverflowError):  # no such feed (plugin off), a junk number
        target = None
    if target is None:
        abort(404)
    return redirect(target, 301)


def _target(asked: dict[str, str], numbered: list[str], args: Mapping[str, str], page: int) -> Any:
    paged = page if page > 1 else _paged(asked.pop("paged", ""))
    feed = asked.pop("feed", None)
    place = _numbered(numbered[0], args[numbered[0]].strip()) if numbered else _place(asked)
    if place is None:
        return None
    if feed is not None:
        return _feed_url(place, feed)
    values = dict(place.values)
    if paged > 1:
        if not place.paged:
            return None
        values["page"] = paged
    return url_for(place.endpoint, **values)


@bp.route("/search/<path:terms>/")
def pretty_search(terms: str) -> Any:
    """WordPress's pretty search address, ``/search/word/`` (``…/page/2/``): 301 to ours."""
    parts = terms.split("/")
    values: dict[str, Any] = {}
    if len(parts) > 2 and parts[-2] == "page":
        number = stranger_int(parts[-1])
        if number is None:
            abort(404)
        parts = parts[:-2]
        values = {"page": number} if number > 1 else {}
    words = "/".join(parts).replace("+", " ")  # WordPress writes a space as "+" there
    return redirect(url_for("blog.search", q=words[:200], **values), 301)


def _paged(value: str) -> int:
    # WordPress reads a junk ``paged`` as none at all.
    return stranger_int(value) or 1


def _place(asked: dict[str, str]) -> Place | None:
    if not asked:
        return Place("blog.index", feed="feeds.site")
    if asked.keys() <= {"year", "monthnum", "day", "m"}:
        return _date(asked)
    if len(asked) > 1:
        return None  # two archives at once (a category and a tag …): WordPress's AND, not ours
    ((name, value),) = asked.items()
    return {
        "cat": _category_by_number,
        "category_name": _category_by_path,
        "tag": _tag,
        "s": _search,
        "author": _author_by_number,
        "author_name": _author_by_name,
        "name": _post_by_slug,
    }[name](value)


def _category_place(category: Category | None) -> Place | None:
    if category is None:
        return None
    values = {"slug": category.slug}
    return Place("blog.category", values, "feeds.category")


def _category_by_number(value: str) -> Place | None:
    old = _old_place(f"cat={value}")
    number = stranger_int(value)
    if old is not None or number is None:
        return old
    return _category_place(db.session.get(Category, number))


def _category_by_path(value: str) -> Place | None:
    # ``parent/child``: the child's own slug is unique here.
    slug = unquote(value).strip("/").rsplit("/", 1)[-1]
    return _category_place(_by_slug(Category, slug))


def _tag(value: str) -> Place | None:
    tag = _by_slug(Tag, unquote(value))
    return Place("blog.tag", {"slug": tag.slug}, "feeds.tag") if tag is not None else None


def _by_slug(model: Any, slug: str) -> Any:
    """The term with this slug, as given or as the importer would have made it."""
    for wanted in dict.fromkeys((slug, slugify(slug, fallback=""))):
        found = db.session.scalar(db.select(model).where(model.slug == wanted)) if wanted else None
        if found is not None:
            return found
    return None


def _search(value: str) -> Place:
    return Place("blog.search", {"q": value[:200]})


def _author_by_number(value: str) -> Place | None:
    old = _old_place(f"author={value}")
    number = stranger_int(value)
    if old is not None or number is None:
        return old
    user = db.session.get(User, number)
    # As WordPress: only an author with a published post, so the address lists no other account.
    published = public_posts().where(Post.author_id == (user.id if user else -1)).limit(1)
    if user is None or db.session.scalar(published) is None:
        return None
    return Place("blog.author", {"name": user.username}, "feeds.author")


def _author_by_name(value: str) -> Place | None:
    user = db.session.scalar(db.select(User).where(User.username == value))
    return Place("blog.author", {"name": user.username}, "feeds.author") if user else None


def _post_by_slug(value: str) -> Place | None:
    post = db.session.scalar(db.select(Post).where(Post.slug == unquote(value)))
    return _post_place(post)


def _numbered(name: str, value: str) -> Place | None:
    """A post by number, for its comments' feed (``/?p=12&feed=rss2``)."""
    moved = new_address("/", f"{name}={value}")
    if moved is not None:
        return _route(moved)
    number = stranger_int(value)
    return _post_place(db.session.get(Post, number)) if number else None


def _post_place(post: Post | None) -> Place | None:
    if post is None or not post.is_public:
        return None
    return _route(permalink(post))


def _old_place(query: str) -> Place | None:
    """Where an imported blog's ``?cat=N`` or ``?author=N`` leads, remembered at import."""
    moved = new_address("/", query)
    return _route(moved) if moved is not None else None


def _route(path: str) -> Place | None:
    """The listing or post at one of our own addresses, to build its page or feed from."""
    try:
        endpoint, values = current_app.url_map.bind("").match(path, "GET")
    except HTTPException:
        return None
    feeds = {
        "blog.category": "feeds.category",
        "blog.tag": "feeds.tag",
        "blog.author": "feeds.author",
        "blog.post": "feeds.post",
        "blog.page": "feeds.page",
    }
    single = endpoint in ("blog.post", "blog.page")  # no page/N/ after them
    return Place(str(endpoint), dict(values), feeds.get(str(endpoint)), not single)


def _date(asked: dict[str, str]) -> Place | None:
    if "m" in asked:
        m = asked["m"]
        if not m.isdigit() or len(m) < 4 or len(asked) > 1:
            return None
        year, month, day = m[:4], m[4:6], m[6:8]
    else:
        year, month, day = asked.get("year", ""), asked.get("monthnum", ""), asked.get("day", "")
    if not year or (day and not month):
        return None  # every September, or every 15th: no archive of ours
    if archive_date(year, month, day) is None:
        return None
    values: dict[str, Any] = {"year": int(year)}
    if month:
        values["month"] = f"{int(month):02d}"
    if day:
        values["day"] = f"{int(day):02d}"
    return Place("blog.date_archive", values)


def archive_date(year: str, month: str = "", day: str = "") -> tuple[int, int, int] | None:
    """The year, month and day of a date archive's address parts; None for an impossible date.

    As WordPress's addresses: a four-digit year, a month and day of one or two digits.
    """
    if not (year.isdigit() and len(year) == 4):
        return None
    for part in (month, day):
        if part and not (part.isdigit() and len(part) <= 2):
            return None
    try:
        when = date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return when.year, when.month, when.day


def _feed_url(place: Place, feed: str) -> str | None:
    comments = feed.startswith("comments-")
    fmt = FEED_FORMATS.get(feed.removeprefix("comments-"))
    if fmt is None:
        return None
    if place.endpoint == "blog.index":
        endpoint = "feeds.comments" if comments else "feeds.site"
    elif comments and place.endpoint not in ("blog.post", "blog.page"):
        return None
    else:
        endpoint = place.feed or ""
    if not endpoint or not _served(endpoint):
        return None  # a search or a date has no feed here; none at all with the plugin off
    return url_for(endpoint, **place.values, fmt=fmt)


def _served(endpoint: str) -> bool:
    # A switched-off plugin's routes stay registered (they answer 404): ask who owns it.
    owners = current_app.extensions.get("hlsblog.blueprint_owners", {})
    owner = owners.get(endpoint.partition(".")[0])
    return owner is None or current_host().is_enabled(owner)
