"""Numbers a stranger makes up get "not found" or a clear refusal, never a 500 (issue 17, item 7).

Page numbers and ids past what the database holds (PostgreSQL's int4 and int8 too), Unicode
digits that pass ``str.isdigit()`` but not ``int()``, TrackBack charsets that aren't text
encodings, a newline in ``/login?next=``; in the admin, ``posts_per_page=²``, a term id
``abc``, moderation ``ids=²``. Every case here was a 500 before.
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from hlsblog.extensions import db
from hlsblog.numbers import DB_INT_MAX, stranger_int
from hlsblog.testing import admin_client, comment_status, csrf_token, submit_form

HUGE = "99999999999999999999999999"
PAST_INT4 = str(2**31)
PAST_INT8 = str(2**63)


@pytest.mark.parametrize(
    "path",
    [
        f"/page/{HUGE}/",
        f"/page/{PAST_INT4}/",
        f"/page/{PAST_INT8}/",
        f"/?p={HUGE}",
        f"/?p={PAST_INT4}",
        f"/?p={PAST_INT8}",
        "/?p=²",
        "/?p=①",
        f"/author/writer/page/{HUGE}/",
        f"/author/writer/page/{PAST_INT8}/",
        f"/2024/page/{HUGE}/",
        f"/2024/05/page/{PAST_INT8}/",
        f"/2024/05/06/page/{PAST_INT4}/",
        f"/{HUGE}/",
        f"/category/news/page/{HUGE}/",
        f"/tag/news/page/{PAST_INT8}/",
        f"/share/mastodon/{HUGE}/",
        f"/share/mastodon/{PAST_INT4}/",
        "/?page_id=²",
        f"/?page_id={PAST_INT4}",
        f"/?cat={PAST_INT4}",
        f"/?author={PAST_INT8}",
        f"/?p={PAST_INT4}&feed=rss2",
        "/category/news/page/²/",
        f"/category/news/sub/page/{HUGE}/",
        "/about/" + "9" * 5000 + "/",
    ],
)
def test_numbers_past_the_database_are_simply_not_found(client, make_post, path):
    make_post(title="Only post", categories="News", tags="news")
    response = client.get(path)
    assert response.status_code == 404, path
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("page", [HUGE, PAST_INT4, PAST_INT8, "²", "-1", "9" * 5000])
def test_a_search_with_a_made_up_page_number_answers(client, make_post, page):
    make_post(title="Searching for boots")
    response = client.get("/search", query_string={"q": "boots", "page": page})
    assert response.status_code in (200, 404)


@pytest.mark.parametrize("parent", ["²", "¹²³", HUGE, PAST_INT4, PAST_INT8])
def test_a_comment_replying_to_a_made_up_number_is_taken_as_a_new_thread(
    app, client, make_post, parent
):
    post = make_post()
    response = submit_form(
        client,
        post["url"],
        {
            "author": "Ada",
            "email": "ada@example.org",
            "comment": "Replying to nobody.",
            "comment_parent": parent,
        },
    )
    assert response.status_code == 303
    assert "Replying to nobody." in client.get(post["url"]).get_data(as_text=True)


def test_a_reply_link_with_unicode_digits_shows_the_plain_form(client, make_post):
    post = make_post()
    response = client.get(post["url"], query_string={"replytocom": "²"})
    assert response.status_code == 200
    assert 'name="comment_parent" value="²"' not in response.get_data(as_text=True)


def test_a_newline_in_next_while_logged_in_goes_to_the_dashboard(app):
    client = admin_client(app)
    for target in ["/admin/\nLocation: //evil.example", "%0a", "/x\r\nSet-Cookie: a=b"]:
        response = client.get("/login", query_string={"next": target})
        assert response.status_code == 302
        assert "\n" not in response.headers["Location"]
        assert "evil" not in response.headers["Location"]


@pytest.mark.parametrize("value", ["²", "٣", HUGE])
def test_settings_with_a_made_up_posts_per_page_are_refused_with_a_message(app, value):
    client = admin_client(app)
    response = submit_form(
        client,
        "/admin/settings",
        {"title": "Blog", "timezone": "UTC", "posts_per_page": value, "thread_depth": "3"},
    )
    assert response.status_code == 400
    assert "Posts per page must be a number from 1 to 100." in response.get_data(as_text=True)


@pytest.mark.parametrize(("order", "parent"), [("²", ""), ("--1", ""), ("0", "²"), ("0", HUGE)])
def test_a_page_with_a_made_up_order_or_parent_is_refused_with_a_message(app, order, parent):
    client = admin_client(app)
    response = submit_form(
        client,
        "/admin/pages/new",
        {"title": "Team", "body": "Us.", "menu_order": order, "parent_id": parent},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The order is a whole number" in page or "That parent cannot hold this page" in page


@pytest.mark.parametrize("term_id", ["abc", "²", HUGE, PAST_INT4])
def test_renaming_a_term_by_a_made_up_id_is_not_found(app, make_post, term_id):
    make_post(categories="News")
    client = admin_client(app)
    response = submit_form(
        client,
        "/admin/terms/",
        {"kind": "category", "id": term_id, "name": "Renamed"},
    )
    assert response.status_code == 404
    assert "Renamed" not in client.get("/admin/terms/").get_data(as_text=True)


@pytest.mark.parametrize("ids", [["²"], [HUGE], [PAST_INT4, "²"]])
def test_moderating_made_up_comment_ids_asks_to_tick_one(app, make_post, make_comment, ids):
    comment = make_comment(make_post()["id"], "Still here")
    client = admin_client(app)
    token = csrf_token(client, "/admin/comments/")
    response = client.post(
        "/admin/comments/",
        data={"csrf_token": token, "action": "trash", "ids": ids},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Tick at least one comment first." in response.get_data(as_text=True)
    one = client.post(
        "/admin/comments/",
        data={"csrf_token": token, "one": f"trash:{ids[0]}"},
        follow_redirects=True,
    )
    assert one.status_code == 200
    assert comment_status(app, comment) == "approved"  # nothing of that number to trash


@pytest.mark.parametrize("query", [{"post": "²"}, {"page": HUGE}, {"post": PAST_INT4}])
def test_the_comment_queue_filtered_by_a_made_up_number_is_not_found(app, query):
    client = admin_client(app)
    assert client.get("/admin/comments/", query_string=query).status_code == 404


@pytest.mark.plugins("trackback")
@pytest.mark.parametrize("charset", ["rot13", "base64", "hex", "zlib", "idna", "bz2", "uu"])
def test_a_trackback_in_a_charset_that_is_no_text_encoding_gets_a_trackback_error(
    client, make_post, charset
):
    post = make_post()
    response = client.post(
        post["url"] + "trackback/",
        data=f"url=http://192.0.2.1/&title=Hi%21&charset={charset}",
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/xml"
    assert "<error>1</error>" in body and "charset" in body


def test_stranger_int_reads_only_what_a_database_column_can_hold():
    assert stranger_int("42") == 42 and stranger_int(" 7 ") == 7
    assert stranger_int(str(DB_INT_MAX)) == DB_INT_MAX
    for junk in ["", "²", "٣", "-1", "0", "1e3", "4.0", PAST_INT4, "9" * 5000, None, 12]:
        assert stranger_int(junk) is None, junk
    assert stranger_int("0", low=0) == 0


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_crash_is_logged_and_the_reader_sees_a_plain_error_page(make_app):
    app = make_app(plugins=[], PROPAGATE_EXCEPTIONS=False)  # as a server runs it

    def broken_view():  # a bug to come: a query that fails mid-request
        db.session.execute(text("SELECT secret_column FROM no_such_table"))

    app.add_url_rule("/broken", "broken", broken_view)
    kept = _Kept()
    app.logger.addHandler(kept)
    try:
        response = app.test_client().get("/broken")
    finally:
        app.logger.removeHandler(kept)
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in page and "no_such_table" not in page
    assert "<title>500 – " in page  # the theme's page: its database reads still work
    [logged] = kept.records
    assert logged.exc_info and "no_such_table" in str(logged.exc_info[1])


@pytest.mark.parametrize(
    "path", ["/category/a%00b/", "/a%00b/", "/?author_name=a%00", "/search?q=x%00", "/?%00=1"]
)
def test_a_nul_in_an_address_is_a_bad_request_on_every_database(client, make_post, path):
    make_post()
    response = client.get(path)
    assert response.status_code == 400
    assert "NUL character can&#39;t be part of an address" in response.get_data(as_text=True)


def test_a_nul_in_a_form_is_dropped_and_the_rest_kept(app, make_post):
    post = make_post()
    client = admin_client(app)
    fields = {"title": "Tea\x00 notes", "body": "Green\x00 tea.", "status": "published"}
    response = submit_form(client, f"/admin/posts/{post['id']}/", fields)
    assert response.status_code == 302
    page = client.get(f"/admin/posts/{post['id']}/").get_data(as_text=True)
    assert 'value="Tea notes"' in page and "Green tea." in page
    login = submit_form(app.test_client(), "/login", {"username": "admin\x00", "password": "x"})
    assert login.status_code == 401
