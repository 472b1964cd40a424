"""The moderation rules: each looks at one comment and may return a Verdict.

``judge`` runs them all and keeps the strictest verdict (reject > trash > spam > hold); among
equals the rule listed first wins, so the reason shown is the most telling one. Closing old posts
is not a rule here: the core asks ``discussion_closed`` (``closed_reason``) once per comment,
before any rule runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from hlsblog import Comment, CommentContext, Post, Verdict, db, plain_text, utcnow

from .settings import settings, words

HONEYPOT = "moderation_hp"
Rule = Callable[[Comment, CommentContext], Verdict | None]
# Stored HTML comes out of the sanitizer, which always writes attributes in double quotes.
_LINK = re.compile(r'<a\s[^>]*?\bhref="([^"]*)"', re.IGNORECASE)
_FIELDS = {
    "author_name": "name",
    "author_email": "mail",
    "author_url": "website",
    "body_source": "text",
    "author_ip": "IP",
    "user_agent": "user agent",
}


def closed_reason(post: Post) -> str | None:
    """Why comments on ``post`` are closed by age, when closing old posts is on."""
    days = int(settings.close_after_days or 0)
    if not settings.close_old or days <= 0 or post.published_at is None:
        return None
    if post.published_at >= utcnow() - timedelta(days=days):
        return None
    return f"Comments are closed: this post is more than {days} days old."


def duplicate(comment: Comment, context: CommentContext) -> Verdict | None:
    """Refuse the same text from the same person on the same post a second time."""
    same_author = (
        Comment.author_email == comment.author_email
        if comment.author_email
        else Comment.author_name == comment.author_name
    )
    query = db.select(Comment.id).where(
        Comment.post_id == context.post.id,
        Comment.body_source == comment.body_source,
        Comment.status != "trash",
        same_author,
    )
    if db.session.scalar(query.limit(1)) is None:
        return None
    reason = "Duplicate comment: it looks as though you have already said that."
    return Verdict("reject", reason, "duplicate", 409)


def flood(comment: Comment, context: CommentContext) -> Verdict | None:
    """Refuse what comes too soon after the last: see ``_comment_flood`` and ``_ping_flood``."""
    seconds = int(settings.flood_seconds or 0)
    if seconds <= 0:
        return None
    since = utcnow() - timedelta(seconds=seconds)
    if comment.kind == "comment":
        return _comment_flood(comment, context, since, seconds)
    return _ping_flood(comment, context, since, seconds)


def _comment_flood(
    comment: Comment, context: CommentContext, since: datetime, seconds: int
) -> Verdict | None:
    # A person at the form: a second comment from one IP or mail address, on any post.
    ip = context.ip or comment.author_ip
    who = [Comment.author_ip == ip] if ip else []
    who += [Comment.author_email == comment.author_email] if comment.author_email else []
    if not who or not _any_since(since, Comment.kind == "comment", db.or_(*who)):
        return None
    reason = (
        f"You are posting comments too quickly. Please wait {seconds} seconds and send it "
        "again: your text is still in the form."
    )
    return Verdict("reject", reason, "flood", 429)


def _ping_flood(
    comment: Comment, context: CommentContext, since: datetime, seconds: int
) -> Verdict | None:
    # A blog pings every post it links to at once, and WordPress never retries: only a
    # second ping to the same post from the same address is a flood, never pings to others.
    ip = context.ip or comment.author_ip
    same_post = Comment.post_id == context.post.id
    if not ip or not _any_since(
        since, Comment.kind != "comment", same_post, Comment.author_ip == ip
    ):
        return None
    reason = (
        f"Pinging this post too quickly: another ping from your address reached it within "
        f"{seconds} seconds. Please send this one again later."
    )
    return Verdict("reject", reason, "flood", 429)


def _any_since(since: datetime, *conditions: Any) -> bool:
    query = db.select(Comment.id).where(Comment.created_at >= since, *conditions)
    return db.session.scalar(query.limit(1)) is not None


def honeypot(comment: Comment, context: CommentContext) -> Verdict | None:
    """Spam when the hidden field that people never see was filled in."""
    if not (context.form.get(HONEYPOT) or "").strip():
        return None
    return Verdict("spam", "The hidden field people never see was filled in.", "honeypot")


def _word_match(comment: Comment, wordlist: list[str], stripped: bool) -> str | None:
    values = {label: str(getattr(comment, attr) or "") for attr, label in _FIELDS.items()}
    if stripped:
        values["text without tags"] = plain_text(comment.body_source or "")
    for word in wordlist:
        for label, value in values.items():
            if word in value.lower():
                return f"“{word}” in the {label}"
    return None


def disallowed_words(comment: Comment, context: CommentContext) -> Verdict | None:
    """Spam (or trash, by setting) when a disallowed word appears anywhere."""
    found = _word_match(comment, words("disallowed_words"), stripped=True)
    if found is None:
        return None
    status = "trash" if settings.disallowed_action == "trash" else "spam"
    return Verdict(status, f"Disallowed word {found}.", "disallowed_words")


def moderation_words(comment: Comment, context: CommentContext) -> Verdict | None:
    """Hold when a moderation word appears anywhere."""
    found = _word_match(comment, words("moderation_words"), stripped=False)
    if found is None:
        return None
    return Verdict("hold", f"Moderation word {found}.", "moderation_words")


def too_many_links(comment: Comment, context: CommentContext) -> Verdict | None:
    """Hold a comment with the set number of links or more.

    Counted as WordPress does, in the text as readers see it: each ``<a href>`` (an address
    typed bare is made a link), never a quote's ``cite`` or an address in a code sample.
    """
    limit = int(settings.max_links or 0)
    count = len(set(_LINK.findall(comment.body_html or "")))
    if limit <= 0 or count < limit:
        return None
    return Verdict("hold", f"{count} links (held at {limit} or more).", "links")


def pings(comment: Comment, context: CommentContext) -> Verdict | None:
    """Hold TrackBacks, Pingbacks and Webmentions for a look first."""
    if comment.kind == "comment" or not settings.hold_pings:
        return None
    return Verdict("hold", f"Every {comment.kind} is held for review.", "pings")


def first_comment(comment: Comment, context: CommentContext) -> Verdict | None:
    """Hold a commenter's first comment until one of theirs (name and mail) is approved."""
    if comment.kind != "comment" or not settings.hold_first:
        return None
    query = db.select(Comment.id).where(
        Comment.status == "approved",
        Comment.author_name == comment.author_name,
        Comment.author_email == comment.author_email,
    )
    if db.session.scalar(query.limit(1)) is not None:
        return None
    return Verdict(
        "hold", "First comment from this name and mail: held until one is approved.", "first"
    )


def hold_all(comment: Comment, context: CommentContext) -> Verdict | None:
    """Hold everything, when the blogger wants to see each comment first."""
    if not settings.hold_all:
        return None
    return Verdict("hold", "Every comment is held for approval (setting).", "hold_all")


RULES: list[Rule] = [
    duplicate,
    flood,
    honeypot,
    disallowed_words,
    moderation_words,
    too_many_links,
    pings,
    first_comment,
    hold_all,
]


def judge(comment: Comment, context: CommentContext) -> Verdict | None:
    """The strictest verdict of all rules, or ``None`` when none objects."""
    strictest: Verdict | None = None
    for rule in RULES:
        verdict = rule(comment, context)
        if verdict is not None and verdict.stricter_than(strictest):
            strictest = verdict
    return strictest
