"""The reader's side: listings, archives, search, the post page and its comment form."""

from flask import Blueprint

from .. import caching

bp = Blueprint("blog", __name__)
bp.record_once(lambda state: caching.init_app(state.app))

from . import views  # noqa: E402,F401  (routes register on bp)
