"""Routes of the reader's side, at WordPress's addresses."""

from __future__ import annotations

import calendar
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlencode

from flask import abort, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import false
from sqlalchemy.orm import lazyload

from ..caching import cached_page
from ..category_tree import with_descendants
from ..comment_input import CommentInput, CommentRefused, clean_text
from ..comments import submit_comment
from ..dates import to_utc
from ..extensions import db
from ..models import Category, Post, Tag, User, post_categories, post_tags
from ..numbers import stranger_int
from ..old_addresses import old_address
from ..pages import PAGE, find_page, page_path
from ..permissions import can_edit
from ..posts import part_link, permalink, post_parts, public_content, public_posts
from ..protection import is_locked, is_protected
from ..term_dates import newest_linked
from . import bp
from .listing import paginate
from .search import matching, words
from .threads import build_tree, visible_comments
from .wordpress_queries import archive_date, wordpress_query

HELD_KEY = "held_comments"
COMMENTER_KEY = "commenter"
WORDPRESS_QUERY = frozenset({"p", "page_id", "attachment_id"})


@bp.route("/")
@bp.route("/page/<int:page>/")
@cached_page
def index(page: int = 1) -> Any:
    """The front page; ``/?p=ID`` finds a post by number, as WordPress links do."""
    answered = wordpress_query(request.args, page)  # ?cat=5, ?m=201009, ?s=word …
    if answered is not None:
        return answered
    part = stranger_int(request.args.get("page", "")) or 1  # ?p=9&page=2: page 2 of its text
    if page == 1 and not WORDPRESS_QUERY.isdisjoint(request.args):
        # A WordPress number (?p=, ?page_id=, ?attachment_id=) of an imported post or file
        # wins over our own row of the same number.
        known, moved = old_address(request.path, _without_part(request.args))
        if moved is not None:
            return redirect(moved + (f"{part}/" if part > 1 else ""), 301)
        if known or "attachment_id" in request.args:
            # An old number of a post that came in unpublished is not our row of that number.
            abort(404)
    if page == 1 and "pagename" in request.args:  # WordPress's plain link to a page by path
        return _page_by_path(request.args["pagename"], part)
    if page == 1 and request.args.get("p", "").strip():
        number = stranger_int(request.args["p"])  # ?p=² or ?p=10**30: no such post
        post = db.session.get(Post, number) if number else None
        if post is None or not post.is_public:
            abort(404)
        return redirect(part_link(post, part), 301)
    if page == 1 and request.args.get("page_id", "").strip():
        return _page_by_number(stranger_int(request.args["page_id"]) or 0, part)
    query = (
        public_posts()
        .order_by(None)
        .order_by(Post.sticky.desc(), Post.published_at.desc(), Post.id.desc())
    )
    listing = paginate(query, page, allow_empty=True)
    return render_template(
        "index.html",
        listing=listing,
        page_kind="home",
        page_url=lambda n: url_for("blog.index", page=n) if n > 1 else "/",
    )


def _page_by_number(number: int, part: int = 1) -> Any:
    """``/?page_id=N``: a page's number, as WordPress links pages without pretty permalinks."""
    found = db.session.get(Post, number)
    if found is None or found.kind != PAGE or not found.is_public:
        abort(404)
    return redirect(part_link(found, part), 301)


def _page_by_path(path: str, part: int = 1) -> Any:
    """``/?pagename=about/team``: a page by its path, as WordPress's plain links may name it."""
    found = find_page(path)
    if found is None or not found.is_public or page_path(found).strip("/") != path.strip("/"):
        abort(404)
    return redirect(part_link(found, part), 301)


def _without_part(args: Any) -> str:
    """The query without WordPress's ``page`` (a part of the post), as old addresses hold it."""
    return urlencode([(key, value) for key, value in args.items(multi=True) if key != "page"])


def _archive(
    query: Any,
    page: int,
    title: str,
    endpoint: str,
    allow_empty: bool = False,
    window: Any = None,
    **args: Any,
) -> Any:
    listing = paginate(query, page, allow_empty, window)

    def page_url(n: int) -> str:
        values: dict[str, Any] = {**args, **({"page": n} if n > 1 else {})}
        return url_for(endpoint, **values)

    return render_template(
        "archive.html", listing=listing, title=title, page_kind="archive", page_url=page_url
    )


@bp.route("/category/<slug>/")
@bp.route("/category/<slug>/page/<int:page>/")
@cached_page
def category(slug: str, page: int = 1) -> Any:
    """Posts filed under a category."""
    term = db.first_or_404(db.select(Category).where(Category.slug == slug))
    # As WordPress: a category's archive holds its subcategories' posts too.
    ids = with_descendants(term.id)
    query = public_posts().where(Post.categories.any(Category.id.in_(ids)))
    # One category: its page read from its dated links (term_dates), whatever its number.
    window = newest_linked(public_posts(), post_categories, term.id) if len(ids) == 1 else None
    title = f"Category: {term.name}"
    return _archive(query, page, title, "blog.category", True, window, slug=slug)


@bp.route("/tag/<slug>/")
@bp.route("/tag/<slug>/page/<int:page>/")
@cached_page
def tag(slug: str, page: int = 1) -> Any:
    """Posts with a tag."""
    term = db.first_or_404(db.select(Tag).where(Tag.slug == slug))
    query = public_posts().where(Post.tags.any(Tag.id == term.id))
    window = newest_linked(public_posts(), post_tags, term.id)
    return _archive(query, page, f"Tag: {term.name}", "blog.tag", True, window, slug=slug)


@bp.route("/author/<name>/")
@bp.route("/author/<name>/page/<int:page>/")
@cached_page
def author(name: str, page: int = 1) -> Any:
    """Posts by one author."""
    user = db.first_or_404(db.select(User).where(User.username == name))
    query = public_posts().where(Post.author_id == user.id)
    return _archive(query, page, f"Author: {user.name}", "blog.author", name=name)


def _date_range(year: int, month: str | None, day: str | None) -> tuple[datetime, datetime]:
    try:
        m = int(month) if month else None
        d = int(day) if day else None
        start = datetime(year, m or 1, d or 1)
        if d:
            end = datetime.fromordinal(start.toordinal() + 1)
        elif m:
            end = datetime(year + (m == 12), m % 12 + 1, 1)
        else:
            end = datetime(year + 1, 1, 1)
    except (ValueError, OverflowError):
        abort(404)
    return to_utc(start), to_utc(end)


@bp.route("/<int:year>/")
@bp.route("/<int:year>/page/<int:page>/")
@bp.route("/<int:year>/<month>/")
@bp.route("/<int:year>/<month>/page/<int:page>/")
@bp.route("/<int:year>/<month>/<day>/")
@bp.route("/<int:year>/<month>/<day>/page/<int:page>/")
@cached_page
def date_archive(year: int, month: str | None = None, day: str | None = None, page: int = 1) -> Any:
    """Posts of a year, a month or a day (in the blog's time zone); 404 when there are none."""
    found = archive_date(str(year), month or "", day or "")
    if found is None:
        abort(404)  # /2026/00/, /2026/02/30/, /0/
    parts: dict[str, Any] = {"year": year, "month": f"{found[1]:02d}", "day": f"{found[2]:02d}"}
    wanted = {k: v for k, v in parts.items() if k == "year" or (request.view_args or {}).get(k)}
    if page > 1:
        wanted["page"] = page
    canonical = url_for("blog.date_archive", **wanted)
    if request.path != canonical:  # /2010/9/ is /2010/09/
        return redirect(canonical, 301)
    start, end = _date_range(year, month, day)
    query = public_posts().where(Post.published_at >= start, Post.published_at < end)
    title = str(year)
    if month:
        title = f"{calendar.month_name[int(month)]} {year}"
    if day:
        title = f"{calendar.month_name[int(month or 1)]} {int(day)}, {year}"
    args: dict[str, Any] = {"year": year, "month": month, "day": day}
    return _archive(query, page, title, "blog.date_archive", **{k: v for k, v in args.items() if v})


@bp.route("/search")
@cached_page
def search() -> Any:
    """Posts and pages whose title or text holds every word of the query, newest first."""
    q = request.args.get("q", "").strip()[:200]
    page = request.args.get("page", "1")
    number = stranger_int(page) or 1
    found = words(q)
    # A query with no word in it (only punctuation) matches nothing.
    condition = matching(db.engine.dialect.name, found) if found else false()
    query = public_content().where(condition)  # pages too, as WordPress's search finds them
    listing = paginate(query, number, allow_empty=True) if q else None
    return render_template(
        "search.html",
        q=q,
        listing=listing,
        page_kind="search",
        page_url=lambda n: url_for("blog.search", q=q, page=n),
    )


def _find_post(year: int, month: str, day: str, slug: str) -> Post:
    query = db.select(Post).where(Post.slug == slug)
    if request.method == "POST":  # a comment: the post's terms are read only if it is refused
        query = query.options(lazyload(Post.categories), lazyload(Post.tags))
    post = db.session.scalar(query)
    visible = post is not None and (post.is_public or may_preview(post))
    if not visible:
        abort(404)
    return post


def find_visible_page(path: str) -> Post:
    """The page ``path`` ends with, or 404 (a draft only for those who may edit it)."""
    page = find_page(path)
    if page is None or not (page.is_public or may_preview(page)):
        abort(404)
    return page


def find_page_part(path: str) -> tuple[Post, int]:
    """The page at ``path`` and which page of its text: ``about/2`` is About's second page.

    A child page whose slug is a number wins over a page of its parent's text; past the
    last page of the text is a 404.
    """
    head, _, last = path.strip("/").rpartition("/")
    number = stranger_int(last)
    if not (head and number and find_page(path) is None):
        return find_visible_page(path), 1
    found, part = find_visible_page(head), number
    if not 1 <= part <= len(post_parts(found)):
        abort(404)
    return found, part


def may_preview(post: Post) -> bool:
    """Whether the reader may see ``post`` before it is public (its author or an admin)."""
    # A post in the Trash is gone for everyone, its author too, until it is restored.
    return post.status != "trash" and can_edit(current_user, post)


@bp.route("/<int:year>/<month>/<day>/<slug>/", methods=["GET", "POST"])
@bp.route("/<int:year>/<month>/<day>/<slug>/<int:part>/")
@cached_page
def post(year: int, month: str, day: str, slug: str, part: int = 1) -> Any:
    """A post with its comments (``…/2/``: page 2 of its text); a POST here is a new comment."""
    found = _find_post(year, month, day, slug)
    canonical = permalink(found)
    if "part" in (request.view_args or {}):
        if not 1 <= part <= len(post_parts(found)):
            abort(404)
        canonical = part_link(found, part)  # page 1's is the post's own: a 301 there
    # url_for percent-encodes, and puts the blog's prefix (SCRIPT_NAME) in front of the path.
    if request.method == "GET" and request.script_root + request.path != unquote(canonical):
        return redirect(canonical, 301)
    if request.method == "POST":
        return take_comment(found)
    return render_post(found, part=part)


@bp.route("/<int:year>/<month>/<day>/<slug>/comment-page-<int:number>/")
def comment_page(year: int, month: str, day: str, slug: str, number: int) -> Any:
    """WordPress's pages of comments: every comment is on the post's own page here."""
    return redirect(permalink(_find_post(year, month, day, slug)) + "#comments", 301)


def render_post(
    post: Post,
    form: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
    part: int = 1,
    password_error: str | None = None,
) -> Any:
    """The post page, with the comment form filled from ``form`` (kept after a refusal).

    ``part``: which page of a paginated post's text. A locked post shows its password form
    (with ``password_error`` after a wrong one) instead of its text and its comments.
    """
    locked = is_locked(post)
    held = session.get(HELD_KEY, [])
    tree = [] if locked else build_tree(visible_comments(post, held))
    values = dict(session.get(COMMENTER_KEY, {}))
    values.update({key: clean_text(value) for key, value in (form or {}).items()})
    reply_to = request.args.get("replytocom", values.get("comment_parent", ""))
    html = render_template(
        "post.html",
        post=post,
        locked=locked,
        part=part,
        password_error=password_error,
        comments=tree,
        form=values,
        error=error,
        reply_to=str(stranger_int(str(reply_to)) or ""),
        page_kind="single",
    )
    response = make_response(html, status)
    if is_protected(post) and not locked:
        response.cache_control.private = True  # this reader's own: no shared cache keeps it
    return response


def comment_refused(message: str, status: int) -> Any:
    """Re-render the current post page with the refused comment's text in the form."""
    args = request.view_args or {}
    if request.endpoint == "blog.page":
        found = find_page_part(args["path"])[0]
    else:
        found = _find_post(args["year"], args["month"], args["day"], args["slug"])
    return render_post(found, form=request.form.to_dict(), error=message, status=status)


def take_comment(post: Post) -> Any:
    """Store the comment the form sent on ``post`` (or a page), then back to its address."""
    if is_locked(post):
        abort(403, description="This post is password protected: enter its password first.")
    user = current_user if current_user.is_authenticated else None
    try:
        comment = submit_comment(
            post,
            CommentInput.from_form(request.form),
            ip=request.remote_addr or "",
            user_agent=request.user_agent.string,
            user=user,
            form=request.form.to_dict(),
        )
    except CommentRefused as refusal:
        db.session.rollback()
        return render_post(post, request.form.to_dict(), refusal.message, refusal.status)
    if user is None:
        session[COMMENTER_KEY] = {
            "author": comment.author_name,
            "email": comment.author_email,
            "url": comment.author_url,
        }
    if comment.status == "pending":
        session[HELD_KEY] = (session.get(HELD_KEY, []) + [comment.id])[-50:]
    return redirect(f"{permalink(post)}#comment-{comment.id}", 303)
