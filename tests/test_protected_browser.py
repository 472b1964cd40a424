"""A reader at a password-protected post in a real Chromium: the form, a wrong guess, the key."""

from __future__ import annotations

import pytest

# The form, the cookie and the reload are the browser's; the password checks run on both
# databases in test_protected_posts.py. SQLite only here.
pytestmark = [
    pytest.mark.plugins(),
    pytest.mark.browser,
    pytest.mark.parametrize("backend", ["sqlite"], indirect=True),
]
SECRET = "Meet at the north gate at dawn."


def test_a_reader_unlocks_a_protected_post_and_it_stays_open(live_server, page, make_post):
    post = make_post("Meeting place", body=SECRET, password="owl", comments_open=True)
    page.goto(live_server.url + post["url"])
    assert page.locator(".post-title").inner_text() == "Protected: Meeting place"
    assert "This content is password protected" in page.locator(".entry").inner_text()
    assert page.locator("#commentform").count() == 0

    # A wrong password: a clear message, said to screen readers, and still no text.
    page.get_by_label("Password:").fill("sparrow")
    page.get_by_role("button", name="Enter").click()
    assert "not right for this post" in page.get_by_role("alert").inner_text()
    assert SECRET not in page.content()
    assert page.get_by_label("Password:").get_attribute("aria-invalid") == "true"

    # The right one: the text, and the comment form; a reload keeps them.
    page.get_by_label("Password:").fill("owl")
    page.get_by_role("button", name="Enter").click()
    assert page.url == live_server.url + post["url"]
    assert page.locator(".entry").inner_text().strip() == SECRET
    assert page.locator("#commentform").count() == 1
    page.reload()
    assert page.locator(".entry").inner_text().strip() == SECRET
    assert page.dialogs == []


def test_another_reader_still_sees_the_form(live_server, browser, page, make_post):
    post = make_post("Meeting place", body=SECRET, password="owl")
    page.goto(live_server.url + post["url"])
    page.get_by_label("Password:").fill("owl")
    page.get_by_role("button", name="Enter").click()
    assert SECRET in page.content()
    stranger = browser.new_context()
    tab = stranger.new_page()
    tab.goto(live_server.url + post["url"])
    assert SECRET not in tab.content()
    assert tab.get_by_label("Password:").count() == 1
    stranger.close()


def test_a_post_with_letters_beyond_ascii_in_its_address_stays_unlocked(
    live_server, page, make_post
):
    post = make_post("Café über alles", body=SECRET, password="owl")
    assert "%C3%A9" in post["url"]  # the cookie's path is the address as the browser sends it
    page.goto(live_server.url + post["url"])
    page.get_by_label("Password:").fill("owl")
    page.get_by_role("button", name="Enter").click()
    assert page.locator(".entry").inner_text().strip() == SECRET
    page.reload()
    assert page.locator(".entry").inner_text().strip() == SECRET
