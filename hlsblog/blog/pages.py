"""A page at its path (``/about/team/``): the blog's rule of lowest priority, tried last.

Every other route of the blog and its plugins wins over this one, so a page can never hide an
archive or a feed; an address no page has is a 404, which then looks for an old address.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from flask import redirect, request
from flask.blueprints import BlueprintSetupState
from werkzeug.routing import BaseConverter

from ..caching import cached_page
from ..old_addresses import new_address
from ..posts import part_link
from . import bp
from .views import find_page_part, render_post, take_comment


class PagePathConverter(BaseConverter):
    """Slugs joined by ``/``: never a dot, so ``/xmlrpc.php`` or ``/favicon.ico`` is no page."""

    part_isolating = False
    regex = "[^/.]+(?:/[^/.]+)*"
    weight = 200  # as Werkzeug's own ``path``: after every rule with fixed parts


@bp.record_once
def _add_converter(state: BlueprintSetupState) -> None:
    state.app.url_map.converters.setdefault("page", PagePathConverter)


# Without the end slash too: the view sends a page's address on, and anything else is a
# plain 404 that may still find an old address (a redirect to add the slash would not).
@bp.route("/<page:path>/", methods=["GET", "POST"], strict_slashes=False)
@cached_page
def page(path: str) -> Any:
    """A page with its comments; a POST here is a new comment on it."""
    found, part = find_page_part(path)  # ``about/2``: page 2 of About's text
    canonical = part_link(found, part)
    if request.method == "GET" and request.script_root + request.path != unquote(canonical):
        # An old address first (a WordPress page whose slug another page took), else the
        # page of that slug moved under another parent, or the address lacks its end slash.
        moved = new_address(request.path, request.query_string)
        return redirect(moved or canonical, 301)
    if request.method == "POST":
        return take_comment(found)
    return render_post(found, part=part)
