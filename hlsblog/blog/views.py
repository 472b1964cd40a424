"""Routes of the reader's side, at WordPress's addresses."""

from __future__ import annotations

import calendar
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from flask import abort, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import false

from ..caching import cached_page
from ..comment_input import CommentInput, CommentRefused, clean_text
from ..comments import submit_comment
from ..dates import to_utc
from ..extensions import db
from ..models import Category, Post, Tag, User
from ..old_addresses import new_address
from ..permissions import can_edit
from ..posts import permalink, public_posts
from ..rendering import plain_text
from . import bp
from .listing import paginate
from .search import matching, words
from .threads import build_tree, visible_comments

HELD_KEY = "held_comments"
COMMENTER_KEY = "commenter"
WORDPRESS_QUERY = frozenset({"p", "page_id", "attachment_id"})


@bp.route("/")
@bp.route("/page/<int:page>/")
@cached_page
def index(page: int = 1) -> Any:
    """The front page; ``/?p=ID`` finds a post by number, as WordPress links do."""
    if page == 1 and not WORDPRESS_QUERY.isdisjoint(request.args):
        # A WordPress number (?p=, ?page_id=, ?attachment_id=) of an imported post or file
        # wins over our own row of the same number.
        moved = new_address(request.path, request.query_string)
        if moved is not None:
            return redirect(moved, 301)
    if page == 1 and request.args.get("p", "").isdigit():
        post = db.session.get(Post, int(request.args["p"]))
        if post is None or not post.is_public:
            abort(404)
        return redirect(permalink(post), 301)
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


def _archive(query: Any, page: int, title: str, endpoint: str, **args: Any) -> Any:
    listing = paginate(query, page)

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
    query = public_posts().where(Post.categories.any(Category.id == term.id))
    return _archive(query, page, f"Category: {term.name}", "blog.category", slug=slug)


@bp.route("/tag/<slug>/")
@bp.route("/tag/<slug>/page/<int:page>/")
@cached_page
def tag(slug: str, page: int = 1) -> Any:
    """Posts with a tag."""
    term = db.first_or_404(db.select(Tag).where(Tag.slug == slug))
    query = public_posts().where(Post.tags.any(Tag.id == term.id))
    return _archive(query, page, f"Tag: {term.name}", "blog.tag", slug=slug)


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
    """Posts of a year, a month or a day (in the blog's time zone)."""
    if (month and not month.isdigit()) or (day and not day.isdigit()):
        abort(404)
    start, end = _date_range(year, month, day)
    query = public_posts().where(Post.published_at >= start, Post.published_at < end)
    title = str(year)
    if month:
        title = f"{calendar.month_name[int(month)]} {year}"
    if day:
        title = f"{calendar.month_name[int(month or 1)]} {int(day)}, {year}"
    args = {k: v for k, v in {"year": year, "month": month, "day": day}.items() if v}
    return _archive(query, page, title, "blog.date_archive", **args)


@bp.route("/search")
@cached_page
def search() -> Any:
    """Posts whose title or text holds every word of the query, newest first."""
    q = request.args.get("q", "").strip()[:200]
    page = request.args.get("page", "1")
    number = int(page) if page.isdigit() else 1
    found = words(q)
    # A query with no word in it (only punctuation) matches nothing.
    condition = matching(db.engine.dialect.name, found) if found else false()
    query = public_posts().where(condition)
    listing = paginate(query, number, allow_empty=True) if q else None
    return render_template(
        "search.html",
        q=q,
        listing=listing,
        page_kind="search",
        page_url=lambda n: url_for("blog.search", q=q, page=n),
    )


def _find_post(year: int, month: str, day: str, slug: str) -> Post:
    post = db.session.scalar(db.select(Post).where(Post.slug == slug))
    visible = post is not None and (post.is_public or _may_preview(post))
    if not visible:
        abort(404)
    return post


def _may_preview(post: Post) -> bool:
    # A post in the Trash is gone for everyone, its author too, until it is restored.
    return post.status != "trash" and can_edit(current_user, post)


@bp.route("/<int:year>/<month>/<day>/<slug>/", methods=["GET", "POST"])
@cached_page
def post(year: int, month: str, day: str, slug: str) -> Any:
    """A post with its comments; a POST here is a new comment."""
    found = _find_post(year, month, day, slug)
    canonical = permalink(found)
    if request.method == "GET" and request.path != unquote(canonical):  # url_for percent-encodes
        return redirect(canonical, 301)
    if request.method == "POST":
        return _take_comment(found)
    return render_post(found)


def render_post(
    post: Post, form: dict[str, str] | None = None, error: str | None = None, status: int = 200
) -> Any:
    """The post page, with the comment form filled from ``form`` (kept after a refusal)."""
    held = session.get(HELD_KEY, [])
    tree = build_tree(visible_comments(post, held))
    values = dict(session.get(COMMENTER_KEY, {}))
    values.update({key: clean_text(value) for key, value in (form or {}).items()})
    reply_to = request.args.get("replytocom", values.get("comment_parent", ""))
    html = render_template(
        "post.html",
        post=post,
        comments=tree,
        form=values,
        error=error,
        reply_to=str(reply_to) if str(reply_to).isdigit() else "",
        page_kind="single",
        description=plain_text(post.excerpt or post.teaser_html or post.body_html)[:200],
    )
    return html, status


def comment_refused(message: str, status: int) -> Any:
    """Re-render the current post page with the refused comment's text in the form."""
    args = request.view_args or {}
    found = _find_post(args["year"], args["month"], args["day"], args["slug"])
    return render_post(found, form=request.form.to_dict(), error=message, status=status)


def _take_comment(post: Post) -> Any:
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
