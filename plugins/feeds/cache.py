"""A built feed, as the feeds' ``GenerationCache`` keeps it between changes readers see.

The cache (``hlsblog.api.GenerationCache``, the page cache's own) is keyed on
``content_generation()``, which every worker reads from the database on each request, so a
write anywhere empties every worker's cache at once. The ETag is a hash of the document
itself: identical in every worker, and unchanged for a feed the write did not touch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class BuiltFeed:
    """A rendered feed document and what conditional GET needs to know of it."""

    body: bytes
    mimetype: str
    etag: str
    last_modified: datetime
    link: str  # the page the feed follows (a post's permalink for its comments feed)
    fresh_until: datetime | None = None  # a scheduled post goes public then

    @property
    def fresh(self) -> bool:
        return self.fresh_until is None or datetime.now(UTC) < self.fresh_until
