"""A ping's name and words show as the sending blog showed them: entities decoded exactly once.

WordPress sends a TrackBack's ``blog_name``, ``title`` and ``excerpt`` as HTML text
(``Tom &amp; Jerry&#8217;s``); a Pingback's or Webmention's name is the source page's title.
"""

from __future__ import annotations

import html
import xmlrpc.client

import requests
from linkbacks_support import linkbacks, publish, wait_for

FORM = "application/x-www-form-urlencoded; charset=utf-8"


def test_a_wordpress_trackback_shows_its_blog_name_and_excerpt_decoded(blogs):
    post_id, url = publish(blogs.here, "Tellyworth", "What is a tellyworth?")
    _, source = publish(blogs.there, "On tellyworths", f"See [this]({url}).")
    fields = {
        "url": source,
        "title": "Ping 1 &laquo; What&#8217;s a tellyworth?",
        "excerpt": "It&#8217;s a unit of telly &#8230;",
        "blog_name": "Tom &amp; Jerry&#8217;s Tea Room",
    }
    answer = requests.post(url + "trackback/", data=fields, headers={"Content-Type": FORM})
    assert "<error>0</error>" in answer.text, answer.text
    assert wait_for(lambda: linkbacks(blogs.here, post_id))  # verified after the answer
    page = html.unescape(requests.get(url, timeout=5).text)
    assert "Tom & Jerry’s Tea Room" in page and "It’s a unit of telly …" in page
    assert [author for _, author, *_ in linkbacks(blogs.here, post_id)] == [
        "Tom & Jerry’s Tea Room"
    ]


def test_a_trackback_name_holding_the_text_amp_is_decoded_once(blogs):
    post_id, url = publish(blogs.here, "Chips", "On chips.")
    _, source = publish(blogs.there, "Frying", f"See [this]({url}).")
    fields = {"url": source, "blog_name": "Fish &amp;amp; Chips", "excerpt": "R&D at work"}
    requests.post(url + "trackback/", data=fields, headers={"Content-Type": FORM})
    assert wait_for(lambda: linkbacks(blogs.here, post_id))
    assert [author for _, author, *_ in linkbacks(blogs.here, post_id)] == ["Fish &amp; Chips"]
    assert "R&D at work" in html.unescape(requests.get(url, timeout=5).text)


def test_a_pingback_is_named_by_its_page_title_as_a_browser_shows_it(blogs):
    post_id, url = publish(blogs.here, "Tea", "All about tea.")
    # The other blog writes "&" in its <title> as "&amp;"; a title that holds "&amp;" as text
    # is written "&amp;amp;": either way the name is the title a reader saw in the tab.
    _, source = publish(blogs.there, "Tom & Jerry’s &amp; tea", f"Read [this]({url}).")
    endpoint = requests.get(url, timeout=5).headers["X-Pingback"]
    xmlrpc.client.ServerProxy(endpoint).pingback.ping(source, url)
    [(kind, author, _, _)] = linkbacks(blogs.here, post_id)
    assert kind == "pingback" and author.startswith("Tom & Jerry’s &amp; tea")
