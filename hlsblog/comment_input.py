"""What a comment says: the form's fields, cleaned, and the rules they must pass.

The comment form, linkback plugins (through ``submit_comment``) and the admin's Edit all check
a comment's fields here, so one rule never has two versions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email

from .numbers import stranger_int
from .settings import get_setting

LIMITS = {"author": 245, "email": 100, "url": 200, "comment": 65525}
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
        return cls(
            author=clean_text(form.get("author", "")).strip(),
            email=clean_text(form.get("email", "")).strip(),
            url=clean_text(form.get("url", "")).strip(),
            body=clean_text(form.get("comment", "")),
            parent_id=stranger_int(form.get("comment_parent")),  # "0", "²": a new thread
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


def check_input(data: CommentInput, identified: bool = False) -> None:
    """The comment form's rules for what a comment says; ``CommentRefused`` names the field.

    Makes ``data.url`` a link ("example.com" becomes "http://example.com") and refuses any
    address that is not http(s), ``javascript:`` included, for pings and plugins' comments as
    for the form's. ``identified``: a logged-in author, whose name and mail need no checking.
    The form, ``submit_comment`` (pings, plugins) and the admin's Edit all go through here.
    """
    data.url = normalize_url(data.url)
    _check_lengths(data)
    _check_identity(data, identified)
    if not data.body.strip():
        raise CommentRefused("Please type a comment.", 400, "comment")


def _check_identity(data: CommentInput, identified: bool) -> None:
    if identified or data.kind != "comment":
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
    """A website as a reader types it ("example.com") made into a link, or refused.

    The one check of a commenter's website on every way in: the form, pings, plugins,
    the admin's Edit and a WordPress import (which drops what this refuses).
    """
    if not url:
        return ""
    if not re.match(r"^[a-z][a-z0-9+.-]*:", url, re.IGNORECASE):
        url = "http://" + url
    if not is_web_address(url):
        raise CommentRefused("Website must be an http or https address.", 400, "url")
    return url


def is_web_address(url: str) -> bool:
    """Whether ``url`` is an absolute http(s) address with a host and no spaces.

    The theme links a commenter's name only when this holds, whatever a row holds.
    """
    return bool(re.match(r"^https?://[^\s/]+", url or "", re.IGNORECASE)) and not re.search(
        r"\s", url
    )
