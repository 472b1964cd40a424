"""The share row in a real Chromium: what a reader sees, follows, prints, and who gets asked."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

# The row and what the page asks for are the templates', whatever the database: SQLite only.
pytestmark = [
    pytest.mark.plugins("share"),
    pytest.mark.browser,
    pytest.mark.parametrize("backend", ["sqlite"], indirect=True),
]

TITLE = "Share “this” & <that> — 日本語 🎉"
# Stands in for the browser's print dialog, which a headless browser cannot show.
COUNT_PRINTS = "window.print = () => { window.prints = (window.prints || 0) + 1; };"
RECORD_CSP_VIOLATIONS = """window.violations = [];
document.addEventListener("securitypolicyviolation", e => window.violations.push(e.blockedURI));
"""


def query(href: str) -> dict[str, str]:
    """The decoded query of an address."""
    return {key: values[0] for key, values in parse_qs(urlsplit(href).query).items()}


def test_a_reader_sees_the_row_and_the_page_asks_only_the_blog(
    live_server, page, make_post, make_comment
):
    post = make_post(title=TITLE, slug="share-this")
    make_comment(post["id"], "A kind comment.", author_name="Ada")
    permalink = live_server.url + post["url"]
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.add_init_script(COUNT_PRINTS)
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.goto(permalink, wait_until="networkidle")

    row = page.get_by_role("group", name="Share and Enjoy:")
    email = row.get_by_role("link", name="Email", exact=True).get_attribute("href")
    assert email.startswith("mailto:?")
    assert query(email) == {"subject": TITLE, "body": permalink}
    reddit = row.get_by_role("link", name="Reddit", exact=True).get_attribute("href")
    assert reddit.startswith("https://www.reddit.com/submit?")
    assert query(reddit) == {"url": permalink, "title": TITLE}
    icons = row.locator("img")
    assert icons.count() == 9  # every icon loaded, from the blog
    assert icons.evaluate_all("imgs => imgs.every(img => img.complete && img.naturalWidth > 0)")

    row.get_by_role("button", name="Print").click()  # share.js showed and wired it
    assert page.evaluate("window.prints") == 1
    hosts = {urlsplit(url).netloc for url in requested}
    assert hosts == {urlsplit(live_server.url).netloc}
    assert any(url.endswith("/plugins/share/static/share.js") for url in requested)
    assert page.evaluate("window.violations") == [] and page.dialogs == []


def test_printing_leaves_the_blogs_name_the_post_and_its_comments(
    live_server, page, make_post, make_comment
):
    post = make_post(title="Print me", slug="print-me")
    make_comment(post["id"], "A kind comment.", author_name="Ada")
    page.goto(live_server.url + post["url"])
    expect(page.locator(".share-row")).to_be_visible()  # on screen, before printing
    page.emulate_media(media="print")
    expect(page.locator(".site-title")).to_be_visible()  # whose page this is, on paper too
    expect(page.locator(".post.single .entry")).to_be_visible()
    expect(page.get_by_text("A kind comment.")).to_be_visible()
    for part in [".site-tagline", ".sidebar", ".site-footer", "#respond", ".share-row"]:
        expect(page.locator(part)).to_be_hidden()


def test_mastodon_asks_for_the_readers_server_once(live_server, page, make_post):
    post = make_post(title="Toot & tell", slug="toot")
    shared: list[str] = []

    def at_the_readers_server(route) -> None:  # played by the test: no other host is asked
        shared.append(route.request.url)
        route.fulfill(body="Shared.", content_type="text/plain")

    page.route("https://social.example/**", at_the_readers_server)
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.goto(live_server.url + post["url"])
    page.get_by_role("link", name="Mastodon").click()
    page.wait_for_load_state()  # share.js has taken over the form
    page.get_by_label("Your Mastodon server").fill("@me@Social.Example")
    assert page.evaluate("window.violations") == []
    page.get_by_role("button", name="Share", exact=True).click()
    page.wait_for_url("https://social.example/**")
    assert urlsplit(shared[0]).path == "/share"
    assert query(shared[0]) == {"text": f"Toot & tell {live_server.url}{post['url']}"}

    page.goto(live_server.url + post["url"])
    page.get_by_role("link", name="Mastodon").click()
    expect(page.get_by_label("Your Mastodon server")).to_have_value("social.example")
    assert page.dialogs == []
