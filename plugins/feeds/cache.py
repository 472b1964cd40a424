"""Each feed built once per change of what readers see, then served from memory.

Entries are keyed on ``hlsblog.content_generation()``, which every worker reads from the
database on each request, so a write anywhere empties every worker's cache at once. The ETag
is a hash of the document itself: identical in every worker, and unchanged for a feed the
write did not touch.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
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


class FeedCache:
    """Built feeds of the current content generation, the least recently used dropped first."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._items: OrderedDict[Hashable, BuiltFeed] = OrderedDict()

    def get(
        self, generation: str, key: Hashable, build: Callable[[], BuiltFeed | None]
    ) -> BuiltFeed | None:
        """The feed at ``key``, built now only if this generation hasn't built it yet."""
        with self._lock:
            if generation != self._generation:
                self._items.clear()
                self._generation = generation
            found = self._items.get(key)
            if found is not None and found.fresh:
                self._items.move_to_end(key)
                return found
        built = build()  # outside the lock: one slow feed never blocks the others
        if built is not None:
            self._store(generation, key, built)
        return built

    def _store(self, generation: str, key: Hashable, built: BuiltFeed) -> None:
        with self._lock:
            if generation != self._generation:
                return  # content moved on while this one was built
            self._items[key] = built
            while len(self._items) > self.size:
                self._items.popitem(last=False)
