"""Share targets: what one is, the bundled ones, and every enabled plugin's, in order."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote, urlsplit

from flask import g, url_for

from hlsblog import hook_answers, post_preview, report_failure

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
SCHEMES = ("https", "http", "mailto")


@dataclass(frozen=True)
class SharedPost:
    """What a target's address is made from: the post's title and permalink."""

    title: str
    url: str
    post: Any = None

    @property
    def text(self) -> str:
        """Title and permalink, for services that take one line of text."""
        return f"{self.title} {self.url}".strip()


def shared_post(post: Any) -> SharedPost:
    """The title and absolute permalink of ``post``, as sent to a target.

    Both come from the core's preview of the post, as its page's Open Graph tags do, so a
    shared link and the preview a service then fetches say the same.
    """
    preview = post_preview(post)
    return SharedPost(title=preview.title, url=preview.url, post=post)


@dataclass(frozen=True)
class ShareTarget:
    """One place to share a post to (see the ``share_targets`` hook)."""

    name: str
    label: str
    url: str | Callable[[SharedPost], str] = ""
    icon: str = ""
    action: str = ""
    plugin: str = field(default="", compare=False)  # who declared it, for error reports

    def __post_init__(self) -> None:
        if not NAME.match(str(self.name)):
            raise ValueError(f"target name {self.name!r}: use a-z, 0-9, - or _")
        if not str(self.label).strip():
            raise ValueError(f"target {self.name!r} has no label")
        if bool(self.url) == bool(self.action):
            raise ValueError(f"target {self.name!r} needs either url or action")
        if "/" in self.icon and not on_blog(self.icon):
            raise ValueError(f"target {self.name!r}: icons load from the blog, not {self.icon!r}")
        if isinstance(self.url, str) and self.url:
            self._check_template(self.url)

    def _check_template(self, template: str) -> None:
        try:
            sample = fill(template, SharedPost("t", "https://blog.example/p/"))
        except (KeyError, IndexError, AttributeError, ValueError) as exc:
            raise ValueError(f"target {self.name!r}: bad url template ({exc!r})") from exc
        check_address(sample)

    def href(self, shared: SharedPost) -> str:
        """The target's address for one post, every value percent-encoded."""
        if not self.url:
            return ""
        address = self.url(shared) if callable(self.url) else fill(self.url, shared)
        return check_address(address)

    def icon_src(self) -> str:
        """The icon's address on the blog."""
        if "/" in self.icon:
            return self.icon
        filename = f"icons/{self.icon or 'link.svg'}"
        return url_for("plugin_static", plugin="share", filename=filename)


def fill(template: str, shared: SharedPost) -> str:
    """``template`` with ``{url}``, ``{title}`` and ``{text}`` percent-encoded (UTF-8)."""
    values = {"url": shared.url, "title": shared.title, "text": shared.text}
    return template.format_map({key: quote(value, safe="") for key, value in values.items()})


def check_address(address: str) -> str:
    """``address`` if a browser may follow it safely from the row; ``ValueError`` if not."""
    if urlsplit(address).scheme in SCHEMES or on_blog(address):
        return address
    raise ValueError(f"address {address[:60]!r} is not https:, http:, mailto: or on the blog")


def on_blog(address: str) -> bool:
    """Whether ``address`` is a path on the blog itself (not another host)."""
    return address.startswith("/") and not address.startswith("//") and "\\" not in address


def as_targets(value: Any) -> list[ShareTarget]:
    """A hook's answer (one target or a list; dicts or ``ShareTarget``) as ``ShareTarget``s."""
    items = value if isinstance(value, list | tuple) else [value]
    return [item if isinstance(item, ShareTarget) else ShareTarget(**item) for item in items]


def known_targets() -> dict[str, ShareTarget]:
    """Every enabled plugin's targets by name, in call order; a bad answer is reported."""
    if "share_targets" in g:
        return dict(g.share_targets)
    known: dict[str, ShareTarget] = {}
    for plugin, answer in hook_answers("share_targets"):
        try:
            targets = [replace(target, plugin=plugin) for target in as_targets(answer)]
            known.update((target.name, target) for target in targets)
        except (TypeError, ValueError) as exc:
            report_failure(plugin, "share_targets", exc)
    g.share_targets = known
    return dict(known)
