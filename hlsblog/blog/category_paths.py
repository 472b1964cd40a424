"""Nested category addresses: WordPress's ``/category/parent/child/``, and subcategories' posts.

WordPress writes a subcategory's address with its parents' slugs before its own. Our category
slugs are unique, so the flat ``/category/child/`` names it alone and stays the one address
(links, feeds, the sitemap): a nested address answers 301 there, with its ``page/N/`` kept.
The feeds plugin answers the nested ``…/feed/`` the same way. As WordPress's, a category's
archive holds the posts of its subcategories too (``hlsblog.category_tree``).
"""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, url_for

from ..extensions import db
from ..models import Category
from ..numbers import stranger_int
from . import bp


@bp.route("/category/<path:trail>/")
def nested_category(trail: str) -> Any:
    """``/category/parent/child/`` (and ``…/page/N/``): 301 to the child's own address."""
    slugs = trail.strip("/").split("/")
    page = None
    number = stranger_int(slugs[-1], low=0) if len(slugs) > 2 else None  # not "²" nor 10**30
    if number is not None and slugs[-2] == "page":
        page, slugs = number, slugs[:-2]
    leaf = db.session.scalar(db.select(Category).where(Category.slug == slugs[-1]))
    if leaf is None or "" in slugs or page == 0:
        abort(404)
    values: dict[str, Any] = {"slug": leaf.slug, **({"page": page} if page and page > 1 else {})}
    return redirect(url_for("blog.category", **values), 301)
