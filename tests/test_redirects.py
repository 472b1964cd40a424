"""After a login or a moderation action the browser goes only somewhere on this blog."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from hlsblog.testing import PASSWORD, admin_client, submit_form

# Each of these would take a browser to another site, run script, or break the header.
ELSEWHERE = [
    "http://evil.example/",
    "https://evil.example/admin/",
    "//evil.example/",
    "///evil.example/",
    "\\\\evil.example/",
    "/\\evil.example/",
    "\\/evil.example/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/admin/\r\nSet-Cookie: x=1",
    "http:evil.example",
    "evil.example",
]


def _leads_off_site(location: str) -> bool:
    return not location.startswith("/") or location.startswith("//") or "\\" in location


@pytest.mark.parametrize("target", ELSEWHERE)
def test_login_next_goes_only_to_this_site(app, client, make_user, target):
    make_user()
    page = f"/login?next={quote(target)}"
    response = submit_form(
        client, page, {"username": "admin", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    again = client.get(page)  # already logged in: the login page sends the browser on at once
    assert again.status_code == 302
    assert again.headers["Location"] == "/admin/"


def test_login_next_keeps_a_path_on_this_site(app, client, make_user):
    make_user()
    target = "/admin/comments/?status=pending"
    response = submit_form(
        client, "/login", {"username": "admin", "password": PASSWORD, "next": target}
    )
    assert response.headers["Location"] == target


@pytest.mark.parametrize("target", ELSEWHERE)
def test_moderating_a_comment_never_follows_back_off_site(app, make_post, make_comment, target):
    admin = admin_client(app)
    comment = make_comment(make_post()["id"], status="pending")
    for action, form in [
        ("/admin/comments/", {"one": f"approve:{comment}", "back": target}),
        (f"/admin/comments/{comment}/approve", {"back": target}),
    ]:
        response = submit_form(admin, "/admin/comments/", form, action=action)
        location = response.headers.get("Location", "/")
        assert response.status_code < 500
        assert not _leads_off_site(location), (action, location)
