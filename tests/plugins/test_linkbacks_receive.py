"""Another blog links to a post here and tells us, by TrackBack, Pingback or Webmention.

Two real hlsblog instances on 127.0.0.1, real clients: a plain form POST, the standard
library's xmlrpc.client, and Webmention discovery done by the rules.
"""

from __future__ import annotations

import xmlrpc.client
from datetime import timedelta
from urllib.parse import urlencode

import pytest
import requests
from linkbacks_support import (
    configure,
    discover_webmention,
    edit,
    linkbacks,
    publish,
    second_database,
    trackback_outcomes,
    wait_for,
)

from hlsblog import db
from hlsblog.api import Post, permalink, setting_key
from hlsblog.models import utcnow
from hlsblog.settings import set_setting
from hlsblog.testing import LiveServer

FORM = "application/x-www-form-urlencoded; charset=utf-8"


@pytest.fixture
def target(blogs):
    """A post here, and a post there that links to it: (target id, target url, source url)."""
    post_id, url = publish(blogs.here, "Tea", "All about *tea*.")
    _, source = publish(
        blogs.there, "On brewing", f"Steep it well, says [this good post]({url}), and wait."
    )
    return post_id, url, source


def webmention_status(endpoint, source, target):
    """Send a Webmention and wait for the receiver's verdict."""
    response = requests.post(endpoint, data={"source": source, "target": target}, timeout=5)
    assert response.status_code == 202, response.text
    status_url = response.text.split("Status: ")[1].strip()
    final = wait_for(lambda: requests.get(status_url, timeout=5).json()["status"] != "queued")
    assert final, "the Webmention was never processed"
    return requests.get(status_url, timeout=5).json()


def test_the_post_page_advertises_every_endpoint(blogs, target):
    _, url, _ = target
    response = requests.get(url, timeout=5)
    html = response.text
    assert response.headers["X-Pingback"] == blogs.here.url + "/linkbacks/pingback"
    assert 'rel="webmention"' in response.headers["Link"]
    assert f'<link rel="pingback" href="{blogs.here.url}/linkbacks/pingback">' in html
    assert f'<link rel="webmention" href="{blogs.here.url}/linkbacks/webmention">' in html
    assert "TrackBack URI" in html and f'value="{url}trackback/" readonly' in html
    assert f'trackback:ping="{url}trackback/"' in html and f'dc:identifier="{url}"' in html


def test_a_trackback_from_a_plain_form_post_shows_verified_under_the_post(blogs, target):
    post_id, url, source = target
    fields = {
        "url": source,
        "title": "On brewing",
        "excerpt": "Steep it well.",
        "blog_name": "The Other Blog",
        "charset": "utf-8",
    }
    answer = requests.post(
        url + "trackback/", data=fields, headers={"Content-Type": FORM}, timeout=5
    )
    assert answer.headers["Content-Type"].startswith("text/xml")
    assert "<error>0</error>" in answer.text
    assert wait_for(lambda: linkbacks(blogs.here, post_id))  # verified after the answer
    page = requests.get(url, timeout=5).text
    assert "Trackback by" in page and "The Other Blog" in page and "Steep it well." in page
    again = requests.post(url + "trackback/", data=fields, timeout=5)
    assert "<error>1</error>" in again.text and "already registered" in again.text
    assert linkbacks(blogs.here, post_id) == [("trackback", "The Other Blog", "approved", source)]


def test_a_trackback_in_another_charset_is_read_in_that_charset(blogs, target):
    post_id, url, source = target
    latin1 = urlencode(
        {"url": source, "blog_name": "Café Crème", "excerpt": "Très bien."}, encoding="iso-8859-1"
    )
    content_type = "application/x-www-form-urlencoded; charset=iso-8859-1"
    answer = requests.post(
        url + "trackback/", data=latin1, headers={"Content-Type": content_type}, timeout=5
    )
    assert "<error>0</error>" in answer.text, answer.text
    assert wait_for(lambda: linkbacks(blogs.here, post_id))
    page = requests.get(url, timeout=5).text
    assert "Café Crème" in page and "Très bien." in page


def test_a_pingback_through_xmlrpc_client_is_verified_and_quotes_the_source(blogs, target):
    post_id, url, source = target
    endpoint = requests.get(url, timeout=5).headers["X-Pingback"]
    server = xmlrpc.client.ServerProxy(endpoint)
    assert "registered" in server.pingback.ping(source, url)
    page = requests.get(url, timeout=5).text
    assert "Pingback by" in page and "On brewing" in page
    assert "Steep it well, says this good post, and wait." in page
    with pytest.raises(xmlrpc.client.Fault) as fault:
        server.pingback.ping(source, url)
    assert fault.value.faultCode == 48
    assert [kind for kind, *_ in linkbacks(blogs.here, post_id)] == ["pingback"]


def test_a_webmention_is_accepted_verified_later_updated_and_deleted(blogs, target):
    post_id, url, source = target
    endpoint = discover_webmention(url)
    assert endpoint == blogs.here.url + "/linkbacks/webmention"
    assert webmention_status(endpoint, source, url)["status"] == "accepted"
    page = requests.get(url, timeout=5).text
    assert "Webmention by" in page and "On brewing" in page

    source_id = int(requests.get(source, timeout=5).text.split('id="post-')[1].split('"')[0])
    edit(blogs.there, source_id, f"Now I say: [read this]({url}) before brewing.")
    assert webmention_status(endpoint, source, url)["status"] == "updated"
    assert "Now I say: read this before brewing." in requests.get(url, timeout=5).text

    edit(blogs.there, source_id, "I no longer link anywhere.")
    assert webmention_status(endpoint, source, url)["status"] == "deleted"
    assert "Webmention by" not in requests.get(url, timeout=5).text
    assert linkbacks(blogs.here, post_id) == []


def test_pings_pass_the_moderation_rules_like_any_comment(make_app, backend, tmp_path):
    here = make_app(plugins=["trackback", "moderation"])
    there = make_app(plugins=["trackback"], **second_database(backend, tmp_path))
    with LiveServer(here) as here_server, LiveServer(there) as there_server:
        configure(here_server, allowed_hosts=["127.0.0.1"])
        configure(there_server, send_pings=False)
        fresh_id, fresh = publish(here_server, "Fresh", "New.")
        old_id, old = publish(
            here_server, "Old", "Old.", published_at=utcnow() - timedelta(days=30)
        )
        _, source = publish(there_server, "Links", f"[fresh]({fresh}) and [old]({old})")
        proxy = xmlrpc.client.ServerProxy(here_server.url + "/linkbacks/pingback")
        assert "registered" in proxy.pingback.ping(source, fresh)
        [(kind, author, status, _)] = linkbacks(here_server, fresh_id)
        assert (kind, author, status) == ("pingback", "Links – hlsblog", "pending")
        assert "Pingback by" not in requests.get(fresh, timeout=5).text  # held for review
        with here_server.app.app_context():
            set_setting(setting_key("moderation", "close_old"), True)
            db.session.commit()
        answer = requests.post(old + "trackback/", data={"url": source}, timeout=5).text
        assert "<error>0</error>" in answer  # the rules judge it once it is verified
        [(status, message)] = trackback_outcomes(here_server)
        assert status == "refused" and "closed" in message.lower()
        assert linkbacks(here_server, old_id) == []


def test_a_page_takes_a_webmention_like_a_post(blogs):
    page_id, url = publish(blogs.here, "About", "Who we are.", kind="page", pings_open=True)
    _, source = publish(blogs.there, "Fans", f"Read [their about page]({url}).")
    assert url.endswith("/about/")
    endpoint = discover_webmention(url)
    assert webmention_status(endpoint, source, url)["status"] == "accepted"
    assert "Webmention by" in requests.get(url, timeout=5).text
    assert [kind for kind, *_ in linkbacks(blogs.here, page_id)] == ["webmention"]


def test_a_ping_naming_the_site_address_finds_its_post_whatever_host_it_came_through(blogs):
    # Behind a proxy the blog is reached as 127.0.0.1, but its posts say where they live.
    with blogs.here.app.app_context():
        set_setting("site_url", "http://blog.example")
        db.session.commit()
    post_id, _ = publish(blogs.here, "Tea", "All about tea.")
    _, source = publish(blogs.there, "On tea", "Nothing yet.")
    with blogs.here.app.test_request_context():
        target = permalink(db.session.get_one(Post, post_id), external=True)
    assert target.startswith("http://blog.example/")
    server = xmlrpc.client.ServerProxy(blogs.here.url + "/linkbacks/pingback")
    with pytest.raises(xmlrpc.client.Fault) as fault:
        server.pingback.ping(source, target)
    assert fault.value.faultCode == 17  # found its post: the source just doesn't link to it
