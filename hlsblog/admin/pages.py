"""Admin → Pages: the tree of pages with their status, a new page, and the pages' Trash.

A page is edited, trashed, restored and deleted by the post editor's own views
(``admin/posts.py``), which show a page's fields (parent, order) in place of a post's.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_login import current_user

from ..extensions import db
from ..models import Post
from ..pages import PAGE, page_tree
from ..permissions import editable_only
from ..trash import TRASH, trash_days
from . import bp
from .posts import edit_form, status_counts


@bp.route("/pages/")
def pages() -> Any:
    """Every page the user may edit, as a tree in menu order; ``?status=trash``: the Trash."""
    in_trash = request.args.get("status") == TRASH
    chosen = (Post.status == TRASH) if in_trash else (Post.status != TRASH)
    query = editable_only(db.select(Post).where(Post.kind == PAGE, chosen), current_user)
    found = {page.id: page for page in db.session.scalars(query)}
    return render_template(
        "admin/pages.html",
        rows=_tree_rows(found),
        in_trash=in_trash,
        counts=status_counts(PAGE),
        trash_days=trash_days(),
    )


def _tree_rows(found: dict[int, Post]) -> list[tuple[Post, int]]:
    """``found`` in tree order with each page's depth (below a page not listed: one up)."""
    tree, rows = page_tree(), []

    def walk(parent_id: int | None, depth: int) -> None:
        for entry in tree.children(parent_id):
            page = found.get(entry.id)
            if page is not None:
                rows.append((page, depth))
            walk(entry.id, depth + (page is not None))

    walk(None, 0)  # a page in a loop of parents is never reached from the top: listed last
    listed = {page.id for page, _ in rows}
    rows.extend((page, 0) for page in found.values() if page.id not in listed)
    return rows


@bp.route("/pages/new", methods=["GET", "POST"])
def new_page() -> Any:
    """Write a new page; as in WordPress, comments and pings on it start closed."""
    post = Post(
        kind=PAGE,
        author_id=current_user.id,
        status="draft",
        comments_open=False,
        pings_open=False,
    )
    return edit_form(post, is_new=True)
