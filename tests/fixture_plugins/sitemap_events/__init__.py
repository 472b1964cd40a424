"""Adds its own page to the sitemap, and one address that is not on the blog (a test plugin)."""

from datetime import datetime

from hlsblog import SitemapEntry, hookimpl


@hookimpl
def sitemap_entries():
    return [
        SitemapEntry("/events/", lastmod=datetime(2026, 1, 2, 3, 4, 5)),
        SitemapEntry("https://elsewhere.example/events/"),
    ]
