"""The admin's pages answer with or without their end slash.

Werkzeug sends ``/admin/profile`` on to ``/admin/profile/``, but nothing answered the other
way round: the pages below have no end slash, and ``/admin/settings/`` was a 404. Their
slashed forms redirect to them (308, so a POST stays a POST, its query string kept); the
page itself checks who is asking.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import redirect, request, url_for

from . import bp

UNSLASHED = {
    "/settings": "admin.settings",
    "/wxr": "admin.wxr",
    "/posts/new": "admin.new_post",
    "/pages/new": "admin.new_page",
}


def _redirect_to(endpoint: str) -> Callable[[], Any]:
    def view() -> Any:
        query = request.query_string.decode()
        return redirect(url_for(endpoint) + (f"?{query}" if query else ""), code=308)

    return view


for _path, _endpoint in UNSLASHED.items():
    bp.add_url_rule(
        _path + "/",
        _endpoint.removeprefix("admin.") + "_with_slash",
        _redirect_to(_endpoint),
        methods=["GET", "POST"],
    )
