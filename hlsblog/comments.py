"""Taking a comment or a ping: the core's rules, the plugins' verdict, storing it once.

``submit_comment`` is the one way in, for the comment form and for linkback plugins alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import lazyload

from .api import CommentContext, Verdict
from .database import serialized_write
from .extensions import db
from .models import Comment, Post, utcnow
from .plugins import current_host
from .rendering import (
    POLICY_VERSION,
    clean_comment_html,
    comment_text_to_html,
    ping_text_to_html,
    ping_title,
)
from .settings import bump_generation, get_setting

LIMITS = {"author": 245, "email": 100, "url": 200, "comment": 65525}
STATUS_FOR = {"approve": "approved", "hold": "pending", "spam": "spam"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class CommentRefused(Exception):
    """A comment that can't be taken: ``message`` for the reader, ``status`` for HTTP."""

    def __init__(self, message: str, status: int = 400, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


@dataclass
class CommentInput:
    """What a reader (or a pinging site) sends."""

    author: str = ""
    email: str = ""
    url: str = ""
    body: str = ""
    parent_id: int | None = None
    kind: str = "comment"
    title: str = ""
    source_url: str = ""

    @classmethod
    def from_form(cls, form: Any) -> CommentInput:
        """What the comment form sent; refused when it carries invisible control characters."""
        for field in ("author", "email", "url", "comment"):
            if clean_text(form.get(field, "")) != form.get(field, ""):
                raise CommentRefused(
                    "Your comment held invisible control characters. We took them out: "
                    "please check the text below and send it again.",
                    400,
                    field,
                )
        parent = (form.get("comment_parent") or "").strip()
        return cls(
            author=clean_text(form.get("author", "")).strip(),
            email=clean_text(form.get("email", "")).strip(),
            url=clean_text(form.get("url", "")).strip(),
            body=clean_text(form.get("comment", "")),
            parent_id=int(parent) if parent.isdigit() and parent != "0" else None,
        )


def clean_text(text: str) -> str:
    """Drop control characters and lone surrogates that no page or feed may carry."""
    return _CONTROL.sub("", text or "")


def _check_lengths(data: CommentInput) -> None:
    values = {"author": data.author, "email": data.email, "url": data.url, "comment": data.body}
    labels = {"author": "Name", "email": "Mail", "url": "Website", "comment": "Comment"}
    for field, limit in LIMITS.items():
        if len(values[field]) > limit:
            raise CommentRefused(
                f"{labels[field]} is too long: at most {limit:,} characters.", 400, field
            )


def _check_identity(data: CommentInput, user: Any) -> None:
    if user is not None or data.kind != "comment":
        return
    if get_setting("require_name_email"):
        if not data.author:
            raise CommentRefused("Please fill in your name.", 400, "author")
        if not data.email:
            raise CommentRefused("Please fill in your mail address.", 400, "email")
    if data.email:
        try:
            validate_email(data.email, check_deliverability=False)
        except EmailNotValidError as exc:
            raise CommentRefused(f"Please enter a valid mail address: {exc}", 400, "email") from exc


def normalize_url(url: str) -> str:
    """A website as a reader types it ("example.com") made into a link, or refused."""
    if not url:
        return ""
    if not re.match(r"^[a-z][a-z0-9+.-]*:", url, re.IGNORECASE):
        url = "http://" + url
    if not re.match(r"^https?://[^\s/]+", url, re.IGNORECASE) or re.search(r"\s", url):
        raise CommentRefused("Website must be an http or https address.", 400, "url")
    return url


def _check_post(post: Post | None, kind: str) -> Post:
    if post is None or not post.is_public:
        raise CommentRefused("That post does not exist.", 404)
    closed = discussion_closed(post, kind)
    if closed:
        raise CommentRefused(closed, 403)
    return post


def discussion_closed(post: Post, kind: str = "comment") -> str:
    """Why comments (or pings of ``kind``) on ``post`` are closed; ``""`` while open."""
    if kind == "comment" and not post.comments_open:
        return "Comments are closed on this post."
    if kind != "comment" and not post.pings_open:
        return "Pings are closed on this post."
    reason = current_host().first("discussion_closed", post=post, kind=kind)
    return str(reason) if reason else ""


def _check_parent(post: Post, parent_id: int | None) -> int | None:
    if parent_id is None:
        return None
    parent = db.session.get(Comment, parent_id)
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
    _check_lengths(data)
    _check_identity(data, user)
    if not data.body.strip():
        raise CommentRefused("Please type a comment.", 400, "comment")
    comment = _new_comment(checked, data, ip, user_agent, user)
    render_comment(comment, data.title)  # the slow part, done before taking the lock
    context = CommentContext(post=post, form=form or {}, ip=ip, user=user, logged_in=bool(user))
    for attempt in range(3):
        try:
            _store(comment, checked.id, data, context)
            break
        except OperationalError as exc:
            # SQLite under heavy load can outwait even the busy timeout: try again, then fail.
            db.session.rollback()
            if attempt == 2 or "locked" not in str(exc):
                raise
    current_host().notify("comment_saved", comment=comment)
    return comment


def _store(comment: Comment, post_id: int, data: CommentInput, context: CommentContext) -> None:
    # Checks that read what other writers change (the post, the parent, a plugin's flood
    # rule) run inside the write lock, so two comments at the same moment can't both pass.
    with serialized_write():
        post = _check_post(_locked_post(post_id), data.kind)
        comment.post, comment.post_id = post, post.id
        comment.parent_id = _check_parent(post, data.parent_id)
        context.post = post
        _judge(comment, context)
        db.session.add(comment)
        db.session.flush()
        recount(post)
        bump_generation()
        db.session.commit()


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
        author_url=normalize_url(data.url) if data.kind == "comment" else data.url,
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


def recount(post: Post) -> None:
    """Keep the post's approved-comment count, so pages and feeds never count per view."""
    post.comment_count = (
        db.session.scalar(
            db.select(db.func.count(Comment.id)).where(
                Comment.post_id == post.id, Comment.status == "approved"
            )
        )
        or 0
    )


def set_comment_status(comment: Comment, new: str) -> None:
    """Move a comment to ``new`` status, commit, and tell the plugins."""
    old = comment.status
    if old == new:
        return
    comment.status = new
    db.session.flush()
    db.session.get(Post, comment.post_id, with_for_update=True)
    recount(comment.post)
    bump_generation()
    db.session.commit()
    current_host().notify("comment_status_changed", comment=comment, old=old, new=new)


def delete_comment(comment: Comment) -> None:
    """Delete a comment for good; its replies move up to its parent."""
    post = comment.post
    db.session.execute(
        db.update(Comment)
        .where(Comment.parent_id == comment.id)
        .values(parent_id=comment.parent_id)
    )
    db.session.delete(comment)
    db.session.flush()
    recount(post)
    bump_generation()
    db.session.commit()
