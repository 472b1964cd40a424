"""A post linking to several posts of one blog: every ping is taken, none is lost.

A blog pings every post a new post links to, one right after the other, and WordPress's sender
never tries again: so a receiver must not take pings to different posts for a comment flood.
And when a receiver does say "too quickly" (WordPress's fault 429, an HTTP 429, a TrackBack
error), the sender tries again later and spaces its pings to that host.
"""

from __future__ import annotations

import threading
import time
import xmlrpc.client

import pytest
import requests
from linkbacks_support import (
    Blogger,
    add_admin,
    configure,
    linkbacks,
    publish,
    settled,
    trackback_outcomes,
    wait_for,
)
from werkzeug.wrappers import Request, Response

from hlsblog.testing import LiveServer

DRINKS = ("Tea", "Coffee", "Cocoa")
SLOW_DOWN = "You are posting comments too quickly. Slow down."  # WordPress's words
SPACING = 1.0  # seconds between two pings to one host, for these tests
LATE = 0.2  # how much later than sent a ping may be seen arriving, on a busy machine


@pytest.mark.blogs(
    here=["trackback", "moderation"], there={"LINKBACK_HOST_SPACING": 0}, there_sends=True
)
@pytest.mark.parametrize("protocol", ["pingback", "trackback", "webmention"])
def test_a_post_linking_to_three_posts_at_once_gives_each_its_ping(blogs, protocol):
    configure(blogs.here, receive=[protocol])
    posts = [publish(blogs.here, title, f"All about {title.lower()}.") for title in DRINKS]
    add_admin(blogs.there)
    blogger = Blogger(blogs.there.url)
    blogger.write(
        "Three drinks",
        " ".join(f"[{title}]({url})" for title, (_, url) in zip(DRINKS, posts, strict=True)),
    )
    for _, url in posts:
        assert "<strong>sent</strong>" in settled(blogger, url)

    def taken() -> list:
        return [linkbacks(blogs.here, post_id) for post_id, _ in posts]

    assert wait_for(lambda: all(taken())), taken()
    for stored in taken():
        [(kind, _, status, source)] = stored
        assert (kind, status) == (protocol, "pending")  # held for a look, as pings are
        assert source.startswith(blogs.there.url)


@pytest.mark.blogs(here=["trackback", "moderation"])
@pytest.mark.parametrize("protocol", ["pingback", "trackback"])
def test_a_second_ping_to_one_post_at_once_is_refused_in_words_for_a_blog(blogs, protocol):
    post_id, url = publish(blogs.here, "Tea", "All about tea.")
    sources = [publish(blogs.there, title, f"On [tea]({url}).")[1] for title in ("Brew", "Steep")]
    answers = [ping(blogs.here, protocol, source, url) for source in sources]
    if protocol == "trackback":  # answered before it is verified: the refusal comes after
        assert answers == ["taken", "taken"]
        # Two verifiers at once: either source may be stored first; the other is refused.
        outcomes = dict(trackback_outcomes(blogs.here))
        answers = [outcomes["accepted"] and "taken", outcomes["refused"]]
    assert answers[0] == "taken"
    assert "too quickly" in answers[1] and "seconds" in answers[1]
    assert "form" not in answers[1]  # no blog has a form to keep its text in
    stored = [source for *_, source in linkbacks(blogs.here, post_id)]
    assert stored == sources[:1] or (protocol == "trackback" and len(stored) == 1)


def ping(blog: LiveServer, protocol: str, source: str, target: str) -> str:
    """Send one ping as another blog would: "taken", or the refusal's message."""
    if protocol == "pingback":
        try:
            xmlrpc.client.ServerProxy(blog.url + "/linkbacks/pingback").pingback.ping(
                source, target
            )
        except xmlrpc.client.Fault as fault:
            assert fault.faultCode == 429  # as WordPress answers a flood: "try later"
            return fault.faultString
        return "taken"
    answer = requests.post(target + "trackback/", data={"url": source}, timeout=5).text
    return "taken" if "<error>0</error>" in answer else answer


class SlowingPeer:
    """Another blog with three posts, whose ping endpoint says "too quickly" to the first
    ping it gets and takes every later one. It notes when each ping arrives, and holds the
    retry of the refused ping until ``release`` is set, so the test can look in between.
    """

    def __init__(self, protocol: str, refusal: Response) -> None:
        self.protocol, self.refusal = protocol, refusal
        self.pings: list[tuple[float, str]] = []  # (arrival time, target)
        self.release = threading.Event()
        self.server = LiveServer(self.app)
        self.url = self.server.url
        self.pages = [f"{self.url}/{n}/" for n in range(1, 4)]

    @Request.application
    def app(self, request: Request) -> Response:
        if request.method == "GET":
            return self.page(request.base_url)
        target = self.target_of(request)
        self.pings.append((time.monotonic(), target))
        if len(self.pings) == 1:
            return self.refusal
        if target == self.pings[0][1]:
            self.release.wait(timeout=10)
        return self.taken()

    def page(self, url: str) -> Response:
        headers = {
            "pingback": {"X-Pingback": f"{self.url}/ping"},
            "webmention": {"Link": f'<{self.url}/ping>; rel="webmention"'},
        }.get(self.protocol, {})
        rdf = f'<!-- <rdf:Description dc:identifier="{url}" trackback:ping="{url}ping" /> -->'
        body = f"<title>A post</title><p>Hello.</p>{rdf if self.protocol == 'trackback' else ''}"
        return Response(body, mimetype="text/html", headers=headers)

    def target_of(self, request: Request) -> str:
        if self.protocol == "pingback":
            (_, target), _ = xmlrpc.client.loads(request.get_data())
            return target
        if self.protocol == "webmention":
            return request.form["target"]
        return request.base_url.removesuffix("ping")

    def taken(self) -> Response:
        if self.protocol == "pingback":
            body = xmlrpc.client.dumps(("Pingback registered.",), methodresponse=True)
            return Response(body, mimetype="text/xml")
        if self.protocol == "trackback":
            return Response("<response><error>0</error></response>", mimetype="text/xml")
        return Response("Accepted.", status=202)


def fault(code: int) -> Response:
    """An XML-RPC fault, as WordPress sends its flood refusal (with HTTP 200)."""
    return Response(xmlrpc.client.dumps(xmlrpc.client.Fault(code, SLOW_DOWN)), mimetype="text/xml")


REFUSALS = [
    pytest.param("pingback", fault(429), 0, id="pingback fault 429"),
    pytest.param("pingback", fault(49), 0, id="pingback fault 49"),
    pytest.param(
        "pingback",
        Response("Slow down", status=429, headers={"Retry-After": "2"}),
        2,
        id="pingback HTTP 429 Retry-After",
    ),
    pytest.param(
        "trackback",
        Response(f"<response><error>1</error><message>{SLOW_DOWN}</message></response>"),
        0,
        id="trackback error too quickly",
    ),
    pytest.param(
        "webmention",
        Response("Too many", status=429, headers={"Retry-After": "2"}),
        2,
        id="webmention HTTP 429 Retry-After",
    ),
]


@pytest.fixture
def sender(make_app):
    """Our blog, sending pings: a short retry delay and host spacing, so the test is quick."""
    app = make_app(
        plugins=["trackback"], LINKBACK_RETRY_DELAYS=(2.0,), LINKBACK_HOST_SPACING=SPACING
    )
    with LiveServer(app) as server:
        configure(server, allowed_hosts=["127.0.0.1"])
        add_admin(server)
        yield server


@pytest.mark.parametrize(("protocol", "refusal", "retry_after"), REFUSALS)
def test_a_too_quickly_answer_is_retried_later_and_pings_to_a_host_are_spaced(
    sender, protocol, refusal, retry_after
):
    peer = SlowingPeer(protocol, refusal)
    with peer.server:
        blogger = Blogger(sender.url)
        blogger.write(
            "Links", " and ".join(f"[post {n}]({url})" for n, url in enumerate(peer.pages))
        )
        assert wait_for(lambda: peer.pings), "nothing was pinged"
        first = peer.pings[0][1]
        row = wait_for(lambda: retrying(blogger, first))
        assert "<strong>retrying</strong>" in row and "failed" not in row, row
        peer.release.set()
        for url in peer.pages:
            assert "<strong>sent</strong>" in settled(blogger, url), url
    assert "<td>2</td>" in blogger.linkbacks_row(first)  # tried, then tried again
    times = [arrived for arrived, _ in peer.pings]
    assert len(times) == 4 and sorted(target for _, target in peer.pings[1:]) == peer.pages
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= SPACING - LATE, times
    retried = next(arrived for arrived, target in peer.pings[1:] if target == first)
    assert retried - times[0] >= max(retry_after, SPACING) - LATE, times


def retrying(blogger: Blogger, target: str) -> str:
    """The admin's row for a link while its ping waits to be tried again, else ""."""
    row = blogger.linkbacks_row(target)
    return row if "<strong>retrying</strong>" in row else ""
