"""The admin's Linkbacks page: what pinging each link of each post came to, and pings received."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_login import current_user, login_required

from hlsblog import Post, db, editable_only

from .models import IncomingWebmention, OutboundPing, PendingTrackBack
from .routes import admin


@admin.route("/")
@login_required
def index() -> Any:
    """Outbound pings (newest first) and the latest Webmentions and TrackBacks received."""
    sent = db.select(OutboundPing, Post).join(Post, Post.id == OutboundPing.post_id)
    return render_template(
        "trackback/admin.html",
        sent=db.session.execute(
            editable_only(sent, current_user).order_by(OutboundPing.updated_at.desc()).limit(200)
        ).all(),
        received=_latest(IncomingWebmention),
        trackbacks=_latest(PendingTrackBack),
    )


def _latest(model: Any) -> list[Any]:
    # The latest 50 pings received of one kind, on posts this user may edit.
    rows = db.select(model, Post).join(Post, Post.id == model.post_id)
    rows = editable_only(rows, current_user).order_by(model.created_at.desc()).limit(50)
    return list(db.session.execute(rows).all())
