"""Which WordPress site this blog imported from: one blog takes one site's exports.

WordPress numbers posts per site, so two sites' exports share post ids and ``?p=N``
addresses; the second, imported by number, would overwrite the first. The site is known by
its address with the scheme, ``www.``, a default port and the end slash left out, so the same
site moved to https still matches. A blog that imported before the site was remembered has
it in its old ``?p=N`` addresses, written at the file's own address; those are read once.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

from ..extensions import db
from ..models import OldAddress
from ..settings import get_setting, set_setting
from .reader import Channel, WxrError

SETTING = "wxr_source_site"


class OtherSiteError(WxrError):
    """The export comes from another WordPress site than the one this blog imported."""


def site_of(url: str) -> str:
    """``host[:port][/path]`` of a site address, for comparing: ``""`` when there is none."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    host = (parts.hostname or "").removeprefix("www.")
    if not host:
        return ""
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    return netloc + parts.path.rstrip("/")


def channel_site(channel: Channel) -> str:
    """The site an export comes from; the blog's own address first (a network's blogs differ)."""
    for url in (channel.base_blog_url, channel.base_site_url, channel.link):
        if site_of(url):
            return site_of(url)
    return ""


def imported_site() -> str:
    """The site this blog imported from, or ``""`` when it never imported one."""
    return str(get_setting(SETTING) or "") or _site_in_old_addresses()


def _site_in_old_addresses() -> str:
    # Each post's ``?p=N`` address was written as the file's base address plus the query.
    urls = db.session.scalars(
        db.select(OldAddress.url).where(
            OldAddress.path.like("%?p=%"), OldAddress.wp_id.is_not(None)
        )
    )
    sites = Counter(site_of(url.partition("?")[0]) for url in urls)
    sites.pop("", None)
    return sites.most_common(1)[0][0] if sites else ""


def claim_site(channel: Channel, name: str) -> None:
    """Remember the export's site; ``OtherSiteError`` when the blog imported another one."""
    theirs, ours = channel_site(channel), imported_site()
    if ours and theirs != ours:
        raise OtherSiteError(
            f"{name} is an export of {theirs or 'a site it does not name'}, but this blog "
            f"imported {ours}. WordPress numbers posts per site, so their post numbers and old "
            "?p= addresses would collide and one site's posts would overwrite the other's. "
            "Import it into a fresh blog instead."
        )
    if theirs and theirs != get_setting(SETTING):
        set_setting(SETTING, theirs)
        db.session.commit()
