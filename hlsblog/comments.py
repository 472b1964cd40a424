"""Taking a comment or a ping: the core's rules, the plugins' verdict, storing it once.

``submit_comment`` is the one way in, for the comment form and for linkback plugins alike.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import lazyload

from .comment_context import CommentContext, Verdict
from .comment_input import CommentInput, CommentRefused, check_input
from .comment_status import recount
from .database import is_contention, serialized_write
from .extensions import db
from .models import Comment, Post, utcnow
from .numbers import stranger_int
from .plugins import current_host
from .rendering import (
    POLICY_VERSION,
    clean_comment_html,
    comment_text_to_html,
    ping_text_to_html,
    ping_title,
)
from .settings import get_setting

STATUS_FOR = {"approve": "approved", "hold": "pending", "spam": "spam", "trash": "trash"}


def _check_post(post: Post | None, kind: str) -> Post:
    # The one time per comment the plugins are asked whether discussion is closed.
    post = _check_switches(post, kind)
    closed = current_host().first("discussion_closed", post=post, kind=kind)
    if closed:
        raise CommentRefused(str(closed), 403)
    return post


def _check_switches(post: Post | None, kind: str) -> Post:
    # What another writer may change meanwhile: checked again under the write lock.
    if post is None or not post.is_public:
        raise CommentRefused("That post does not exist.", 404)
    closed = _switch_closed(post, kind)
    if closed:
        raise CommentRefused(closed, 403)
    return post


def _switch_closed(post: Post, kind: str) -> str:
    if kind == "comment" and not post.comments_open:
        return "Comments are closed on this post."
    if kind != "comment" and not post.pings_open:
        return "Pings are closed on this post."
    return ""


def discussion_closed(post: Post, kind: str = "comment") -> str:
    """Why comments (or pings of ``kind``) on ``post`` are closed; ``""`` while open."""
    closed = _switch_closed(post, kind)
    if closed:
        return closed
    reason = current_host().first("discussion_closed", post=post, kind=kind)
    return str(reason) if reason else ""


def _check_parent(post: Post, parent_id: int | None) -> int | None:
    if parent_id is None:
        return None
    # A plugin's CommentInput may carry any int: one no row can have is simply not there.
    fits = stranger_int(str(parent_id)) is not None
    parent = db.session.get(Comment, parent_id) if fits else None
    if parent is None or parent.post_id != post.id or parent.status != "approved":
        raise CommentRefused("The comment you are replying to is not available.", 400)
    if comment_depth(parent) >= int(get_setting("thread_depth") or 1):
        raise CommentRefused("Replies can't nest deeper here.", 400)
    return parent_id


def comment_depth(comment: Comment) -> int:
    """1 for a top-level comment, 2 for a reply to one, and so on."""
    depth, seen = 1, {comment.id}
    while comment.parent_id and comment.parent_id not in seen:
        parent = db.session.get(Comment, comment.parent_id)
        if parent is None:
            break
        depth, comment = depth + 1, parent
        seen.add(comment.id)
    return depth


def render_comment(comment: Comment, title: str = "") -> None:
    """(Re)make a comment's stored HTML from its source, through the plugins' filters."""
    if comment.kind == "comment":
        html = comment_text_to_html(comment.body_source)
    else:
        title = title or ping_title(comment.body_html or "")  # rendering again keeps the title
        html = ping_text_to_html(comment.body_source, title)
    filtered = current_host().filter("filter_comment_html", "html", html, comment=comment)
    # The reader's text has passed the policy once; only what a plugin changed passes again.
    comment.body_html = html if filtered == html else clean_comment_html(filtered)
    comment.render_version = POLICY_VERSION


def verdict_for(comment: Comment, context: CommentContext) -> Verdict | None:
    """The strictest verdict any enabled plugin gives."""
    strictest: Verdict | None = None
    for plugin, verdict in current_host().collect(
        "check_comment", comment=comment, context=context
    ):
        if not isinstance(verdict, Verdict):
            current_app.logger.warning("plugin %s returned %r from check_comment", plugin, verdict)
            continue
        if verdict.stricter_than(strictest):
            strictest = Verdict(
                verdict.status, verdict.reason, verdict.rule or plugin, verdict.http_status
            )
    return strictest


def submit_comment(
    post: Post | None,
    data: CommentInput,
    *,
    ip: str = "",
    user_agent: str = "",
    user: Any = None,
    form: dict[str, str] | None = None,
) -> Comment:
    """Validate, judge and store a comment or ping; ``CommentRefused`` when it can't be taken."""
    checked = _check_post(post, data.kind)
    check_input(data, identified=user is not None)
    comment = _new_comment(checked, data, ip, user_agent, user)
    render_comment(comment, data.title)  # the slow part, done before taking the lock
    context = CommentContext(post=post, form=form or {}, ip=ip, user=user, logged_in=bool(user))
    for attempt in range(3):
        try:
            _store(comment, checked.id, data, context)
            break
        except OperationalError as exc:
            # Another writer was in the way (SQLite's lock held past the busy timeout by another
            # process, a PostgreSQL deadlock or serialization failure): try again, then fail.
            db.session.rollback()
            if attempt == 2 or not is_contention(exc):
                raise
    current_host().notify("comment_saved", comment=comment, context=context)
    return comment


def _store(comment: Comment, post_id: int, data: CommentInput, context: CommentContext) -> None:
    # Checks that read what other writers change (the post, the parent, a plugin's flood
    # rule) run inside the write lock, so two comments at the same moment can't both pass.
    with serialized_write():
        post = _check_switches(_locked_post(post_id), data.kind)
        comment.post, comment.post_id = post, post.id
        comment.parent_id = _check_parent(post, data.parent_id)
        context.post = post
        _judge(comment, context)
        db.session.add(comment)
        db.session.flush()
        recount(post)
        _commit_keeping_what_was_written()


def _commit_keeping_what_was_written() -> None:
    # Everything this unit read or wrote, it did holding the lock: the values loaded are the
    # ones committed. Keeping them saves reading the comment, its post and the post's terms
    # again for the redirect, the session's remembered name and the plugins' notices.
    session = db.session()
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def _locked_post(post_id: int) -> Post | None:
    # Only the post row: its categories and tags play no part in taking a comment.
    return db.session.get(
        Post,
        post_id,
        with_for_update=True,
        options=[lazyload(Post.categories), lazyload(Post.tags)],
    )


def _new_comment(post: Post, data: CommentInput, ip: str, user_agent: str, user: Any) -> Comment:
    return Comment(
        post=post,
        post_id=post.id,
        kind=data.kind,
        author_name=user.name if user else data.author,
        author_email=user.email if user else data.email,
        author_url=data.url,
        author_ip=ip[:100],
        user_agent=user_agent[:255],
        source_url=data.source_url,
        body_source=data.body,
        user_id=user.id if user else None,
        created_at=utcnow(),
    )


def _judge(comment: Comment, context: CommentContext) -> None:
    # The blogger's own comments skip moderation, as in WordPress.
    if context.logged_in:
        comment.status, comment.verdict_rule = "approved", "logged-in author"
        return
    verdict = verdict_for(comment, context)
    if verdict is None:
        comment.status = "approved"
        return
    if verdict.status == "reject":
        raise CommentRefused(verdict.reason or "Your comment was refused.", verdict.http_status)
    comment.status = STATUS_FOR[verdict.status]
    comment.verdict_rule, comment.verdict_reason = verdict.rule, verdict.reason


def edit_comment(comment: Comment, data: CommentInput) -> None:
    """Change a stored comment's author details and text, under the comment form's rules."""
    data.kind = comment.kind
    check_input(data, identified=comment.user_id is not None)
    comment.author_name, comment.author_email = data.author, data.email
    comment.author_url = data.url  # made a link, or refused, by check_input
    comment.body_source = data.body
    render_comment(comment)
    db.session.commit()
