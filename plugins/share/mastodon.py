"""Sharing to Mastodon: a page that asks for the reader's server, working without JavaScript."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit

from flask import Blueprint, abort, redirect, render_template, request

from hlsblog import db, public_posts

from .targets import shared_post

bp = Blueprint("share", __name__, url_prefix="/share")

LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
HOST = re.compile(rf"^(?=.{{4,253}}$){LABEL}(?:\.{LABEL})+$")
TRUSTED_FETCH_SITES = ("same-origin", "none")


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


def from_our_own_page() -> bool:
    """Whether the reader sent our own form (or typed the address) rather than another site."""
    # From any other site's link the page asks first: the blog is never an open redirect.
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in TRUSTED_FETCH_SITES
    return urlsplit(request.referrer or "").netloc == request.host  # browsers before Sec-Fetch


def share_address(host: str, text: str) -> str:
    """Mastodon's share page on ``host`` with ``text`` filled in."""
    return f"https://{host}/share?text={quote(text, safe='')}"


@bp.route("/mastodon/<int:post_id>/")
def mastodon(post_id: int) -> Any:
    """Ask for the reader's server, then send them to its share page."""
    post = db.session.scalar(public_posts().filter_by(id=post_id))
    if post is None:
        abort(404)
    shared = shared_post(post)
    typed = request.args.get("instance")
    if typed is None:
        return _page(shared)
    try:
        address = share_address(instance_host(typed), shared.text)
    except ValueError as exc:
        return _page(shared, typed, error=str(exc)), 400
    if from_our_own_page():
        return redirect(address, 303)
    return _page(shared, typed, continue_to=address)


def _page(shared: Any, typed: str = "", **extra: Any) -> str:
    return render_template(
        "share/mastodon.html", shared=shared, instance=typed, page_kind="share", **extra
    )
