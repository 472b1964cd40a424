"""An anonymous reader costs no session, and gets pages any proxy may keep for a second.

A reader without a cookie is given every reader page with nothing of theirs in it: no session
cookie, no CSRF token, ``public`` with ``s-maxage``, a strong ETag, ``Vary: Cookie`` only. The
comment and password forms on those pages are taken when the browser says they came from
this site's own page; a reader with a session, and a logged-in blogger, keep their tokens.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from hlsblog.extensions import db
from hlsblog.models import Comment
from hlsblog.testing import PASSWORD, csrf_token, submit_form

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

FIXTURE_PLUGINS = Path(__file__).parent / "fixture_plugins"
GOOD = {"author": "Ada", "email": "ada@example.org", "url": "", "comment": "Lovely post."}
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def stored(app):
    with app.app_context():
        return [c.body_source for c in db.session.scalars(db.select(Comment))]


def browser_saying_nothing(app):
    """A client whose browser sends neither Sec-Fetch-Site nor Origin (an old one)."""
    client = app.test_client()
    client.environ_base.pop("HTTP_SEC_FETCH_SITE")
    return client


def test_every_reader_page_kind_is_given_without_a_session_and_may_be_shared(
    make_app, make_post, make_comment
):
    app = make_app(plugins=["feeds", "share"], PAGE_SHARED_MAX_AGE=3)
    post = make_post("Shared", tags="calm", comments_open=True)
    make_comment(post["id"], "A first word.")
    page = make_post("About", kind="page", comments_open=True)
    locked = make_post("Locked", password="open sesame")
    year, month = post["url"].split("/")[1:3]
    pages = [
        "/",
        post["url"],
        page["url"],
        locked["url"],
        "/category/news/",
        "/tag/calm/",
        "/author/writer/",
        f"/{year}/",
        f"/{year}/{month}/",
        "/search?q=shared",
    ]
    others = ["/feed/", post["url"] + "feed/", "/sitemap.xml", "/robots.txt", "/no/such/page"]
    reader = app.test_client()
    for url in pages + others:
        response = reader.get(url)
        assert response.status_code == (404 if url == "/no/such/page" else 200), url
        assert "Set-Cookie" not in response.headers, url
        assert not TOKEN.search(response.get_data(as_text=True)), url
    assert reader.get_cookie("session") is None
    for url in pages:
        response = reader.get(url)
        assert response.headers["Cache-Control"] == "public, max-age=0, s-maxage=3", url
        assert response.headers["Vary"] == "Cookie", url
        etag = response.headers["ETag"]
        assert etag.startswith('"'), url  # strong: the same bytes for every such reader
        again = reader.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and "Set-Cookie" not in again.headers, url
        assert again.headers["Cache-Control"] == response.headers["Cache-Control"], url
    feed = reader.get("/feed/")
    assert feed.headers["Cache-Control"] == "public, max-age=0, s-maxage=3"
    # The forms on those pages carry no token for such a reader, and no session started.
    html = reader.get(post["url"]).get_data(as_text=True)
    assert 'id="commentform"' in html and 'name="csrf_token" value=""' in html
    assert 'name="post_password"' in reader.get(locked["url"]).get_data(as_text=True)


def test_a_reader_with_a_session_is_never_given_a_shared_copy(make_app, make_post):
    app = make_app(plugins=["holdall"], PLUGINS_FOLDER=str(FIXTURE_PLUGINS))
    post = make_post("Held here", comments_open=True)
    author, stranger = app.test_client(), app.test_client()
    assert submit_form(author, post["url"], GOOD).status_code == 303  # held for moderation
    own = author.get(post["url"])
    assert "awaiting moderation" in own.get_data(as_text=True)
    assert own.headers["Cache-Control"] == "private, no-cache"
    assert TOKEN.search(own.get_data(as_text=True))  # a session keeps its token
    shared = stranger.get(post["url"])
    assert "public" in shared.headers["Cache-Control"]
    assert "awaiting moderation" not in shared.get_data(as_text=True)
    # The author's form, with its token, still works.
    again = submit_form(author, post["url"], {**GOOD, "comment": "And more."})
    assert again.status_code == 303
    blogger = app.test_client()
    submit_form(blogger, "/login", {"username": "writer", "password": PASSWORD})
    mine = blogger.get(post["url"])
    assert mine.headers["Cache-Control"] == "private, no-cache"
    assert "Logged in as" in mine.get_data(as_text=True)


def test_a_browser_that_says_nothing_gets_its_text_back_and_can_send_it_again(app, make_post):
    post = make_post("Old browser", comments_open=True)
    reader = browser_saying_nothing(app)
    assert csrf_token(reader, post["url"]) == ""
    refused = reader.post(post["url"], data=GOOD)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "did not say which site" in html
    assert "Lovely post." in html and 'value="Ada"' in html  # nothing lost
    assert stored(app) == []
    # The refusal started a session: the page it shows carries a token, so sending works.
    token = TOKEN.search(html).group(1)  # type: ignore[union-attr]
    sent = reader.post(post["url"], data={"csrf_token": token, **GOOD})
    assert sent.status_code == 303 and stored(app) == ["Lovely post."]


def test_the_origin_must_be_the_sites_own_address_behind_a_proxy(make_app, make_post):
    # The proxy passes neither the scheme nor the public name on: the site address counts.
    app = make_app(plugins=[], SITE_URL="https://blog.example")
    post = make_post("Proxied", comments_open=True)
    reader = browser_saying_nothing(app)
    inside = {"base_url": "http://127.0.0.1:8000"}
    for origin in [
        "http://blog.example",
        "https://blog.example:8443",
        "https://evil.example",
        "https://blog.example.evil.example",
        "null",
    ]:
        refused = reader.post(post["url"], data=GOOD, headers={"Origin": origin}, **inside)
        assert refused.status_code == 403, origin
        assert "another site" in refused.get_data(as_text=True)
    assert stored(app) == []
    for number, origin in enumerate(["https://blog.example:443", "http://127.0.0.1:8000"]):
        taken = reader.post(
            post["url"],
            data={**GOOD, "comment": origin},
            headers={"Origin": origin},
            environ_base={"REMOTE_ADDR": f"192.0.2.{number + 1}"},  # no flood pause
            **inside,
        )
        assert taken.status_code == 303, origin
    assert stored(app) == ["https://blog.example:443", "http://127.0.0.1:8000"]


def test_the_login_form_keeps_its_token(app, make_user):
    make_user()
    client = app.test_client()
    login = client.get("/login")
    assert "Set-Cookie" in login.headers and TOKEN.search(login.get_data(as_text=True))
    # A session starts at the login form: same-origin alone doesn't log anyone in.
    refused = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert refused.status_code == 400


def _sample(converter):
    """A value the converter takes: a number, one of its words, or any word."""
    if isinstance(converter, IntegerConverter):
        return 1
    return sorted(converter.items)[0] if isinstance(converter, AnyConverter) else "x"


def test_no_form_is_taken_from_a_stranger_without_a_token_and_its_origin(app, make_post):
    post = make_post("Guarded", comments_open=True)
    page = make_post("Guarded page", kind="page", comments_open=True)
    reader = browser_saying_nothing(app)
    checked = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()) or rule.endpoint.startswith("linkbacks."):
            continue  # other blogs' pings carry no browser's session: checked by their own rules
        values = {arg: _sample(rule._converters[arg]) for arg in rule.arguments}
        url = app.url_map.bind("localhost").build(rule.endpoint, values, method="POST")
        if rule.endpoint in ("blog.post", "blog.page"):
            url = (page if rule.endpoint == "blog.page" else post)["url"]
        if rule.endpoint == "blog.unlock":
            url = f"/unlock/{post['id']}"
        for headers in [{}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}]:
            response = reader.post(url, data={"title": "x", **GOOD}, headers=headers)
            assert response.status_code in (400, 403), (rule.rule, headers, response.status_code)
        checked += 1
    assert checked >= 12 and stored(app) == []


ANOTHER_WORKER = """
import sys
from hlsblog import create_app
app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "PLUGINS": "",
                  "SQLALCHEMY_DATABASE_URI": sys.argv[1], "INSTANCE_PATH": sys.argv[2]})
print(app.test_client().get(sys.argv[3]).headers["ETag"])
"""


def test_every_worker_gives_the_same_page_the_same_etag(make_app, make_post):
    # A post's page holds its comment form, built around this process's own placeholder for
    # a token: a proxy revalidating at another worker or host must still get its 304.
    app = make_app(plugins=[])
    post = make_post("Everywhere the same")
    here = app.test_client().get(post["url"]).headers["ETag"]
    there = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            ANOTHER_WORKER,
            app.config["SQLALCHEMY_DATABASE_URI"],
            app.instance_path,
            post["url"],
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    assert there == here
