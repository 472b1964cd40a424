"""The "Share and Enjoy" row: the admin's chosen targets, each with its address for one post."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template
from markupsafe import Markup

from hlsblog import get_setting, report_failure, setting_key

from .settings import NAME, settings
from .targets import ShareTarget, known_targets, shared_post


@dataclass(frozen=True)
class Link:
    """One target in the row: its description and its address for this post."""

    target: ShareTarget
    href: str


def chosen_names(known: list[str]) -> list[str]:
    """The admin's targets in their order; names no enabled plugin offers are skipped."""
    # Read the stored words directly: settings.targets would drop the whole list for the
    # default when one name belongs to a plugin that was since disabled.
    stored = get_setting(setting_key(NAME, "targets"))
    if stored is None:
        return known
    words = stored if isinstance(stored, list) else str(stored).split(",")
    names = [str(word).strip() for word in words]
    return [name for name in dict.fromkeys(names) if name in known]


def links_for(post: Any) -> list[Link]:
    """The row's links for ``post``; a target that fails is reported and left out."""
    known = known_targets()
    shared = shared_post(post)
    links = []
    for name in chosen_names(list(known)):
        target = known[name]
        try:
            links.append(Link(target, target.href(shared)))
        except Exception as exc:  # one plugin's broken target must not take the row down
            report_failure(target.plugin or "share", "share_targets", exc)
    return links


def row_html(post: Any, single: bool) -> Markup | None:
    """The row under ``post``, or ``None`` where it doesn't show."""
    if post is None or not post.is_public:  # a draft's preview has nothing to share yet
        return None
    if not (single or settings.on_listings):
        return None
    links = links_for(post)
    if not links:
        return None
    # render_template autoescapes every value, so its output is trusted HTML.
    return Markup(render_template("share/row.html", post=post, links=links))  # noqa: S704


def assets_html() -> Markup:
    """The row's stylesheets and its script, for the page's head."""
    return Markup(render_template("share/assets.html"))  # noqa: S704
