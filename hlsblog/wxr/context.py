"""What importing one item asks of the import it is part of (``importer.Importer`` gives it).

Posts and attachments (``items``) are imported inside a run that owns the transactions, the
report, and the authors and terms met so far; this is all they see of it, so the run's module
imports theirs and never the other way round.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from .reader import Channel
from .report import ImportReport

Work = Callable[[], tuple[str, str]]


class ImportContext(Protocol):
    """The import run: the file's channel, the report, and the users and terms it knows."""

    channel: Channel
    report: ImportReport
    users_by_wp_id: dict[int, int]

    def run(self, kind: str, label: str, work: Work, count: bool = True) -> bool:
        """Do ``work`` in a transaction of its own; count its outcome (if asked) or failure."""
        ...

    def user_id(self, login: str) -> int | None:
        """The user an item's ``dc:creator`` names, added when the file had no entry for it."""
        ...

    def find_term(self, model: Any, slug: str, name: str) -> tuple[Any, str]:
        """The category or tag with this slug, its name brought up to date, or a new one."""
        ...
