"""The reader's side: listings, archives, search, the post page and its comment form."""

from flask import Blueprint

bp = Blueprint("blog", __name__)

from . import category_paths, pages, protected, views  # noqa: E402,F401  (routes register on bp)
