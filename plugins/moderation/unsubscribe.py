"""The public page a reply notice's unsubscribe link opens."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from hlsblog import db

from .models import ReplySubscription
from .notices import email_for_token

bp = Blueprint("moderation_public", __name__, url_prefix="/moderation")


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> Any:
    """Ask, then stop every reply notice to the address the signed token stands for.

    A GET only asks: mail scanners open links, and must not unsubscribe anyone.
    """
    email = email_for_token(token)
    if email is None:
        abort(404)
    if request.method == "GET":
        return render_template("moderation/unsubscribe.html", email=email, done=False)
    db.session.execute(
        db.delete(ReplySubscription).where(db.func.lower(ReplySubscription.email) == email)
    )
    db.session.commit()
    return render_template("moderation/unsubscribe.html", email=email, done=True)
