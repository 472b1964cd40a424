"""Pings can't hold a worker, a database connection or the blog's outbound bandwidth.

The sources here are real slow servers on 127.0.0.1 (``slow_source``): one that trickles its
headers a line at a time, one that holds each request until the test lets it go. What the
blog does meanwhile is seen from outside: its answers, how many requests the source got and
how many were open at once, and how many database connections the blog had checked out.
"""

from __future__ import annotations

import threading
import time
import xmlrpc.client

import pytest
import requests
from linkbacks_support import Blogger, add_admin, configure, linkbacks, publish, wait_for
from slow_source import SlowSource

from hlsblog import db
from hlsblog.testing import LiveServer

DEADLINE = 2  # seconds: the fetch timeout these tests set


@pytest.fixture
def config():
    """App config for ``blog``; a test overrides it with ``@pytest.mark.parametrize``."""
    return {}


@pytest.fixture
def blog(make_app, config):
    """A live blog taking pings from 127.0.0.1, with a post."""
    with LiveServer(make_app(plugins=["trackback"], **config)) as server:
        configure(server, allowed_hosts=["127.0.0.1"], fetch_timeout=DEADLINE)
        server.post_id, server.post_url = publish(server, "Tea", "All about tea.")
        yield server


@pytest.fixture
def source(blog):
    """A slow source whose page links to the blog's post."""
    with SlowSource(blog.post_url) as slow:
        yield slow


def pingback(server, source_url, target):
    """Call pingback.ping: the result string, or the fault."""
    proxy = xmlrpc.client.ServerProxy(server.url + "/linkbacks/pingback")
    try:
        return proxy.pingback.ping(source_url, target)
    except xmlrpc.client.Fault as fault:
        return fault


def trackback(server, source_url, **fields):
    data = {"url": source_url, **fields}
    return requests.post(server.post_url + "trackback/", data=data, timeout=5).text


def webmention(server, source_url, target=None):
    data = {"source": source_url, "target": target or server.post_url}
    return requests.post(server.url + "/linkbacks/webmention", data=data, timeout=5)


def status_of(answer):
    """The status a Webmention's 202 points at, once it is no longer queued."""
    address = answer.text.split("Status: ")[1].strip()
    wait_for(lambda: requests.get(address, timeout=5).json()["status"] != "queued", 30)
    return requests.get(address, timeout=5).json()


def connections_held(server):
    with server.app.app_context():
        return db.engine.pool.checkedout()


def test_a_source_that_trickles_its_headers_is_cut_at_the_deadline(blog, source):
    started = time.monotonic()
    fault = pingback(blog, source.url + "/trickle-pingback", blog.post_url)
    assert isinstance(fault, xmlrpc.client.Fault) and fault.faultCode == 16
    assert f"took longer than {DEADLINE} s" in fault.faultString
    assert time.monotonic() - started < 3 * DEADLINE
    answer = webmention(blog, source.url + "/trickle-webmention")
    assert answer.status_code == 202
    final = status_of(answer)
    assert final["status"] == "refused" and f"took longer than {DEADLINE} s" in final["message"]
    assert linkbacks(blog, blog.post_id) == []


def test_a_trackback_is_answered_before_its_source_is_fetched(blog, source):
    answer = trackback(blog, source.url + "/held", blog_name="Held Blog", excerpt="Slow words.")
    assert "<error>0</error>" in answer  # the source is still holding its page
    assert linkbacks(blog, blog.post_id) == []  # shown only once verified
    again = trackback(blog, source.url + "/held", blog_name="Held Blog")
    assert "<error>0</error>" in again  # the same ping while pending: no second job
    source.release()
    stored = wait_for(lambda: linkbacks(blog, blog.post_id))
    assert stored == [("trackback", "Held Blog", "approved", source.url + "/held")]
    assert "Slow words." in requests.get(blog.post_url, timeout=5).text
    assert source.paths == ["/held"]


def test_a_slow_source_holds_no_database_connection(blog, source):
    assert connections_held(blog) == 0
    asked = threading.Thread(target=pingback, args=(blog, source.url + "/held-pb", blog.post_url))
    asked.start()
    assert source.wait_open(1)
    assert connections_held(blog) == 0  # the pingback waits for its source, not for the pool
    assert webmention(blog, source.url + "/held-wm").status_code == 202
    assert source.wait_open(2)
    # Nor does the Webmention's verifying task (the consumer it started may be busy a moment
    # with its own first tick: a connection it takes is handed back while the source holds).
    assert wait_for(lambda: connections_held(blog) == 0, 3)
    assert source.open == 2  # both fetches still waiting on the source
    source.release()
    asked.join(timeout=15)
    assert wait_for(lambda: len(linkbacks(blog, blog.post_id)) == 2)


@pytest.mark.parametrize("config", [{"TASK_WORKERS": 2, "LINKBACK_QUEUE": 4}])
def test_webmentions_are_verified_by_a_few_workers_and_a_full_queue_says_later(blog, source):
    accepted = [webmention(blog, f"{source.url}/held/{n}") for n in range(4)]
    assert [answer.status_code for answer in accepted] == [202] * 4
    busy = webmention(blog, f"{source.url}/held/4")
    assert busy.status_code == 503 and int(busy.headers["Retry-After"]) > 0
    assert "try again" in busy.text
    assert source.wait_open(2)
    time.sleep(0.5)  # room for a third fetch to start, if anything allowed one
    assert source.most_open == 2
    source.release()
    assert [status_of(answer)["status"] for answer in accepted] == ["accepted"] * 4
    assert sorted(source.paths) == [f"/held/{n}" for n in range(4)]  # nothing accepted is lost
    assert webmention(blog, f"{source.url}/held/5").status_code == 202  # room again


def test_a_repeated_webmention_while_pending_gets_the_same_status_address(blog, source):
    first = webmention(blog, source.url + "/held")
    again = webmention(blog, source.url + "/held")
    assert (first.status_code, again.status_code) == (202, 202)
    assert first.text == again.text  # the same status address
    source.release()
    assert status_of(first)["status"] == "accepted"
    assert source.paths == ["/held"]  # one job, one fetch


@pytest.mark.parametrize("config", [{"LINKBACK_RATE_LIMIT": "3 per minute"}])
def test_one_address_sending_too_many_pings_gets_each_protocols_refusal(blog):
    elsewhere = "http://example.org/"  # refused before any fetch: pings closed on the post
    closed_id, closed = publish(blog, "Closed", "No pings.", pings_open=False)
    assert requests.post(closed + "trackback/", data={"url": elsewhere}, timeout=5).ok
    assert isinstance(pingback(blog, elsewhere, closed), xmlrpc.client.Fault)
    assert webmention(blog, elsewhere, closed).status_code == 400
    # Three pings from this address this minute: the fourth of any protocol is refused.
    refused = requests.post(closed + "trackback/", data={"url": elsewhere}, timeout=5).text
    assert "<error>1</error>" in refused and "too quickly" in refused
    fault = pingback(blog, elsewhere, closed)
    assert fault.faultCode == 429 and "too quickly" in fault.faultString
    answer = webmention(blog, elsewhere, closed)
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) > 0
    assert linkbacks(blog, closed_id) == []


def test_a_trackback_refused_after_its_answer_is_shown_to_the_blogger(blog):
    with SlowSource("http://elsewhere.example/") as unrelated:  # its page links elsewhere
        unrelated.release()
        answer = trackback(blog, unrelated.url + "/held", blog_name="Spammy")
        assert "<error>0</error>" in answer
        add_admin(blog)
        blogger = Blogger(blog.url)

        def row() -> str:
            page = blogger.session.get(blog.url + "/admin/linkbacks/", timeout=5).text
            table = page.split('id="linkbacks-trackbacks"')[1].split("</table>")[0]
            return table if "<strong>refused</strong>" in table else ""

        refused = wait_for(row)
    assert "Spammy" in refused and "does not link to the target" in refused
    assert linkbacks(blog, blog.post_id) == []


def test_a_second_pingback_while_one_is_checked_is_told_to_try_again_later(blog, source):
    first = threading.Thread(target=pingback, args=(blog, source.url + "/held-1", blog.post_url))
    first.start()
    assert source.wait_open(1)
    fault = pingback(blog, source.url + "/held-2", blog.post_url)
    assert fault.faultCode == 429 and "try again later" in fault.faultString
    assert source.paths == ["/held-1"]  # answered without a fetch, while the first waits
    source.release()
    first.join(timeout=15)
    assert len(linkbacks(blog, blog.post_id)) == 1
