"""Sharing to Mastodon: a page that asks for the reader's server, working without JavaScript."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from flask import Blueprint, abort, render_template, request

from hlsblog import db, public_posts

from .targets import shared_post

bp = Blueprint("share", __name__, url_prefix="/share")

LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
HOST = re.compile(rf"^(?=.{{4,253}}$){LABEL}(?:\.{LABEL})+$")


def instance_host(typed: str) -> str:
    """The server in what a reader typed (``mastodon.social``, ``@me@host``, an address)."""
    text = typed.strip().split("://", 1)[-1].split("/", 1)[0].rsplit("@", 1)[-1]
    try:
        host = text.rstrip(".").lower().encode("idna").decode("ascii")
    except UnicodeError:
        host = ""
    if not HOST.match(host):
        raise ValueError(f"“{typed.strip()[:100]}” is not a server name like mastodon.social.")
    return host


def share_address(host: str, text: str) -> str:
    """Mastodon's share page on ``host`` with ``text`` filled in."""
    return f"https://{host}/share?text={quote(text, safe='')}"


@bp.route("/mastodon/<int:post_id>/")
def mastodon(post_id: int) -> Any:
    """Ask for the reader's server, then link to its share page."""
    post = db.session.scalar(public_posts().filter_by(id=post_id))
    if post is None:
        abort(404)
    shared = shared_post(post)
    typed = request.args.get("instance")
    if typed is None:
        return _page(shared)
    try:
        host = instance_host(typed)
    except ValueError as exc:
        return _page(shared, typed, error=str(exc)), 400
    # A link, not a redirect: the blog's Content-Security-Policy (form-action 'self') stops a
    # form's redirect to another site, and a link can never make the blog an open redirect.
    # With JavaScript, share.js goes straight to the server and this answer isn't needed.
    return _page(shared, typed, host=host, continue_to=share_address(host, shared.text))


def _page(shared: Any, typed: str = "", **extra: Any) -> str:
    return render_template(
        "share/mastodon.html", shared=shared, instance=typed, page_kind="share", **extra
    )
