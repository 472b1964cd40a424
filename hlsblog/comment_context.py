"""What the comment hooks are handed and what ``check_comment`` answers: context and verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
