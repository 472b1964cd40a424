"""The admin's Linkbacks page: what pinging each link of each post came to."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_login import current_user, login_required

from hlsblog import Post, db, editable_only

from .models import IncomingWebmention, OutboundPing
from .routes import admin


@admin.route("/")
@login_required
def index() -> Any:
    """Outbound pings (newest first) and the latest Webmentions received."""
    sent = db.select(OutboundPing, Post).join(Post, Post.id == OutboundPing.post_id)
    received = db.select(IncomingWebmention, Post).join(Post, Post.id == IncomingWebmention.post_id)
    sent, received = editable_only(sent, current_user), editable_only(received, current_user)
    return render_template(
        "trackback/admin.html",
        sent=db.session.execute(sent.order_by(OutboundPing.updated_at.desc()).limit(200)).all(),
        received=db.session.execute(
            received.order_by(IncomingWebmention.created_at.desc()).limit(50)
        ).all(),
    )
