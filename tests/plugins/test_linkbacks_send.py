"""A blogger publishes a post linking to another blog; that blog gets a verified linkback.

Two live hlsblog instances on 127.0.0.1 (loopback allowed on both, for the test only). The
receiving blog takes one protocol at a time, so each protocol is sent and verified for real.
"""

from __future__ import annotations

import html
from types import SimpleNamespace

import pytest
import requests
from linkbacks_support import (
    Blogger,
    Blogs,
    add_admin,
    configure,
    linkbacks,
    publish,
    second_database,
    settled,
    wait_for,
)

from hlsblog.testing import PASSWORD, LiveServer, submit_form

KIND_LABEL = {"webmention": "Webmention", "pingback": "Pingback", "trackback": "Trackback"}


@pytest.fixture
def blogs(make_app, backend, tmp_path):
    here = make_app(plugins=["trackback"])
    there = make_app(
        plugins=["trackback"],
        LINKBACK_RETRY_DELAYS=(0.1,),
        LINKBACK_HOST_SPACING=0.1,
        **second_database(backend, tmp_path),
    )
    with LiveServer(here) as here_server, LiveServer(there) as there_server:
        configure(here_server, allowed_hosts=["127.0.0.1"])
        configure(there_server, allowed_hosts=["127.0.0.1"])
        add_admin(there_server)
        yield Blogs(here_server, there_server)


@pytest.mark.parametrize("protocol", ["webmention", "pingback", "trackback"])
def test_a_post_linking_to_another_blog_gives_it_a_verified_linkback(blogs, protocol):
    configure(blogs.here, receive=[protocol])
    post_id, target = publish(blogs.here, "Tea", "All about tea.")
    blogger = Blogger(blogs.there.url)
    editor = blogger.write("On brewing", f"Steep it well, says [this good post]({target}).")
    row = settled(blogger, target)
    assert f"<td>{protocol}</td>" in row and "<strong>sent</strong>" in row, row

    def shown() -> bool:
        return f"{KIND_LABEL[protocol]} by" in requests.get(target, timeout=5).text

    assert wait_for(shown), f"no {protocol} on the post"
    assert "On brewing" in requests.get(target, timeout=5).text
    [(kind, _, status, source)] = linkbacks(blogs.here, post_id)
    assert (kind, status) == (protocol, "approved") and source.startswith(blogs.there.url)
    if protocol == "webmention":  # taking the link out withdraws the mention
        blogger.write(
            "On brewing", "I changed my mind about tea.", page=editor[len(blogs.there.url) :]
        )
        assert wait_for(lambda: not linkbacks(blogs.here, post_id))


def test_every_links_outcome_is_shown_in_the_admin(blogs):
    _, target = publish(blogs.here, "Tea", "All about tea.")
    _, plain = publish(blogs.here, "Plain", "Nothing.")
    configure(blogs.here, receive=[])  # a blog that takes no pings at all
    blogger = Blogger(blogs.there.url)
    links = {
        "private": "http://10.0.0.1/metadata/",
        "missing": blogs.here.url + "/2020/01/01/no-such-post/",
        "down": "http://127.0.0.1:9/closed-port/",
        "no-endpoint": plain,
    }
    body = " ".join(f"[{name}]({url})" for name, url in links.items())
    blogger.write("Links", body + " and [my own front page](/).")
    admin = blogger.session.get(blogs.there.url + "/admin/", timeout=5).text
    assert 'href="/admin/linkbacks/">Linkbacks</a>' in admin
    private = settled(blogger, links["private"])
    assert "<strong>failed</strong>" in private and "not a public address" in private
    assert "<strong>failed</strong>" in settled(blogger, links["missing"])
    assert "HTTP 404" in blogger.linkbacks_row(links["missing"])
    down = settled(blogger, links["down"])
    assert "<strong>failed</strong>" in down and "<td>2</td>" in down  # tried, retried
    assert "<strong>no-endpoint</strong>" in settled(blogger, links["no-endpoint"])
    assert blogger.linkbacks_row(blogs.there.url + "/") == ""  # our own links aren't pinged

    def tasks_page() -> str:
        page = blogger.session.get(blogs.there.url + "/admin/tasks/", timeout=5).text
        return page if "not a public address" in page and "HTTP 404" in page else ""

    assert wait_for(tasks_page), "a ping that failed for good is a failed task, with its error"
    dashboard = blogger.session.get(blogs.there.url + "/admin/", timeout=5).text
    assert "background tasks failed" in dashboard


def test_the_blogger_chooses_what_is_taken_on_the_plugins_page(make_app):
    blog = SimpleNamespace(app=make_app(plugins=["trackback"]), url="http://localhost")
    add_admin(blog)
    _, url = publish(blog, "Tea", "All about tea.")
    path = url.removeprefix(blog.url)
    client = blog.app.test_client()
    submit_form(client, "/login", {"username": "admin", "password": PASSWORD})
    settings = {
        "send_pings": "1",
        "receive": "webmention",
        "allowed_hosts": "blog.lan, 10.1.0.0/16",
        "fetch_timeout": "5",
        "fetch_max_kb": "500",
        "keep_refused_days": "7",
    }
    saved = submit_form(
        client,
        "/admin/plugins/",
        settings,
        action="/admin/plugins/trackback/settings",
        follow_redirects=True,
    )
    assert "Settings of trackback saved." in saved.get_data(as_text=True)
    page = client.get(path)
    html = page.get_data(as_text=True)
    assert 'rel="webmention"' in html and 'rel="pingback"' not in html
    assert "X-Pingback" not in page.headers and "TrackBack URI" not in html
    refused = client.post(path + "trackback/", data={"url": "http://blog.lan/"})
    assert "does not take trackback pings" in refused.get_data(as_text=True)
    wrong = submit_form(
        client,
        "/admin/plugins/",
        {**settings, "receive": "smoke signals"},
        action="/admin/plugins/trackback/settings",
        follow_redirects=True,
    )
    assert "unknown choice smoke signals" in wrong.get_data(as_text=True)


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        ("Write <em>bold</em> & <b>more</b>", "Write bold & more"),
        ("Write `&amp;` for &", "Write &amp; for &"),  # the text "&amp;" itself: decoded once
    ],
)
def test_a_trackbacks_excerpt_reads_on_the_other_blog_as_on_ours(blogs, body, shown):
    configure(blogs.here, receive=["trackback"])
    _, target = publish(blogs.here, "Tea", "All about tea.")
    blogger = Blogger(blogs.there.url)
    blogger.write("On markup", f"{body}, says [this post]({target}).")
    assert "<strong>sent</strong>" in settled(blogger, target)

    def page() -> str:
        return html.unescape(requests.get(target, timeout=5).text)

    assert wait_for(lambda: f"{shown}, says this post." in page()), page()
