"""In Chromium, the theme, the admin and every bundled plugin live within the strict CSP."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

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
    page.add_init_script(RECORD_VIOLATIONS)
    reader_pages = ["/", post["url"], "/search?q=text", "/category/news/", "/login"]
    for url in reader_pages:
        assert _visit(page, live_server.url + url) == [], url
    page.fill("#username", "admin")
    page.fill("#password", "correct horse battery")
    page.click(".login-form button[type=submit]")
    admin_pages = [
        "/admin/",
        "/admin/posts/",
        "/admin/posts/new",
        "/admin/comments/",
        "/admin/settings",
        "/admin/users/",
        "/admin/plugins/",
        "/admin/audit/",
    ]
    for url in admin_pages:
        assert _visit(page, live_server.url + url) == [], url
