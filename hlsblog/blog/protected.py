"""The password form of a protected post or page: the right password unlocks it for the reader.

The form posts here, with its CSRF token, rather than to the post's own address, where a POST
is a comment. The right password sets the post's signed cookie and goes back to the page the
reader was on (303); a wrong one shows that page again, still locked, with a message (403).
Wrong passwords count against the client's address, as failed logins do.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, request

from ..extensions import db
from ..models import Post
from ..numbers import stranger_int
from ..posts import part_link, post_parts
from ..protection import REFUSED, password_matches, remember_unlock
from ..ratelimit import limiter
from . import bp
from .views import may_preview, render_post

LIMIT_MESSAGE = "Too many wrong passwords. Please wait a few minutes and try again."
EXPIRED = "Your session expired before the password was sent: please enter it again."


def _wrong(response: Any) -> bool:
    return bool(response.status_code == 403)


@bp.route("/unlock/<int:post_id>", methods=["POST"])
@limiter.limit(
    lambda: current_app.config["POSTPASS_LIMIT_PER_IP"],
    deduct_when=_wrong,
    error_message=LIMIT_MESSAGE,
)
def unlock(post_id: int) -> Any:
    """Check the password sent for a post; remember it for this reader when it is right."""
    post = _visible(post_id)
    part = _part(post, request.form.get("part", ""))
    if not post.password:  # no longer protected: nothing to unlock
        return redirect(part_link(post, part), 303)
    if not password_matches(post, request.form.get("post_password", "")):
        return render_post(post, part=part, password_error=REFUSED, status=403)
    response = redirect(part_link(post, part), 303)
    remember_unlock(response, post)
    return response


def unlock_expired(message: str = EXPIRED, status: int = 400) -> Any:
    """The post's page, still locked, when the form's CSRF token was missing or stale (400).

    Also when a token-less form did not come from this site's page (``message`` says so).
    """
    post = _visible((request.view_args or {}).get("post_id", 0))
    part = _part(post, request.form.get("part", ""))
    return render_post(post, part=part, password_error=message, status=status)


def _visible(post_id: int) -> Post:
    post = db.session.get(Post, post_id)
    if post is None or not (post.is_public or may_preview(post)):
        abort(404)
    return post


def _part(post: Post, sent: str) -> int:
    """The page of the post the form was on (1 when the form says nothing sensible)."""
    number = stranger_int(sent) or 1  # "²" and a thousand digits are not a page
    return number if number <= len(post_parts(post)) else 1
