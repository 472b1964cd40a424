"""Pinging the pages a post links to, in a background thread, with retries and a record.

Each link gets one ``OutboundPing`` row: which protocol, which endpoint, how many attempts,
and the outcome, shown on the admin's Linkbacks page.
"""

from __future__ import annotations

import heapq
import re
import time
import xmlrpc.client
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from flask import current_app

from hlsblog import (
    Post,
    db,
    get_setting,
    is_protected,
    permalink,
    public_excerpt,
    run_later,
    strip_tags,
    utcnow,
)
from hlsblog.api import FetchError, Response, fetch

from . import pacing, pages
from .discovery import Endpoint, RetryLater, TooQuickly, check_status, discover
from .models import OutboundPing
from .settings import limits, retry_delays, settings

ALREADY_REGISTERED = 48
# WordPress answers a ping within its 15-second flood window with fault 429; 49 is
# Pingback's "access denied", which other servers (this one too) give for a flood.
TOO_QUICKLY_FAULTS = ("429", "49")
_TOO_QUICKLY = re.compile(r"too quickly|flood|try again later|\b429\b", re.IGNORECASE)


class PingFailed(Exception):
    """The endpoint said no, for a reason that trying again won't change."""


@dataclass
class Outgoing:
    """What we tell the pinged sites about our post."""

    post_id: int
    source: str
    title: str
    excerpt: str
    blog_name: str


def outbound_links(post: Post, source: str) -> list[str]:
    """The http(s) links of a post to other sites, once each, in order."""
    own = urlsplit(source).netloc.lower()
    links = []
    for link in pages.parse(post.body_html, source).links:
        try:
            parts = urlsplit(link.href)
        except ValueError:
            continue
        if parts.scheme in ("http", "https") and parts.netloc.lower() not in ("", own):
            links.append(link.href.split("#")[0])
    return list(dict.fromkeys(links))


def schedule(post: Post, updated: bool = False) -> None:
    """Ping every link of ``post`` in the background (the setting allowing)."""
    if not settings.send_pings:
        return
    try:
        source = permalink(post, external=True)
    except RuntimeError:  # no request and no SERVER_NAME: we can't name our own post
        current_app.logger.warning("linkbacks: no address for post %s; not pinged", post.id)
        return
    links = outbound_links(post, source)
    if updated:
        links = _worth_pinging_again(post.id, links)
    if links:
        # HTML text, not plain: WordPress sends it so and receivers (ours too) decode it once.
        excerpt = strip_tags(post.excerpt or post.teaser_html or post.body_html)[:250]
        if is_protected(post):  # its text stays behind its password: WordPress's notice instead
            excerpt = public_excerpt(post)
        outgoing = Outgoing(post.id, source, post.title, excerpt, str(get_setting("title")))
        run_later(send_all, outgoing, links)


def _worth_pinging_again(post_id: int, links: list[str]) -> list[str]:
    """On an update: new links, and every Webmention target (its receiver updates or deletes).

    A TrackBack or Pingback already taken can't be updated, so it isn't sent again.
    """
    earlier = dict(
        db.session.execute(
            db.select(OutboundPing.target, OutboundPing.protocol).where(
                OutboundPing.post_id == post_id, OutboundPing.status == "sent"
            )
        ).all()
    )
    again = [link for link in links if earlier.get(link) in (None, "webmention")]
    removed = [t for t, protocol in earlier.items() if protocol == "webmention" and t not in links]
    return again + removed


@dataclass
class _Link:
    """One link being pinged: its row, its endpoint once found, the retry delays left."""

    target: str
    row: OutboundPing
    delays: list[float]
    endpoint: Endpoint | None = None


def send_all(outgoing: Outgoing, links: list[str]) -> None:
    """Ping each link (background): each host's pings spaced, passing failures retried.

    One thread works through one queue ordered by when each link is next due, so a link
    waiting for its host's turn or for its retry holds back no link to another host.
    """
    due: list[tuple[float, int, _Link]] = []
    for order, target in enumerate(links):
        link = _Link(target, _row(outgoing.post_id, target), list(retry_delays()))
        heapq.heappush(due, (0.0, order, link))
    while due:
        when, order, link = heapq.heappop(due)
        time.sleep(max(0.0, when - time.monotonic()))
        wait = _step(outgoing, link)
        if wait is not None:
            heapq.heappush(due, (time.monotonic() + wait, order, link))


def _step(outgoing: Outgoing, link: _Link) -> float | None:
    # Find the endpoint, wait for the host's turn, ping: as far as it goes now. Returns the
    # seconds until the link's next step, None once it is done.
    try:
        if link.endpoint is None:
            link.row.attempts += 1
            link.endpoint = _discover(link)
            if link.endpoint is None:
                return None
        if (turn := _turn(link, link.endpoint)) > 0:
            return turn
        _record(
            link.row, "sent", SENDERS[link.endpoint.protocol](outgoing, link.target, link.endpoint)
        )
    except RetryLater as exc:
        return _retry_later(link, exc)
    except (FetchError, PingFailed) as exc:
        _record(link.row, "failed", str(exc))
    return None


def _turn(link: _Link, endpoint: Endpoint) -> float:
    # 0 when the endpoint's host may be pinged now, else the seconds until it may.
    turn = pacing.take_turn(endpoint.url)
    if turn > 0 and link.row.status == "pending":
        _record(link.row, "pending", f"Waiting {_seconds(turn)}: one ping at a time per host.")
    return turn


def _release_connection() -> None:
    # Ends the session's transaction (saving the row's attempt count) before a fetch, so a
    # slow site holds no connection from the pool while this thread waits on it.
    db.session.commit()


def _discover(link: _Link) -> Endpoint | None:
    _release_connection()
    endpoint = discover(link.target, limits("sending pings"))
    link.row.protocol = endpoint.protocol if endpoint else ""
    link.row.endpoint = endpoint.url[:2000] if endpoint else ""
    if endpoint is None:
        _record(link.row, "no-endpoint", "The page takes no Webmention, Pingback or TrackBack.")
    return endpoint


def _retry_later(link: _Link, exc: RetryLater) -> float | None:
    # After the next configured delay, or as long as the host asked if longer; a host that
    # says "too quickly" gets no ping from this blog until then, nor before its spacing.
    if not link.delays:
        _record(link.row, "failed", str(exc))
        return None
    wait = max(link.delays.pop(0), exc.wait)
    if isinstance(exc, TooQuickly):
        wait = max(wait, pacing.host_spacing())
        pacing.hold_off(link.endpoint.url if link.endpoint else link.target, wait)
    link.endpoint = None  # found again: the page may have changed
    _record(link.row, "retrying", f"{exc}; trying again in {_seconds(wait)}")
    return wait


def _seconds(value: float) -> str:
    return f"{value:.0f} s" if value >= 1 else f"{value:.1f} s"


def _row(post_id: int, target: str) -> OutboundPing:
    row = db.session.scalar(
        db.select(OutboundPing).where(
            OutboundPing.post_id == post_id, OutboundPing.target == target
        )
    )
    if row is None:
        row = OutboundPing(post_id=post_id, target=target[:2000], attempts=0)
        db.session.add(row)
    row.attempts, row.status, row.message = 0, "pending", ""
    db.session.commit()
    return row


def _record(row: OutboundPing, status: str, message: str) -> None:
    # Committed at once: the admin sees progress, and no transaction stays open while we wait.
    row.status, row.message, row.updated_at = status, message[:2000], utcnow()
    db.session.commit()


def _post(endpoint: Endpoint, body: bytes, content_type: str) -> Response:
    _release_connection()
    try:
        response = fetch(
            endpoint.url,
            limits("sending pings"),
            method="POST",
            data=body,
            headers={"Content-Type": content_type},
        )
    except FetchError as exc:
        raise RetryLater(str(exc)) from exc
    check_status(response, "the endpoint")
    return response


def send_webmention(outgoing: Outgoing, target: str, endpoint: Endpoint) -> str:
    """POST source and target; any 2xx is success."""
    body = urlencode({"source": outgoing.source, "target": target}).encode()
    response = _post(endpoint, body, "application/x-www-form-urlencoded")
    if not 200 <= response.status < 300:
        raise PingFailed(f"HTTP {response.status}: {response.text[:300]}")
    return f"HTTP {response.status}: {response.text[:300]}".strip()


def send_pingback(outgoing: Outgoing, target: str, endpoint: Endpoint) -> str:
    """Call ``pingback.ping``; "already registered" counts as done."""
    body = xmlrpc.client.dumps((outgoing.source, target), "pingback.ping", encoding="utf-8")
    response = _post(endpoint, body.encode(), "text/xml")
    try:
        root = fromstring(response.body, forbid_dtd=True)
    except (ParseError, DefusedXmlException) as exc:
        raise PingFailed(f"unreadable answer (HTTP {response.status})") from exc
    fault = root.find("fault")
    if fault is None:
        return (root.findtext(".//string") or root.findtext(".//value") or "").strip()
    members = {m.findtext("name"): m.find("value") for m in fault.iter("member")}
    code = "".join(members["faultCode"].itertext()).strip() if "faultCode" in members else ""
    text = "".join(members["faultString"].itertext()).strip() if "faultString" in members else ""
    if code == str(ALREADY_REGISTERED):
        return f"already registered: {text}"
    if code in TOO_QUICKLY_FAULTS:
        raise TooQuickly(f"fault {code}: {text}")
    raise PingFailed(f"fault {code}: {text}")


def send_trackback(outgoing: Outgoing, target: str, endpoint: Endpoint) -> str:
    """POST the TrackBack form; ``<error>0</error>`` is success."""
    fields = {
        "url": outgoing.source,
        "title": outgoing.title,
        "excerpt": outgoing.excerpt,
        "blog_name": outgoing.blog_name,
        "charset": "utf-8",
    }
    content_type = "application/x-www-form-urlencoded; charset=utf-8"
    response = _post(endpoint, urlencode(fields).encode(), content_type)
    try:
        root = fromstring(response.body, forbid_dtd=True)
    except (ParseError, DefusedXmlException) as exc:
        raise PingFailed(f"unreadable answer (HTTP {response.status})") from exc
    if (root.findtext("error") or "").strip() != "0":
        message = root.findtext("message") or "the TrackBack was refused"
        raise (TooQuickly if _TOO_QUICKLY.search(message) else PingFailed)(message)
    return "TrackBack accepted."


SENDERS = {"webmention": send_webmention, "pingback": send_pingback, "trackback": send_trackback}
