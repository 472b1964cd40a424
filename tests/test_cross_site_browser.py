"""A real Chromium: another site's form can't comment here, this site's own form can.

The blog's pages carry no token for a reader without a session; what stops a form on another
site is what the browser says about where the form came from. The other site is a page at
``http://elsewhere.test`` (answered by Playwright in place of a server, so it is a real origin
to the browser), posting to the live blog at 127.0.0.1.
"""

from __future__ import annotations

import pytest

from hlsblog.extensions import db
from hlsblog.models import Comment

pytestmark = [
    pytest.mark.plugins(),
    pytest.mark.browser,
    pytest.mark.parametrize("backend", ["sqlite"], indirect=True),
]

ELSEWHERE = "http://elsewhere.test/"


def other_sites_page(action: str, text: str, submit_itself: bool) -> str:
    """Another site's page with a comment form aimed at the blog."""
    script = "<script>document.forms[0].submit()</script>" if submit_itself else ""
    return (
        "<!doctype html><title>Win a prize</title>"
        f'<form method="post" action="{action}">'
        '<input type="hidden" name="author" value="Mallory">'
        '<input type="hidden" name="email" value="mallory@example.org">'
        f'<input type="hidden" name="comment" value="{text}">'
        '<button type="submit" id="prize">Claim your prize</button></form>'
        f"{script}"
    )


def stored(app):
    with app.app_context():
        return [c.body_source for c in db.session.scalars(db.select(Comment))]


def serve_elsewhere(context, html: str) -> None:
    context.route(
        ELSEWHERE + "**", lambda route: route.fulfill(body=html, content_type="text/html")
    )


def test_another_sites_form_is_refused_and_the_blogs_own_is_taken(
    app, live_server, browser, make_post
):
    post = make_post("Guarded by origin", comments_open=True)
    address = live_server.url + post["url"]

    # JavaScript on: another site's page submits a form to the blog by itself.
    context = browser.new_context()
    serve_elsewhere(context, other_sites_page(address, "Buy cheap watches", submit_itself=True))
    tab = context.new_page()
    tab.goto(ELSEWHERE)
    tab.wait_for_url(address + "**")
    assert "another site" in tab.locator(".comment-error").inner_text()
    assert tab.input_value("#comment") == "Buy cheap watches"  # shown back, not stored
    assert stored(app) == []
    # The reader, now on the blog's own page, sends what they see: it is taken.
    tab.fill("#comment", "I meant to write this, here.")
    tab.click("#submit")
    assert tab.locator(".comment", has_text="I meant to write this, here.").count() == 1
    assert stored(app) == ["I meant to write this, here."]
    context.close()

    # JavaScript off: the reader is lured into clicking another site's button; then they
    # comment through the blog's own form, which needs no script.
    context = browser.new_context(java_script_enabled=False)
    serve_elsewhere(context, other_sites_page(address, "Click bait", submit_itself=False))
    tab = context.new_page()
    tab.goto(ELSEWHERE)
    tab.click("#prize")
    assert "another site" in tab.locator(".comment-error").inner_text()
    tab.goto(address)
    tab.fill("#author", "Grace")
    tab.fill("#email", "grace@example.org")
    tab.fill("#comment", "Written without any script.")
    tab.click("#submit")
    assert tab.locator(".comment", has_text="Written without any script.").count() == 1
    assert "Click bait" not in stored(app) and "Written without any script." in stored(app)
    context.close()
