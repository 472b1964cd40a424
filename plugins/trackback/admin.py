"""The admin's Linkbacks page: what pinging each link of each post came to, and pings received."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template, request, url_for
from flask_login import current_user, login_required

from hlsblog import Post, db, editable_only

from .models import IncomingWebmention, OutboundPing, PendingTrackBack
from .routes import admin

PER_PAGE = 50  # pings received of one kind per page


@dataclass
class Received:
    """One page of one kind of ping received, newest first, and where it sits among them."""

    rows: list[Any]
    page: int
    total: int
    newer_url: str = ""
    older_url: str = ""

    @property
    def first(self) -> int:
        return (self.page - 1) * PER_PAGE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


@admin.route("/")
@login_required
def index() -> Any:
    """Outbound pings (newest first) and the Webmentions and TrackBacks received, a page each."""
    sent = db.select(OutboundPing, Post).join(Post, Post.id == OutboundPing.post_id)
    return render_template(
        "trackback/admin.html",
        sent=db.session.execute(
            editable_only(sent, current_user).order_by(OutboundPing.updated_at.desc()).limit(200)
        ).all(),
        received=_received(IncomingWebmention, "received_page", "linkbacks-received"),
        trackbacks=_received(PendingTrackBack, "trackbacks_page", "linkbacks-trackbacks"),
    )


def _page(name: str) -> int:
    # An old link or a hand-typed one: anything but a sensible number is page 1.
    return max(1, min(100_000, request.args.get(name, 1, type=int) or 1))


def _received(model: Any, page_arg: str, table_id: str) -> Received:
    """A page of the pings received of one kind, on posts this user may edit."""
    rows = db.select(model, Post).join(Post, Post.id == model.post_id)
    rows = editable_only(rows, current_user)
    total = int(db.session.scalar(db.select(db.func.count()).select_from(rows.subquery())) or 0)
    page = min(_page(page_arg), max(1, -(-total // PER_PAGE)))
    rows = rows.order_by(model.created_at.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    found = Received(list(db.session.execute(rows).all()), page, total)
    if page > 1:
        found.newer_url = _link(page_arg, page - 1, table_id)
    if page * PER_PAGE < total:
        found.older_url = _link(page_arg, page + 1, table_id)
    return found


def _link(page_arg: str, page: int, table_id: str) -> str:
    # The other table keeps its page: paging one leaves the other where it was.
    args: dict[str, Any] = {name: _page(name) for name in ("received_page", "trackbacks_page")}
    args[page_arg] = page
    return url_for("linkbacks_admin.index", **args, _anchor=table_id)
