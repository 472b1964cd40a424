"""The core's public API for plugins: what a plugin may import besides ``hookimpl``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from .caching import GenerationCache  # noqa: F401  (for plugins: values kept per generation)
from .generation import ReaderVisible  # noqa: F401  (for plugins: models whose rows readers see)
from .settings import all_settings

# The strictest verdict wins, ordered by how far each keeps the comment from readers: shown,
# waiting for a look, kept for review as spam, binned on the blogger's own word (trash comes
# only from a rule the blogger set that way, so it outranks a guess of spam), never stored.
VERDICT_ORDER = {"approve": 0, "hold": 1, "spam": 2, "trash": 3, "reject": 4}


@dataclass(frozen=True)
class Verdict:
    """A plugin's answer to ``check_comment``.

    ``status`` is ``approve``, ``hold``, ``spam``, ``trash`` or ``reject``: the comment is stored
    with that final status (approved, pending, spam, trash) in one commit, or refused. ``reason``
    is shown to the blogger in the comment queue (and, for ``reject``, to the reader); ``rule``
    names what decided it (the plugin's name when empty).
    """

    status: str
    reason: str = ""
    rule: str = ""
    http_status: int = 403

    def __post_init__(self) -> None:
        if self.status not in VERDICT_ORDER:
            raise ValueError(f"unknown verdict status {self.status!r}")

    def stricter_than(self, other: Verdict | None) -> bool:
        """Whether this verdict beats ``other`` (the strictest wins)."""
        return other is None or VERDICT_ORDER[self.status] > VERDICT_ORDER[other.status]


@dataclass
class CommentContext:
    """What a comment hook knows besides the comment, so no plugin reads ``flask.request``.

    For ``check_comment`` and ``comment_saved``: the post, the form the reader sent, their IP and
    user (``None`` for a reader or a pinging site). For ``comment_status_changed``: the user who
    changed the status (``None`` for a command or a plugin), with their IP and form.
    """

    post: Any
    form: dict[str, str] = field(default_factory=dict)
    ip: str = ""
    user: Any = None
    logged_in: bool = False


SETTING_TYPES = ("str", "text", "int", "bool", "choice", "list")


@dataclass(frozen=True)
class PluginSetting:
    """One setting a plugin takes, declared through the ``plugin_settings`` hook.

    ``type`` is one of ``str``, ``text`` (several lines), ``int``, ``bool``, ``choice`` (one of
    ``choices``) or ``list`` (several of ``choices``, in order; or free words when there are
    none). ``env`` names an environment variable the value is read from instead (for secrets:
    never stored, never shown).
    """

    name: str
    type: str = "str"
    default: Any = None
    label: str = ""
    help: str = ""
    choices: tuple[str, ...] = ()
    env: str | None = None

    def parse(self, raw: Any) -> Any:
        """The typed value of a form field or stored value; ``ValueError`` when it doesn't fit."""
        if self.type == "bool":
            return raw in (True, "on", "1", "true", "yes", 1)
        if self.type == "int":
            return int(raw)
        if self.type == "list":
            items = raw if isinstance(raw, list) else [p.strip() for p in str(raw).split(",")]
            items = [item for item in items if item]
            unknown = [item for item in items if self.choices and item not in self.choices]
            if unknown:
                raise ValueError(f"unknown choice {', '.join(unknown)}")
            return items
        value = "" if raw is None else str(raw)
        if self.type == "choice" and value not in self.choices:
            raise ValueError(f"must be one of {', '.join(self.choices)}")
        return value


def plugin_setting(plugin: str, name: str) -> Any:
    """The current value of a plugin's setting (environment, stored value, or default)."""
    spec = current_app.extensions["hlsblog.plugins"].setting_spec(plugin, name)
    if spec.env:
        return os.environ.get(spec.env, spec.default)
    stored = all_settings().get(setting_key(plugin, name))
    if stored is None:
        return spec.default
    try:
        return spec.parse(stored)
    except (TypeError, ValueError):
        current_app.logger.warning("plugin %s: stored %s is invalid; default used", plugin, name)
        return spec.default


def setting_key(plugin: str, name: str) -> str:
    """Where a plugin's setting is stored in the settings table."""
    return f"plugin:{plugin}:{name}"
