"""Pinging the pages a post links to, in a background thread, with retries and a record.

Each link gets one ``OutboundPing`` row: which protocol, which endpoint, how many attempts,
and the outcome, shown on the admin's Linkbacks page.
"""

from __future__ import annotations

import time
import xmlrpc.client
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from flask import current_app

from hlsblog import db, get_setting, permalink, plugin_setting
from hlsblog.models import Post, utcnow
from hlsblog.rendering import strip_tags

from . import jobs, pages
from .discovery import Endpoint, RetryLater, discover
from .models import OutboundPing
from .safe_fetch import FetchError, Response, fetch
from .settings import PLUGIN, limits, retry_delays

ALREADY_REGISTERED = 48


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
    if not plugin_setting(PLUGIN, "send_pings"):
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
        outgoing = Outgoing(post.id, source, post.title, excerpt, str(get_setting("title")))
        jobs.start(send_all, outgoing, links)


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


def send_all(outgoing: Outgoing, links: list[str]) -> None:
    """Ping each link in turn (background)."""
    for target in links:
        send_one(outgoing, target)


def send_one(outgoing: Outgoing, target: str) -> None:
    """Discover and ping one link, retrying passing failures after the configured delays."""
    row = _row(outgoing.post_id, target)
    for delay in (*retry_delays(), None):
        row.attempts += 1
        try:
            _record(row, *_attempt(outgoing, target, row))
            return
        except RetryLater as exc:
            _record(row, "failed" if delay is None else "retrying", str(exc))
        except (FetchError, PingFailed) as exc:
            _record(row, "failed", str(exc))
            return
        time.sleep(delay or 0)


def _attempt(outgoing: Outgoing, target: str, row: OutboundPing) -> tuple[str, str]:
    endpoint = discover(target, limits("sending pings"))
    if endpoint is None:
        row.protocol, row.endpoint = "", ""
        return "no-endpoint", "The page takes no Webmention, Pingback or TrackBack."
    row.protocol, row.endpoint = endpoint.protocol, endpoint.url[:2000]
    return "sent", SENDERS[endpoint.protocol](outgoing, target, endpoint)


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
    if response.status >= 500:
        raise RetryLater(f"the endpoint answered HTTP {response.status}")
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
        raise PingFailed(root.findtext("message") or "the TrackBack was refused")
    return "TrackBack accepted."


SENDERS = {"webmention": send_webmention, "pingback": send_pingback, "trackback": send_trackback}
