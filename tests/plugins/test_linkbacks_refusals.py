"""Pings that must be refused, with each protocol's own answer, and nothing stored.

No refusal here may send a packet anywhere but to our own test servers: an audit hook sees
every ``socket.connect`` the process makes, so "refused before any connection" is observed,
not assumed.
"""

from __future__ import annotations

import sys
import threading
import time
import xmlrpc.client
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
import requests
from linkbacks_support import configure, linkbacks, publish, trackback_outcomes, wait_for
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from hlsblog.testing import LiveServer

_recorders: list[list[tuple[str, int]]] = []


_lookups: list[str] = []


def _audit(event: str, args: tuple) -> None:
    if event == "socket.connect" and _recorders and isinstance(args[1], tuple):
        for recorder in list(_recorders):
            recorder.append((str(args[1][0]), int(args[1][1])))
    if event == "socket.getaddrinfo":
        _lookups.append(str(args[0]))


sys.addaudithook(_audit)


@contextmanager
def connections():
    """Every (host, port) this process connects to inside the block."""
    seen: list[tuple[str, int]] = []
    _recorders.append(seen)
    try:
        yield seen
    finally:
        _recorders.remove(seen)


PRIVATE_SOURCES = [
    "http://127.0.0.1:9/a-post/",
    "http://localhost:9/a-post/",  # a name: refused by the task, once resolved (NAMED below)
    "http://10.0.0.1/a-post/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:9/a-post/",
    "http://[::ffff:169.254.169.254]/latest/",  # IPv4 inside IPv6
    "http://2130706433:9/a-post/",  # 127.0.0.1 written as one number
    "http://0.0.0.0:9/a-post/",
]
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]>
<methodCall><methodName>pingback.ping</methodName><params>
<param><value><string>&lol9;</string></value></param>
<param><value><string>&lol9;</string></value></param></params></methodCall>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY file SYSTEM "file:///etc/passwd">]>
<methodCall><methodName>pingback.ping</methodName><params>
<param><value><string>&file;</string></value></param>
<param><value><string>x</string></value></param></params></methodCall>"""


@pytest.fixture
def here(make_app):
    """A blog taking pings, loopback NOT allowed; and a post on it."""
    with LiveServer(make_app(plugins=["trackback"])) as server:
        server.post_id, server.post_url = publish(server, "Tea", "All about tea.")
        yield server


def trackback(post_url, **fields):
    return requests.post(post_url + "trackback/", data=fields, timeout=5).text


def pingback(server, source, target):
    with pytest.raises(xmlrpc.client.Fault) as fault:
        xmlrpc.client.ServerProxy(server.url + "/linkbacks/pingback").pingback.ping(source, target)
    return fault.value


def webmention(server, **fields):
    return requests.post(server.url + "/linkbacks/webmention", data=fields, timeout=5)


# A host name is never looked up while a TrackBack's or Webmention's sender waits (a name
# server that never answers would hold the web worker): those are refused by their task.
NAMED = {"http://localhost:9/a-post/"}


def refused_later(server, answer):
    """The refusal a queued TrackBack (answer: its XML) or Webmention (its 202) came to."""
    if isinstance(answer, str):
        assert "<error>0</error>" in answer
        [(status, message)] = trackback_outcomes(server)
        return status, message
    assert answer.status_code == 202
    status_url = answer.text.split("Status: ")[1].strip()
    found = wait_for(lambda: requests.get(status_url, timeout=5).json()["status"] != "queued")
    outcome = requests.get(status_url, timeout=5).json()
    assert found, outcome
    return outcome["status"], outcome["message"]


@pytest.mark.parametrize("protocol", ["trackback", "pingback", "webmention"])
def test_sources_on_private_addresses_are_refused_without_a_connection(here, protocol):
    own = ("127.0.0.1", urlsplit(here.url).port)
    for source in PRIVATE_SOURCES:
        with connections() as seen:
            if protocol == "trackback":
                answer = trackback(here.post_url, url=source, title="Hi", blog_name="Sneaky")
                if source in NAMED:
                    status, answer = refused_later(here, answer)
                    assert status == "refused", source
                assert "not a public address" in answer, source
                assert source in NAMED or "<error>1</error>" in answer, source
            elif protocol == "pingback":
                fault = pingback(here, source, here.post_url)
                assert fault.faultCode == 49 and "not a public address" in fault.faultString
            else:
                answer = webmention(here, source=source, target=here.post_url)
                if source in NAMED:
                    status, message = refused_later(here, answer)
                    assert status == "refused" and "not a public address" in message, source
                else:
                    assert answer.status_code == 400 and "not a public address" in answer.text
        assert set(seen) == {own}, (source, seen)  # our own request to the blog, nothing else
    assert linkbacks(here, here.post_id) == []


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_source_name_is_not_looked_up_while_the_sender_waits(make_app):
    # No consumer: whatever looks the name up does so in the request.
    app = make_app(plugins=["trackback"], TASK_CONSUMER_THREAD=False)
    with LiveServer(app) as server:
        _, url = publish(server, "Tea", "All about tea.")
        _lookups.clear()
        answer = trackback(url, url="http://slow-dns.example/links-to-tea/", title="Hi")
        sent = webmention(server, source="http://slow-dns.example/tea/", target=url)
        assert "<error>0</error>" in answer and sent.status_code == 202
        assert "slow-dns.example" not in _lookups  # left to the verification task


def test_a_closed_post_is_refused_before_its_source_is_fetched(here):
    post_id, url = publish(here, "Closed", "No pings, please.", pings_open=False)
    assert "TrackBack URI" not in requests.get(url, timeout=5).text
    source = "http://example.org/links-to-closed/"
    with connections() as seen:
        answer = trackback(url, url=source, title="Hi")
        assert "<error>1</error>" in answer and "Pings are closed on this post." in answer
        assert pingback(here, source, url).faultCode == 33
        refused = webmention(here, source=source, target=url)
        assert refused.status_code == 400 and "closed" in refused.text
    assert set(seen) == {("127.0.0.1", urlsplit(here.url).port)}  # only our requests to it
    assert linkbacks(here, post_id) == []


def test_malformed_requests_get_the_protocols_error(here):
    url = here.post_url
    assert "No url given" in trackback(url, title="No url")
    assert "does not exist" in trackback(
        here.url + "/2020/01/01/nothing-here/", url="http://x.org/"
    )
    assert "not an http or https" in trackback(url, url="javascript:alert(1)")
    assert "not a valid address" in trackback(url, url="http://[::1/broken")
    assert "not a valid address" in trackback(url, url="http://example.org:99999/")
    endpoint = here.url + "/linkbacks/pingback"
    garbage = requests.post(endpoint, data=b"<methodCall><oops>", timeout=5)
    assert garbage.status_code == 200 and "<int>-32700</int>" in garbage.text
    proxy = xmlrpc.client.ServerProxy(endpoint)
    with pytest.raises(xmlrpc.client.Fault) as fault:
        proxy.pingback.ping("http://example.org/only-one")
    assert fault.value.faultCode == -32602
    with pytest.raises(xmlrpc.client.Fault) as fault:
        proxy.pingback.ping(42, url)
    assert fault.value.faultCode == -32602
    assert pingback(here, "http://example.org/", here.url + "/category/news/").faultCode == 33
    assert pingback(here, "http://example.org/", "http://example.org/elsewhere/").faultCode == 33
    assert pingback(here, "http://example.org/", here.url + "/2020/01/01/gone/").faultCode == 32
    assert webmention(here, source="http://example.org/").status_code == 400
    assert pingback(here, "http://[oops/", url).faultCode == 49
    assert pingback(here, "http://example.org/", "http://[oops/").faultCode == 32
    assert webmention(here, source="http://example.org/", target="http://[oops/").status_code == 400
    assert webmention(here, source=url, target=url).status_code == 400
    assert webmention(here, source="ftp://example.org/", target=url).status_code == 400
    assert webmention(here, source="http://example.org/", target=url + "x/").status_code == 400
    assert linkbacks(here, here.post_id) == []


def test_entity_bombs_external_entities_and_multicall_batches_are_refused(here):
    endpoint = here.url + "/linkbacks/pingback"
    for payload in (BOMB, XXE):
        started = time.monotonic()
        answer = requests.post(endpoint, data=payload, headers={"Content-Type": "text/xml"})
        assert "<int>-32700</int>" in answer.text and "DTDForbidden" in answer.text
        assert time.monotonic() - started < 2
        assert "root:" not in answer.text
    batch = xmlrpc.client.MultiCall(xmlrpc.client.ServerProxy(endpoint))
    for n in range(3):
        batch.pingback.ping(f"http://example.org/{n}", here.post_url)
    with pytest.raises(xmlrpc.client.Fault) as fault:
        batch()
    assert fault.value.faultCode == -32601 and "system.multicall" in fault.value.faultString
    too_big = requests.post(endpoint, data=b"<methodCall>" + b" " * 70_000, timeout=5)
    assert "too large" in too_big.text
    assert linkbacks(here, here.post_id) == []


def test_a_source_that_does_not_link_back_is_refused(blogs):
    post_id, url = publish(blogs.here, "Tea", "All about tea.")
    _, source = publish(blogs.there, "Coffee", "Nothing about [tea](http://example.org/tea/).")
    answer = trackback(url, url=source, title="Coffee", blog_name="There")
    assert "<error>0</error>" in answer  # TrackBack: answered first, verified after
    [(status, message)] = trackback_outcomes(blogs.here)
    assert status == "refused" and "does not link to the target" in message
    assert pingback(blogs.here, source, url).faultCode == 17
    accepted = webmention(blogs.here, source=source, target=url)
    assert accepted.status_code == 202
    status_url = accepted.text.split("Status: ")[1].strip()
    status = wait_for(lambda: requests.get(status_url, timeout=5).json()["status"] != "queued")
    assert status and requests.get(status_url, timeout=5).json()["status"] == "refused"
    assert linkbacks(blogs.here, post_id) == []


class OddSite:
    """A tiny real web server for what a blog never does: redirect away, be huge, be slow."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    @Request.application
    def app(self, request: Request) -> Response:
        link = f'<p>See <a href="{self.target}">this</a>.</p>'
        if request.path == "/redirect":
            return Response(status=302, headers={"Location": "http://169.254.169.254/latest/"})
        if request.path == "/huge":
            return Response("<p>" + "words " * 40_000 + "</p>" + link, mimetype="text/html")
        if request.path == "/slow":
            time.sleep(2.5)
        return Response(link, mimetype="text/html")


@pytest.fixture
def odd_site(here):
    site = OddSite(here.post_url)
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    yield site
    site.server.shutdown()
    thread.join(timeout=5)


def test_redirects_size_and_time_are_bounded(here, odd_site):
    configure(here, allowed_hosts=["127.0.0.1"], fetch_max_kb=64, fetch_timeout=1)
    url = here.post_url
    with connections() as seen:
        answer = pingback(here, odd_site.url + "/redirect", url).faultString
    assert "not a public address" in answer
    assert [host for host, _ in seen if host != "127.0.0.1"] == []
    assert "larger than 65,536 bytes" in pingback(here, odd_site.url + "/huge", url).faultString
    started = time.monotonic()
    assert "cannot be fetched" in pingback(here, odd_site.url + "/slow", url).faultString
    assert time.monotonic() - started < 2.4
    assert linkbacks(here, here.post_id) == []
    assert "<error>0</error>" in trackback(url, url=odd_site.url + "/fine", blog_name="Odd")
    assert wait_for(lambda: [kind for kind, *_ in linkbacks(here, here.post_id)] == ["trackback"])


def test_a_disabled_plugin_advertises_nothing_and_takes_nothing(make_app):
    with LiveServer(make_app(plugins=[])) as server:
        _, url = publish(server, "Quiet", "Nothing to see.")
        page = requests.get(url, timeout=5)
        assert "X-Pingback" not in page.headers and "Link" not in page.headers
        assert "TrackBack URI" not in page.text and 'rel="pingback"' not in page.text
        assert requests.post(url + "trackback/", data={"url": "http://x.org/"}).status_code == 404
        assert requests.post(server.url + "/linkbacks/pingback", data=b"<x/>").status_code == 404
        assert requests.post(server.url + "/linkbacks/webmention").status_code == 404
