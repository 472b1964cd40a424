"""Which mail goes out when: held and published comments to the post's author, replies to
commenters who asked for them."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, render_template, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from hlsblog import Comment, db, get_setting, permalink

from .mail import compose, send
from .models import ReplySubscription, mark_for
from .settings import settings

_SALT = "moderation-unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(str(current_app.secret_key), salt=_SALT)


def unsubscribe_token(email: str) -> str:
    """A signed token that stands for one subscriber's address."""
    return _serializer().dumps(email.lower())


def email_for_token(token: str) -> str | None:
    """The address a token was made for, or ``None`` when it was not made here."""
    try:
        return str(_serializer().loads(token))
    except BadSignature:
        return None


def _render(template: str, comment: Comment, **extra: Any) -> str:
    return render_template(
        f"moderation/mail/{template}",
        comment=comment,
        post=comment.post,
        blog=get_setting("title"),
        link=permalink(comment.post, external=True) + f"#comment-{comment.id}",
        **extra,
    )


def _admin_link(comment: Comment, action: str = "") -> str:
    # The comment's page in the core's queue: a "do" link there only asks, after a login.
    args = {"do": action} if action else {}
    return url_for("admin.comment", comment_id=comment.id, _external=True, **args)


def held(comment: Comment) -> None:
    """Tell the post's author a comment waits for them, with approve and spam links."""
    if not (has_request_context() and settings.mail_held):
        return  # asked first: loading the post's author costs a query per comment
    author = comment.post.author
    if not author.email:
        return
    body = _render(
        "held.txt",
        comment,
        approve=_admin_link(comment, "approve"),
        spam=_admin_link(comment, "spam"),
        queue=url_for("admin.comments", status="pending", _external=True),
    )
    title = comment.post.title
    send(compose(author.email, f"[{get_setting('title')}] Please moderate: “{title}”", body))


def published(comment: Comment) -> None:
    """Tell the post's author a comment was published, when they asked for that."""
    if not (has_request_context() and settings.mail_published):
        return  # asked first: loading the post's author costs a query per comment
    author = comment.post.author
    if not author.email:
        return
    if comment.user_id == author.id:
        return
    body = _render("published.txt", comment, manage=_admin_link(comment))
    title = comment.post.title
    send(compose(author.email, f"[{get_setting('title')}] Comment: “{title}”", body))


def replies(comment: Comment) -> None:
    """Tell those who subscribed to the parent comment, once, now that this reply is public."""
    if comment.parent_id is None or comment.status != "approved" or not has_request_context():
        return
    mark = mark_for(comment.id)
    if mark.reply_notified:
        return
    mark.reply_notified = True
    subscriptions = db.session.scalars(
        db.select(ReplySubscription).where(ReplySubscription.comment_id == comment.parent_id)
    ).all()
    addresses = {s.email.lower() for s in subscriptions} - {comment.author_email.lower()}
    db.session.commit()
    for address in sorted(addresses):
        _reply_notice(comment, address)


def _reply_notice(comment: Comment, address: str) -> None:
    unsubscribe = url_for(
        "moderation_public.unsubscribe", token=unsubscribe_token(address), _external=True
    )
    body = _render("reply.txt", comment, unsubscribe=unsubscribe)
    subject = f"[{get_setting('title')}] New reply to your comment on “{comment.post.title}”"
    send(compose(address, subject, body, {"List-Unsubscribe": f"<{unsubscribe}>"}))
