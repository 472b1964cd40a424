"""A blogger writes with a live preview and autosave, and keeps the posts list in order."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hlsblog.extensions import db
from hlsblog.models import Post, utcnow
from hlsblog.testing import admin_client, csrf_token, submit_form

SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
HOSTILE = (
    "# Hi\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>"
    "\n\n[link](javascript:alert(3))\n\n<!--nextpage-->\n\nPage *two*"
)


def _editor(client, url, **values):
    """Send the editor's form at ``url`` as the page has it, with ``values`` changed."""
    form = {"title": "", "slug": "", "body": "", "excerpt": "", "status": "draft"}
    return submit_form(client, url, {**form, **values}, action=values.pop("action", None))


@SQLITE
def test_the_live_preview_renders_and_sanitizes_as_the_save_does(app):
    client = admin_client(app)
    token = csrf_token(client, "/admin/posts/new")
    preview = client.post("/admin/preview", data={"csrf_token": token, "body": HOSTILE})
    assert preview.status_code == 200
    html = preview.get_json()["html"]
    saved = _editor(client, "/admin/posts/new", title="Hostile", body=HOSTILE)
    with app.app_context():
        post = db.session.scalar(db.select(Post).where(Post.title == "Hostile"))
        assert html == post.body_html.replace("<!--nextpage-->", "<hr>")
    assert saved.status_code == 302
    assert "<h1>Hi</h1>" in html and "<em>two</em>" in html
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    refused = client.post("/admin/preview", data={"body": "# no token"})
    assert refused.status_code == 400
    assert app.test_client().post("/admin/preview", data={"body": "x"}).status_code == 400
    page = client.get("/admin/posts/new").get_data(as_text=True)
    assert 'data-preview-url="/admin/preview"' in page and "editor.js" in page
    assert 'id="live-preview" aria-labelledby="live-preview-title" hidden' in page


@SQLITE
def test_autosave_keeps_a_draft_a_draft_and_never_touches_a_public_post(app, make_post):
    client = admin_client(app)
    token = csrf_token(client, "/admin/posts/new")
    form = {"csrf_token": token, "title": "Half", "body": "Half a thought", "status": "published"}
    first = client.post("/admin/posts/autosave", data=form)
    assert first.status_code == 200
    draft = first.get_json()
    assert draft["edit_url"] == f"/admin/posts/{draft['post_id']}/"
    again = client.post(draft["autosave_url"], data={**form, "body": "A whole thought"})
    assert again.status_code == 200 and again.get_json()["saved"]
    with app.app_context():
        stored = db.session.get(Post, draft["post_id"])
        assert (stored.status, stored.body_source) == ("draft", "A whole thought")
        assert db.session.scalar(db.select(db.func.count(Post.id))) == 1
    assert "A whole thought" not in app.test_client().get("/").get_data(as_text=True)
    editor = client.get(draft["edit_url"]).get_data(as_text=True)
    assert f'data-autosave-url="{draft["autosave_url"]}"' in editor

    public = make_post("Live", body="As published")
    refused = client.post(f"/admin/posts/{public['id']}/autosave", data={**form, "body": "Oops"})
    assert refused.status_code == 409 and "Only drafts" in refused.get_json()["error"]
    assert "As published" in client.get(public["url"]).get_data(as_text=True)
    editor = client.get(f"/admin/posts/{public['id']}/").get_data(as_text=True)
    assert "data-autosave-url" not in editor
    assert "Changes reach readers only when you save." in editor
    empty = client.post(draft["autosave_url"], data={"csrf_token": token, "title": ""})
    assert empty.status_code == 400 and "needs a title or some text" in empty.get_json()["error"]
    when = {"status": "published", "published_at": "2099-01-02T09:30"}
    scheduled = _editor(client, draft["edit_url"], title="Half", body="Later", **when)
    shown = client.get(scheduled.headers["Location"]).get_data(as_text=True)
    assert "Post scheduled: it goes public on January 2, 2099 at 9:30 am." in shown


def _make(app, title, status="published", days=1, **fields):
    with app.app_context():
        author = db.session.scalar(db.select(Post.author_id).limit(1)) or 1
        post = Post(
            title=title,
            slug=title.lower().replace(" ", "-"),
            body_source=fields.pop("body", "Text"),
            author_id=author,
            status=status,
            published_at=utcnow() - timedelta(days=days),
            **fields,
        )
        db.session.add(post)
        db.session.commit()
        return post.id


def _titles(client, query=""):
    page = client.get(f"/admin/posts/{query}").get_data(as_text=True)
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    return [
        row.split('">', 1)[1].split("</a>")[0]
        for row in rows.split('<td data-label="Title"><a href="')[1:]
    ], page


def test_the_posts_list_filters_by_status_searches_and_pages(app):
    client = admin_client(app)
    _make(app, "Old news", days=3)
    _make(app, "Tomorrow 100% sure", days=-1)
    _make(app, "Unfinished", status="draft", body="a word_with underscores")
    _make(app, "Gone", status="trash", trashed_from="published")
    titles, page = _titles(client)
    assert sorted(titles) == ["Old news", "Tomorrow 100% sure", "Unfinished"]
    for tab, count in {"all": 3, "published": 1, "scheduled": 1, "draft": 1, "trash": 1}.items():
        assert (
            f'id="tab-{tab}"' in page
            and f"{tab.capitalize() if tab != 'draft' else 'Drafts'} ({count})</a>" in page
        )
    assert _titles(client, "?status=scheduled")[0] == ["Tomorrow 100% sure"]
    assert _titles(client, "?status=draft")[0] == ["Unfinished"]
    assert _titles(client, "?status=published")[0] == ["Old news"]
    trash = client.get("/admin/posts/?status=trash").get_data(as_text=True)
    assert "Gone" in trash and "Old news" not in trash
    assert _titles(client, "?q=NEWS")[0] == ["Old news"]
    assert _titles(client, "?q=100%25")[0] == ["Tomorrow 100% sure"]  # % is a character
    assert _titles(client, "?q=word_with")[0] == ["Unfinished"]  # found in the text
    assert _titles(client, "?q=d_w")[0] == ["Unfinished"]
    assert "No posts match “nothing”." in _titles(client, "?q=nothing")[1]
    for n in range(22):
        _make(app, f"Filler {n:02}", days=10 + n)
    first, page = _titles(client, "?status=published")
    assert len(first) == 20 and "Page 1 of 2 (23 posts)" in page
    second, page = _titles(client, "?status=published&page=2")
    assert len(second) == 3 and not set(first) & set(second) and 'rel="prev"' in page
    # An old link past the end goes to the last page, never "No posts yet" on "Page 99 of 2".
    past = client.get("/admin/posts/?status=published&page=99")
    assert past.status_code == 302
    assert past.headers["Location"] == "/admin/posts/?status=published&page=2"
    nothing = client.get("/admin/posts/?q=nothing&page=5", follow_redirects=True)
    assert nothing.request.args["page"] == "1" and "No posts match “nothing”." in nothing.text
    assert client.get("/admin/posts/?page=abc&status=nonsense").status_code == 200


@SQLITE
def test_bulk_actions_publish_draft_and_trash_with_a_message_saying_what_happened(app):
    client = admin_client(app)
    one, two = _make(app, "One", status="draft"), _make(app, "Two", status="draft")
    three = _make(app, "Three")

    def bulk(action, *ids, status="all"):
        data = {"action": action, "ids": [str(i) for i in ids], "status": status}
        return submit_form(client, "/admin/posts/", data, action="/admin/posts/bulk")

    done = bulk("publish", one, two)
    assert done.headers["Location"] == "/admin/posts/?status=all"
    listing = client.get("/admin/posts/").get_data(as_text=True)
    assert "2 posts published: “One”, “Two”." in listing
    assert "One" in app.test_client().get("/").get_data(as_text=True)
    bulk("draft", one)
    assert "1 post made drafts: “One”." in client.get("/admin/posts/").get_data(as_text=True)
    bulk("trash", two, three)
    with app.app_context():
        statuses = {p.title: p.status for p in db.session.scalars(db.select(Post))}
    assert statuses == {"One": "draft", "Two": "trash", "Three": "trash"}
    nothing = bulk("publish")
    assert nothing.status_code == 302
    assert "Tick some items" in client.get("/admin/posts/").get_data(as_text=True)
    no_token = client.post("/admin/posts/bulk", data={"action": "trash", "ids": [str(one)]})
    assert no_token.status_code == 400
    bulk("restore", two, status="trash")
    with app.app_context():
        assert db.session.get(Post, two).status == "published"


@SQLITE
def test_nothing_is_deleted_for_good_before_a_page_names_it_and_asks(app, make_comment):
    client = admin_client(app)
    keep, lose = _make(app, "Keep", status="trash"), _make(app, "Lose", status="trash")
    make_comment(lose, "A reply")
    trash = client.get("/admin/posts/?status=trash").get_data(as_text=True)
    assert f'href="/admin/posts/{lose}/delete"' in trash  # a link to the question, no button
    asked = client.get(f"/admin/posts/{lose}/delete").get_data(as_text=True)
    assert "Delete this post for good?" in asked and "Lose" in asked and "Keep" not in asked
    form = {"action": "delete", "ids": [str(keep), str(lose)], "status": "trash"}
    both = submit_form(client, "/admin/posts/", form, action="/admin/posts/bulk")
    assert both.status_code == 200 and "Delete these posts for good?" in both.text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Post.id))) == 2  # only asked
    gone = submit_form(
        client, f"/admin/posts/{lose}/delete", {"ids": [str(lose)]}, action="/admin/posts/delete"
    )
    assert gone.headers["Location"] == "/admin/posts/?status=trash"
    assert "“Lose” deleted permanently." in client.get("/admin/posts/?status=trash").text
    with app.app_context():
        assert [p.title for p in db.session.scalars(db.select(Post))] == ["Keep"]
    live = _make(app, "Live")
    submit_form(client, "/admin/posts/", {"ids": [str(live)]}, action="/admin/posts/delete")
    with app.app_context():
        assert db.session.get(Post, live) is not None  # only the Trash deletes for good


@SQLITE
def test_each_plugin_has_its_own_settings_page_with_its_description(app):
    client = admin_client(app)
    listing = client.get("/admin/plugins/").get_data(as_text=True)
    assert 'href="/admin/plugins/share/"' in listing and 'name="smtp_host"' not in listing
    assert "Share and Enjoy" in listing  # each plugin's description stays on the list
    page = client.get("/admin/plugins/moderation/").get_data(as_text=True)
    assert "Comment moderation" in page and 'name="smtp_host"' in page
    assert 'name="targets"' not in page  # only its own settings
    saved = submit_form(
        client,
        "/admin/plugins/share/",
        {"targets": "email"},
        action="/admin/plugins/share/settings",
    )
    assert saved.headers["Location"] == "/admin/plugins/share/"
    assert "Settings of share saved." in client.get(saved.headers["Location"]).text
    off = submit_form(
        client,
        "/admin/plugins/share/",
        {"enable": "0", "back": "plugin"},
        action="/admin/plugins/share/toggle",
    )
    assert off.headers["Location"] == "/admin/plugins/share/"
    assert "share <small>1.0.0</small> — off" in client.get("/admin/plugins/share/").text
    assert client.get("/admin/plugins/nothing/").status_code == 404
