"""Webmention, per the W3C Recommendation: 202 Accepted at once, the source verified later.

What can be checked without the network (both addresses, the target post, pings open, a
source written as a private address) is checked in the request and refused with 400; a source's
host name is looked up by the task, never while the sender waits. The fetch happens in a
task of the blog's queue (``verify_webmention``); its outcome is at the status address the 202
names. A mention sent again while the first is still queued gets that one's status address, not
a second fetch; when the blog holds too many unverified pings the answer is 503 with
``Retry-After`` (``verifier``). A new mention from
a source already stored updates it; one whose source is gone (404, 410) or no longer links
deletes it.
"""

from __future__ import annotations

import math
from typing import Any

from flask import Response, abort, jsonify, request, url_for

from hlsblog import (
    Comment,
    Post,
    clean_text,
    db,
    delete_comment,
    render_comment,
    run_later,
    task,
)

from . import inbound
from .models import IncomingWebmention
from .pages import page_key
from .routes import client, count_ping, protocols, require
from .settings import limits, wait_while_off
from .verifier import Busy, check_room


def _text(message: str, status: int, retry_after: float = 0) -> Response:
    response = Response(message + "\n", status=status, mimetype="text/plain")
    if retry_after:
        response.headers["Retry-After"] = str(math.ceil(retry_after))
    return response


def check(source: str, target: str) -> Post:
    """The target post, once what can be checked without fetching is; ``PingRefused`` if not."""
    require("webmention")
    if not source or not target:
        raise inbound.PingRefused("Both source and target are required.")
    if page_key(source) == page_key(target):
        raise inbound.PingRefused("The source and the target are the same page.")
    post = inbound.post_for(target)
    inbound.check_open(post, source, allow_existing=True)
    inbound.precheck_source_address(source, limits("checking a Webmention"))
    return post


def still_queued(source: str, target: str) -> IncomingWebmention | None:
    """The same mention, accepted and not verified yet."""
    return db.session.scalar(
        db.select(IncomingWebmention).where(
            IncomingWebmention.source == source[:2000],
            IncomingWebmention.target == target[:2000],
            IncomingWebmention.status == "queued",
        )
    )


def accept(source: str, target: str) -> IncomingWebmention:
    """Check what can be checked now and queue the rest (or find it queued already).

    ``PingRefused`` when invalid, ``Busy`` when the blog holds too many unverified pings.
    """
    post = check(source, target)
    mention = still_queued(source, target)
    if mention is not None:
        return mention
    check_room()
    who = client()
    mention = IncomingWebmention(
        source=source[:2000],
        target=target[:2000],
        post_id=post.id,
        ip=who["ip"][:100],
        user_agent=who["ua"][:255],
    )
    db.session.add(mention)
    db.session.flush()  # its id, for the task stored (and committed) with it
    run_later(verify_webmention, mention.id, key=mention.id)
    return mention


@protocols.route("/linkbacks/webmention", methods=["POST"])
def webmention() -> Any:
    """The endpoint named by ``Link: rel="webmention"``."""
    if (request.content_length or 0) > 64 * 1024:
        return _text("The request is too large.", 413)
    source = request.form.get("source", "").strip()
    target = request.form.get("target", "").strip()
    try:
        count_ping()
        mention = accept(source, target)
    except inbound.PingRefused as refusal:
        db.session.rollback()
        code = 429 if refusal.code == inbound.TOO_QUICKLY else 400
        return _text(refusal.message, code, refusal.retry_after)
    except Busy as busy:
        db.session.rollback()
        return _text(str(busy), 503, busy.retry_after)
    status = url_for("linkbacks.webmention_status", task_id=mention.id, _external=True)
    return _text(f"Accepted: the source will be checked shortly. Status: {status}", 202)


@protocols.route("/linkbacks/webmention/<task_id>")
def webmention_status(task_id: str) -> Any:
    """What became of one Webmention."""
    task = db.session.get(IncomingWebmention, task_id[:32]) or abort(404)
    return jsonify(source=task.source, target=task.target, status=task.status, message=task.message)


@task(retries=3, backoff=10)
def verify_webmention(mention_id: str) -> None:
    """Verify an accepted Webmention (a task: the fetch happens in a queue consumer)."""
    wait_while_off()
    process(mention_id)


def process(task_id: str) -> None:
    """Verify a queued Webmention and add, update or delete its linkback."""
    task = db.session.get(IncomingWebmention, task_id)
    post = db.session.get(Post, task.post_id) if task else None
    if task is None or post is None or task.status != "queued":
        return  # gone, or checked already (by a consumer that died before it said so)
    status, message = _outcome(task, post)
    task = db.session.get(IncomingWebmention, task_id)
    if task is not None:
        task.status, task.message = status, message[:2000]
        db.session.commit()


def _outcome(task: IncomingWebmention, post: Post) -> tuple[str, str]:
    existing = inbound.existing_linkback(post, task.source)
    try:
        verified = inbound.verify_source(
            task.source, task.target, limits(f"verifying a ping from {task.ip}")
        )
        if existing is not None:
            _update(existing, verified)
            return "updated", "The mention was updated."
        who = {"ip": task.ip, "ua": task.user_agent}
        inbound.store(post, "webmention", verified, verified.title, verified.excerpt, **who)
        return "accepted", "The mention was verified and stored."
    except inbound.PingRefused as refusal:
        db.session.rollback()
        if refusal.gone and existing is not None:
            delete_comment(db.session.get_one(Comment, existing.id))
            return "deleted", f"The mention was removed: {refusal.message}"
        return "refused", refusal.message


def _update(comment: Comment, verified: inbound.Source) -> None:
    comment.author_name = clean_text(verified.title)[:245]
    comment.body_source = clean_text(verified.excerpt or verified.title)[:2000]
    render_comment(comment, clean_text(verified.title)[:300])
    db.session.commit()
