"""A blog on the open internet: headers, throttled logins, CSRF everywhere, hostile input."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import AnyConverter, IntegerConverter

from hlsblog.extensions import csrf, db
from hlsblog.models import Comment
from hlsblog.testing import PASSWORD, csrf_token, html_elements, submit_form

# The protocol endpoints other blogs post to: no browser session, so no CSRF token to check.
PROTOCOL_BLUEPRINTS = {"linkbacks"}


# Headers, the same from either database: SQLite only.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_every_page_carries_the_security_headers(app, client, make_post):
    post = make_post()
    for url in ["/", post["url"], "/login", "/no/such/page"]:
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in headers  # plain http here
    https = client.get("/", base_url="https://blog.example")
    assert https.headers["Strict-Transport-Security"].startswith("max-age=")


def test_session_cookies_are_httponly_samesite_and_secure_behind_https(make_app):
    app = make_app(plugins=[], HTTPS=True)
    client = app.test_client()
    response = client.get("/login", base_url="https://blog.example")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_failed_logins_are_throttled_across_workers_without_naming_the_account(make_app):
    first = make_app(plugins=[], LOGIN_LIMIT_PER_IP="3 per 15 minutes")
    second = make_app(plugins=[], LOGIN_LIMIT_PER_IP="3 per 15 minutes")
    with first.app_context():
        from hlsblog.models import User

        user = User(username="admin", email="a@example.org", role="admin")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
    one, two = first.test_client(), second.test_client()
    for client, name in [(one, "admin"), (two, "ghost"), (one, "admin")]:
        failed = submit_form(client, "/login", {"username": name, "password": "wrong"})
        assert failed.status_code == 401
    for client, name in [(two, "admin"), (one, "ghost")]:
        blocked = submit_form(client, "/login", {"username": name, "password": PASSWORD})
        assert blocked.status_code == 429
        assert "Too many failed logins" in blocked.get_data(as_text=True)


def test_failed_logins_for_one_account_are_throttled_from_any_address(make_app):
    app = make_app(plugins=[], LOGIN_LIMIT_PER_ACCOUNT="2 per 15 minutes")
    client = app.test_client()
    for ip in ["192.0.2.1", "192.0.2.2"]:
        failed = submit_form(
            client,
            "/login",
            {"username": "admin", "password": "x"},
            environ_base={"REMOTE_ADDR": ip},
        )
        assert failed.status_code == 401
    blocked = submit_form(
        client,
        "/login",
        {"username": "admin", "password": "x"},
        environ_base={"REMOTE_ADDR": "192.0.2.3"},
    )
    assert blocked.status_code == 429


def _sample(converter):
    """A value the converter takes: a number, one of its words, or any word."""
    if isinstance(converter, IntegerConverter):
        return 1
    return sorted(converter.items)[0] if isinstance(converter, AnyConverter) else "x"


def _post_routes(app):
    for rule in app.url_map.iter_rules():
        if "POST" in (rule.methods or ()):
            values = {arg: _sample(rule._converters[arg]) for arg in rule.arguments}
            yield rule, app.url_map.bind("localhost").build(rule.endpoint, values, method="POST")


def test_every_state_changing_request_without_a_token_is_refused(
    app, client, make_user, auth, make_post
):
    post = make_post()
    page = make_post(title="About", kind="page", comments_open=True)
    make_user()
    auth.login()
    exempt = {bp.name for bp in csrf._exempt_blueprints}
    assert exempt <= PROTOCOL_BLUEPRINTS
    checked = 0
    for rule, url in _post_routes(app):
        if rule.endpoint.split(".")[0] in exempt:
            continue
        if rule.endpoint in ("blog.post", "blog.page"):
            # A refused comment re-renders its post or page, so give it a real one.
            url = (page if rule.endpoint == "blog.page" else post)["url"]
        response = client.post(url, data={"title": "x", "comment": "x"})
        assert response.status_code == 400, (rule.rule, response.status_code)
        checked += 1
    assert checked >= 12


def test_forms_that_are_not_utf8_get_a_clear_400(client, make_post):
    post = make_post()
    for body in [b"comment=\xff\xfe", b"comment=%FF%FE"]:
        response = client.post(
            post["url"], data=body, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 400
        assert "not sent as UTF-8" in response.get_data(as_text=True)


def test_oversized_requests_are_refused_before_they_are_read(make_app, make_post):
    app = make_app(plugins=[], MAX_CONTENT_LENGTH=10_000)
    response = app.test_client().post("/login", data={"username": "x" * 20_000})
    assert response.status_code == 413


def test_control_characters_are_refused_and_the_text_kept(client, make_post):
    post = make_post()
    response = submit_form(
        client,
        post["url"],
        {"author": "Bell\x07", "email": "b@example.org", "comment": "Visible\x00 words\x1b"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "control characters" in html
    assert "Visible words" in html and 'value="Bell"' in html


@pytest.mark.plugins()
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fields=st.dictionaries(
        st.sampled_from(["author", "email", "url", "comment", "comment_parent"]),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=300)
        | st.text(alphabet=string.printable, max_size=80),
    )
)
def test_arbitrary_comment_forms_never_crash_or_store_unsafe_html(app, client, make_post, fields):
    post = make_post(title="Fuzzed")
    token = csrf_token(client, post["url"])
    response = client.post(post["url"], data={"csrf_token": token, **fields})
    assert response.status_code in (303, 400, 403, 404, 409, 429)
    query = fields.get("comment", "")[:100]
    search = client.get("/search", query_string={"q": query})
    # A NUL can't be part of an address (PostgreSQL can't even look one up): a clear 400.
    assert search.status_code == (400 if "\x00" in query else 200)
    with app.app_context():
        for html in db.session.scalars(db.select(Comment.body_html)):
            for tag, attrs in html_elements(html):
                assert tag in {"p", "br", "a"}, html  # plain text makes paragraphs and links
                assert all(not name.startswith("on") for name, _ in attrs), html
