"""Finding where a linked page takes pings: Webmention, else Pingback, else TrackBack."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from hlsblog.api import FetchError, FetchRefused, Limits, Response, fetch

from . import pages
from .pacing import retry_after

_LINK_VALUE = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,]*)*)")
_REL = re.compile(r"""rel\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;,]+))""", re.IGNORECASE)
PREFERENCE = ("webmention", "pingback", "trackback")


class RetryLater(Exception):
    """A failure that may pass: a network error or a server error (5xx).

    ``wait``: the seconds the server asked for (``Retry-After``), 0 when it named none.
    """

    def __init__(self, message: str, wait: float = 0.0) -> None:
        super().__init__(message)
        self.wait = wait


class TooQuickly(RetryLater):
    """The host says we ping (or fetch) too quickly: HTTP 429, fault 429 or 49, a flood."""


def check_status(response: Response, what: str) -> None:
    """``TooQuickly`` for a 429, ``RetryLater`` for a 5xx, honouring ``Retry-After``."""
    wait = retry_after(response.headers)
    if response.status == 429:
        raise TooQuickly(f"{what} answered HTTP 429 (too many requests)", wait)
    if response.status >= 500:
        raise RetryLater(f"{what} answered HTTP {response.status}", wait)


@dataclass
class Endpoint:
    """Where to send a ping, and which protocol it speaks."""

    protocol: str
    url: str


def link_header(response: Response, rel: str) -> str | None:
    """The first address in the ``Link`` headers with ``rel`` among its relations."""
    for value in response.headers.get_all("Link") or []:
        for match in _LINK_VALUE.finditer(value):
            for rel_match in _REL.finditer(match.group(2)):
                rels = next(g for g in rel_match.groups() if g is not None)
                if rel in rels.lower().split():
                    return urljoin(response.url, match.group(1).strip())
    return None


def fetch_target(target: str, limits: Limits) -> Response:
    """The linked page; ``RetryLater`` for passing failures, ``FetchError`` for lasting ones."""
    try:
        response = fetch(target, limits, headers={"Accept": "text/html"})
    except FetchError as exc:
        if isinstance(exc, FetchRefused):
            raise
        raise RetryLater(str(exc)) from exc
    check_status(response, target)
    if response.status >= 400:
        raise FetchError(f"{target} answered HTTP {response.status}")
    return response


def discover(target: str, limits: Limits) -> Endpoint | None:
    """The preferred ping endpoint of ``target``, or ``None`` when it takes no pings."""
    response = fetch_target(target, limits)
    page = None
    if response.content_type in ("text/html", "application/xhtml+xml"):
        page = pages.parse(response.text, response.url)
    found = {
        "webmention": link_header(response, "webmention")
        or (page and pages.rel_link(page, "webmention")),
        "pingback": response.headers.get("X-Pingback")
        or (page and pages.rel_link(page, "pingback")),
        "trackback": page and pages.trackback_ping_url(page, target),
    }
    for protocol in PREFERENCE:
        if found[protocol]:
            return Endpoint(protocol, urljoin(response.url, str(found[protocol]).strip()))
    return None
