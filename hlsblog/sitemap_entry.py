"""One address of the sitemap: what the ``sitemap_entries`` hook answers with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SitemapEntry:
    """One address for search engines: ``loc`` (absolute, or a path on the blog), ``lastmod``."""

    loc: str
    lastmod: datetime | None = None  # naive UTC (as stored) or aware
