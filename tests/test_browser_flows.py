"""What readers and bloggers do by hand, in a real Chromium against a live server."""

from __future__ import annotations

import pytest

# What the script and the forms do in a browser; storing comments and posts is tested on both
# databases over HTTP (test_comments.py, test_admin.py). SQLite only here.
pytestmark = [
    pytest.mark.plugins(),
    pytest.mark.browser,
    pytest.mark.parametrize("backend", ["sqlite"], indirect=True),
]


def test_a_reader_comments_replies_and_keeps_a_refused_comment(live_server, page, make_post):
    post = make_post("Reader's story", body="Please comment.")
    page.goto(live_server.url + post["url"])
    page.fill("#author", "Ada")
    page.fill("#email", "ada@example.org")
    page.fill("#comment", "First thoughts, from a real browser.")
    page.click("#submit")
    first = page.locator(".comment", has_text="First thoughts")
    assert first.locator(".comment-author").inner_text().startswith("Comment by")
    assert "@" in first.locator(".comment-meta").inner_text()

    # Reply with JavaScript on: the form moves under the comment.
    first.locator(".comment-reply-link").first.click()
    assert page.locator(".comment #respond").count() == 1
    page.fill("#comment", "And a reply to myself.")
    page.click("#submit")
    reply = page.locator(".children .comment", has_text="And a reply to myself.")
    assert reply.count() == 1

    # A refused comment (a bad address) comes back with everything the reader typed.
    page.fill("#email", "not-an-address")
    page.fill("#comment", "Words I do not want to lose.")
    page.locator("#email").evaluate("e => e.type = 'text'")  # past the browser's own check
    page.click("#submit")
    assert "valid mail address" in page.locator(".comment-error").inner_text()
    assert page.input_value("#comment") == "Words I do not want to lose."
    assert page.input_value("#author") == "Ada"
    assert page.dialogs == []


def test_reply_works_without_javascript(live_server, browser, make_post, make_comment):
    post = make_post("No script here")
    parent = make_comment(post["id"], "A parent comment", author_name="Bob")
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(live_server.url + post["url"])
    tab.click(f"#comment-{parent} .comment-reply-link")
    assert tab.input_value("#comment_parent") == str(parent)
    tab.fill("#author", "Eve")
    tab.fill("#email", "eve@example.org")
    tab.fill("#comment", "Replying the old way.")
    tab.click("#submit")
    assert tab.locator(f"#comment-{parent} .children", has_text="Replying the old way.").count()
    context.close()


def test_a_blogger_logs_in_writes_previews_and_publishes(live_server, page, make_user):
    make_user("admin")
    page.goto(live_server.url + "/login")
    page.fill("#username", "admin")
    page.fill("#password", "correct horse battery")
    page.click(".login-form button[type=submit]")
    assert "Dashboard" in page.inner_text("main")

    page.click("text=New post")
    page.fill("#title", "Written in a browser")
    page.fill("#body", "Some **bold** words.\n\n- one\n- two")
    page.fill("#categories", "Diary")
    page.click("button[name=preview]")
    assert page.locator(".preview strong", has_text="bold").count() == 1
    assert page.input_value("#body").startswith("Some **bold** words.")

    page.select_option("#status", "published")
    page.click("button[name=save]")
    assert "Post published." in page.inner_text("main")
    page.goto(live_server.url + "/")
    assert page.locator(".post-title", has_text="Written in a browser").count() == 1
    page.click("text=Written in a browser")
    assert page.locator(".entry li").count() == 2
    assert "Filed under: Diary" in page.inner_text(".postmetadata")
