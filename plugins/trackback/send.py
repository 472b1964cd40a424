"""Pinging the pages a post links to, through the task queue, with retries and a record.

Each link of a post is one task (``send_ping``, keyed by post and link, so one ping waits
once) and one ``OutboundPing`` row: which protocol, which endpoint, how many attempts, and
the outcome, shown on the admin's Linkbacks page. A task that must wait (its host's turn
has not come, the host asked us to slow down, a passing failure's retry delay) hands itself
back to the queue with ``RunAgain`` and holds no worker meanwhile.
"""

from __future__ import annotations

import hashlib
import re
import xmlrpc.client
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from flask import current_app

from hlsblog import (
    Post,
    RunAgain,
    TaskFailed,
    db,
    get_setting,
    is_protected,
    permalink,
    public_excerpt,
    run_later,
    strip_tags,
    task,
    utcnow,
)
from hlsblog.api import FetchError, Response, fetch

from . import pacing, pages
from .discovery import Endpoint, RetryLater, TooQuickly, check_status, discover
from .models import OutboundPing
from .settings import limits, retry_delays, settings, wait_while_off

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
    """Queue a ping of every link of ``post`` (the setting allowing)."""
    if not settings.send_pings:
        return
    try:
        source = permalink(post, external=True)
    except RuntimeError:  # no request and no site address: we can't name our own post
        current_app.logger.warning("linkbacks: no address for post %s; not pinged", post.id)
        return
    links = outbound_links(post, source)
    if updated:
        links = _worth_pinging_again(post.id, links)
    for target in links:
        _fresh_row(post.id, target)
        run_later(send_ping, post.id, target, source, key=ping_key(post.id, target))


def ping_key(post_id: int, target: str) -> str:
    """The task key of one ping: the same post and link are never queued twice."""
    if len(target) > 400:  # the ledger's keys are short; a long address goes by its hash
        target = "sha256:" + hashlib.sha256(target.encode()).hexdigest()
    return f"{post_id} {target}"


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


@task(retries=3, backoff=60)
def send_ping(post_id: int, target: str, source: str) -> None:
    """Ping one link of one post, as far as it goes now (a task; ``RunAgain`` to wait).

    The post, the blog's name and the link's row are read afresh, so a ping queued before a
    restart says what the post says when it goes. ``source`` is the post's address as
    known when it was queued (a consumer has no request to name it by).
    """
    wait_while_off()
    post = db.session.get(Post, post_id)
    row = _row(post_id, target)
    if post is None or row is None or row.status not in ("pending", "retrying"):
        return  # the post is gone, or this ping settled already (a consumer died after it)
    if not post.is_public or not settings.send_pings:
        why = "The post is no longer public." if settings.send_pings else "Sending is off."
        _record(row, "failed", why)
        return
    wait = _step(_outgoing(post, source), target, row)
    if wait is not None:
        raise RunAgain(wait, row.message, failing=row.status == "retrying")
    if row.status == "failed":  # kept failed on Admin → Tasks too, where the dashboard warns
        raise TaskFailed(row.message)


def _outgoing(post: Post, source: str) -> Outgoing:
    # HTML text, not plain: WordPress sends it so and receivers (ours too) decode it once.
    excerpt = strip_tags(post.excerpt or post.teaser_html or post.body_html)[:250]
    if is_protected(post):  # its text stays behind its password: WordPress's notice instead
        excerpt = public_excerpt(post)
    return Outgoing(post.id, source, post.title, excerpt, str(get_setting("title")))


def _step(outgoing: Outgoing, target: str, row: OutboundPing) -> float | None:
    # Find the endpoint, wait for the host's turn, ping: as far as it goes now. Returns the
    # seconds until the link's next step, None once it is done. A row still pending with an
    # endpoint found it in this attempt and waits for its host's turn: no need to look again.
    try:
        endpoint: Endpoint | None = Endpoint(row.protocol, row.endpoint)
        if row.status != "pending" or not row.endpoint:
            row.attempts += 1
            endpoint = _discover(row, target)
        if endpoint is None:
            return None
        held = pacing.take_turn(endpoint.url, limits("sending pings").timeout)
        if held is None:
            return _not_yet(row, endpoint)
        try:
            answer = SENDERS[endpoint.protocol](outgoing, target, endpoint)
        finally:
            pacing.end_turn(endpoint.url, held)
        _record(row, "sent", answer)
    except RetryLater as exc:
        return _retry_later(row, target, exc)
    except (FetchError, PingFailed) as exc:
        _record(row, "failed", str(exc))
    return None


def _not_yet(row: OutboundPing, endpoint: Endpoint) -> float:
    # The endpoint's host is being pinged, or was a moment ago: the seconds until it may be.
    turn = max(0.05, pacing.wait_for_turn(endpoint.url))
    if row.status == "pending":
        _record(row, "pending", f"Waiting {_seconds(turn)}: one ping at a time per host.")
    return turn


def _release_connection() -> None:
    # Ends the session's transaction (saving the row's attempt count) before a fetch, so a
    # slow site holds no connection from the pool while this worker waits on it.
    db.session.commit()


def _discover(row: OutboundPing, target: str) -> Endpoint | None:
    row.status, row.endpoint = "pending", ""  # looking again: the page may have changed
    _release_connection()
    endpoint = discover(target, limits("sending pings"))
    row.protocol = endpoint.protocol if endpoint else ""
    row.endpoint = endpoint.url[:2000] if endpoint else ""
    if endpoint is None:
        _record(row, "no-endpoint", "The page takes no Webmention, Pingback or TrackBack.")
    return endpoint


def _retry_later(row: OutboundPing, target: str, exc: RetryLater) -> float | None:
    # After the next configured delay, or as long as the host asked if longer; a host that
    # says "too quickly" (or names a Retry-After) gets no ping from this blog until then,
    # nor before its spacing. ``attempts`` counts the tries: after the first, delays[0].
    delays = retry_delays()
    if row.attempts > len(delays):
        _record(row, "failed", str(exc))
        return None
    wait = max(float(delays[max(0, row.attempts - 1)]), exc.wait)
    if isinstance(exc, TooQuickly):
        wait = max(wait, pacing.host_spacing())
    if isinstance(exc, TooQuickly) or exc.wait:
        pacing.hold_off(row.endpoint or target, wait)
    _record(row, "retrying", f"{exc}; trying again in {_seconds(wait)}")
    return wait


def _seconds(value: float) -> str:
    return f"{value:.0f} s" if value >= 1 else f"{value:.1f} s"


def _row(post_id: int, target: str) -> OutboundPing | None:
    return db.session.scalar(
        db.select(OutboundPing).where(
            OutboundPing.post_id == post_id, OutboundPing.target == target[:2000]
        )
    )


def _fresh_row(post_id: int, target: str) -> None:
    # The link's record, pending again; committed with its task by ``run_later``.
    row = _row(post_id, target)
    if row is None:
        row = OutboundPing(post_id=post_id, target=target[:2000])
        db.session.add(row)
    row.attempts, row.status, row.message = 0, "pending", ""
    row.protocol, row.endpoint, row.updated_at = "", "", utcnow()


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
