"""In a real browser: a held comment is its author's alone until the blogger approves it."""

from __future__ import annotations

import pytest

from hlsblog.testing import PASSWORD

pytestmark = [pytest.mark.plugins("moderation"), pytest.mark.browser]


def test_a_held_comment_shows_to_everyone_once_approved(
    browser, page, live_server, make_user, make_post
):
    make_user()
    post = make_post("Held in the browser")
    address = live_server.url + post["url"]

    page.goto(address)
    trap = page.locator(".moderation-hp").bounding_box()
    assert trap["x"] + trap["width"] <= 0  # the honeypot sits off the screen
    page.fill("#author", "Ada")
    page.fill("#email", "ada@example.org")
    page.fill("#comment", "Words for the blogger to see first.")
    page.click("#submit")
    held = page.locator("li.comment", has_text="Words for the blogger to see first.")
    assert "Your comment is awaiting moderation." in held.inner_text()

    other = browser.new_context()
    reader = other.new_page()
    reader.goto(address)
    assert "Words for the blogger" not in reader.content()

    blogger = browser.new_context().new_page()
    blogger.goto(live_server.url + "/login?next=/admin/comments/%3Fstatus%3Dpending")
    blogger.fill("#username", "admin")
    blogger.fill("#password", PASSWORD)
    blogger.get_by_role("button", name="Log in").click()
    assert "Pending (1)" in blogger.inner_text("nav.status-tabs")
    row = blogger.locator("tr", has_text="Words for the blogger to see first.")
    row.get_by_role("button", name="Approve").click()
    assert "1 comment approved." in blogger.inner_text("main")
    assert "Pending (0)" in blogger.inner_text("nav.status-tabs")

    reader.reload()
    assert "Words for the blogger to see first." in reader.inner_text("#comments")
    page.reload()
    assert "awaiting moderation" not in page.inner_text("#comments")
    assert page.dialogs == [] and reader.url == address
    other.close()
    blogger.context.close()
