"""A post linking to several posts of one blog: every ping is taken, none is lost.

A blog pings every post a new post links to, one right after the other, and WordPress's sender
never tries again: so a receiver must not take pings to different posts for a comment flood.
"""

from __future__ import annotations

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
    wait_for,
)

from hlsblog.testing import LiveServer

DRINKS = ("Tea", "Coffee", "Cocoa")


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
    assert answers[0] == "taken"
    assert "too quickly" in answers[1] and "seconds" in answers[1]
    assert "form" not in answers[1]  # no blog has a form to keep its text in
    assert [source for *_, source in linkbacks(blogs.here, post_id)] == sources[:1]


def ping(blog: LiveServer, protocol: str, source: str, target: str) -> str:
    """Send one ping as another blog would: "taken", or the refusal's message."""
    if protocol == "pingback":
        try:
            xmlrpc.client.ServerProxy(blog.url + "/linkbacks/pingback").pingback.ping(
                source, target
            )
        except xmlrpc.client.Fault as fault:
            assert fault.faultCode == 49
            return fault.faultString
        return "taken"
    answer = requests.post(target + "trackback/", data={"url": source}, timeout=5).text
    return "taken" if "<error>0</error>" in answer else answer
