"""In Chromium, the theme, the admin and every bundled plugin live within the strict CSP."""

from __future__ import annotations

import pytest
from site_tour import admin_pages, build_tour_blog

# The policy is the same whatever database the blog runs on: SQLite alone.
pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def _visit(page, url):
    problems = []
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto(url, wait_until="load")
    page.wait_for_timeout(200)
    return problems + page.evaluate("window.__violations")


def test_no_page_breaks_the_content_security_policy(
    live_server, page, make_user, make_post, make_comment
):
    post = make_post("Policed", body="Text with an ![image](/static/none.png).")
    make_comment(post["id"], "A comment")
    make_user()
    reader = build_tour_blog(make_post, make_comment)
    page.add_init_script(RECORD_VIOLATIONS)
    reader_pages = [post["url"], *reader.values()]
    for url in reader_pages:
        assert _visit(page, live_server.url + url) == [], url
    page.goto(live_server.url + "/login")
    page.fill("#username", "admin")
    page.fill("#password", "correct horse battery")
    page.click(".login-form button[type=submit]")
    page.wait_for_url("**/admin/**")
    # Every admin page, as its menu leads to them (new pages are checked without a list here),
    # and a post again with the logged-in blogger's extras.
    admin = admin_pages(lambda path: page.context.request.get(live_server.url + path).text())
    assert len(admin) >= 10, admin
    for url in [*admin, reader["post with comments"]]:
        assert _visit(page, live_server.url + url) == [], url
