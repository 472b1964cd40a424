"""Admin → Media over HTTP: a blogger uploads several files, names them, finds and deletes them."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from hlsblog.extensions import db
from hlsblog.media import Media
from hlsblog.testing import PASSWORD, admin_client, counting_queries, csrf_token, submit_form

CAP = 300_000  # bytes a file may have in these tests


def picture(color: str = "red", size: tuple[int, int] = (640, 480), kind: str = "JPEG") -> bytes:
    """A photo as a phone makes it: with the place it was taken in its EXIF."""
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, kind, exif=exif)
    return out.getvalue()


def files(*named: tuple[str, bytes]) -> list[tuple[io.BytesIO, str]]:
    return [(io.BytesIO(data), name) for name, data in named]


def upload(client: Any, *named: tuple[str, bytes], json: bool = False, **form: Any) -> Any:
    """Send files as the library's form does (or, with ``json``, as its script does)."""
    fields = {"csrf_token": csrf_token(client, "/admin/media/"), **form}
    headers = {"Accept": "application/json"} if json else {}
    return post_files(client, fields, named, headers=headers)


def post_files(client: Any, fields: dict[str, str], named: Any, **kwargs: Any) -> Any:
    """A multipart POST built in memory: the test client spools a large body to a temporary
    file it never closes (a ResourceWarning, which fails the test run)."""
    parts = [("files", FileStorage(io.BytesIO(data), name)) for name, data in named]
    boundary, body = encode_multipart(MultiDict([*fields.items(), *parts]))
    kind = f"multipart/form-data; boundary={boundary}"
    return client.post("/admin/media/upload", data=body, content_type=kind, **kwargs)


def stored(app: Any) -> list[tuple[str, int | None, int | None]]:
    with app.app_context():
        rows = db.session.scalars(db.select(Media).order_by(Media.id)).all()
        return [(m.original_name, m.uploader_id, m.post_id) for m in rows]


def status(client: Any, url: str) -> int:
    """The status of a GET, its streamed file closed (send_file keeps it open until then)."""
    with client.get(url) as answer:
        return int(answer.status_code)


def log_in(app: Any, username: str) -> Any:
    client = app.test_client()
    submit_form(client, "/login", {"username": username, "password": PASSWORD})
    return client


@pytest.fixture
def app(make_app: Any) -> Any:
    return make_app(plugins=[], UPLOAD_MAX_BYTES=CAP)


def test_several_files_at_once_and_a_refused_one_says_why_while_the_others_are_kept(app):
    client = admin_client(app)
    answer = upload(
        client,
        ("beans.jpg", picture("green")),
        ("notes.png", b"just some words, not a picture at all\n" * 20),
        ("huge.jpg", picture("blue", (1800, 1800), "PNG") + b"\0" * CAP),
        ("plot.png", picture("brown", kind="PNG")),
    )
    assert answer.status_code == 303
    library = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Uploaded “beans.jpg”." in library and "Uploaded “plot.png”." in library
    refusals = re.findall(r"“(notes\.png|huge\.jpg)” was not uploaded: ([^<]+)<", library)
    assert [name for name, _ in refusals] == ["notes.png", "huge.jpg"]
    assert all(len(why) > 10 for _, why in refusals), refusals  # a reason a person can act on
    assert [name for name, *_ in stored(app)] == ["beans.jpg", "plot.png"]
    assert library.count('<a href="/admin/media/') >= 2  # both in the library's list


def test_a_script_gets_each_files_verdict_with_its_status(app):
    client = admin_client(app)
    kept = upload(client, ("beans.jpg", picture()), json=True)
    assert kept.status_code == 201
    item = kept.get_json()["uploaded"][0]
    assert item["name"] == "beans.jpg" and item["kind"] == "image" and item["thumbnail"]
    wrong = upload(client, ("script.jpg", b"<script>alert(1)</script>"), json=True)
    assert wrong.status_code == 415
    assert wrong.get_json()["refused"][0]["name"] == "script.jpg"
    big = upload(client, ("big.pdf", b"%PDF-1.4\n" + b"0" * CAP), json=True)
    assert big.status_code == 413 and big.get_json()["refused"][0]["message"]
    assert [name for name, *_ in stored(app)] == ["beans.jpg"]


def test_alt_title_and_caption_are_kept_and_shape_the_markdown_to_insert(app):
    client = admin_client(app)
    item = upload(client, ("beans.jpg", picture()), json=True).get_json()["uploaded"][0]
    answer = submit_form(
        client,
        item["edit"],
        {"alt": "Beans [on] the fence", "title": 'Our "best" row', "caption": "June"},
    )
    assert answer.status_code == 303
    page = client.get(item["edit"]).get_data(as_text=True)
    assert 'value="Beans [on] the fence"' in page and "June</textarea>" in page
    found = client.get("/admin/media/?q=best", headers={"Accept": "application/json"}).get_json()
    (again,) = found["items"]
    markdown = {choice["size"]: choice["markdown"] for choice in again["choices"]}
    assert (
        markdown["full"]
        == f'![Beans \\[on\\] the fence]({again["url"]} "Our &quot;best&quot; row")'
    )
    preview = submit_form(client, "/admin/posts/new", {"body": markdown["full"], "preview": "1"})
    assert 'alt="Beans [on] the fence"' in preview.get_data(as_text=True)
    assert 'title="Our &quot;best&quot; row"' in preview.get_data(as_text=True)
    assert "medium" in markdown and markdown["medium"] != markdown["full"]


def test_the_library_finds_by_name_or_title_and_filters_images_from_files(app):
    client = admin_client(app)
    upload(client, ("beans.jpg", picture()), ("leeks.png", picture(kind="PNG")))
    upload(client, ("seed-list.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n"))

    def names(query: str) -> list[str]:
        answer = client.get(f"/admin/media/?{query}", headers={"Accept": "application/json"})
        return sorted(item["name"] for item in answer.get_json()["items"])

    assert names("") == ["beans.jpg", "leeks.png", "seed-list.pdf"]
    assert names("q=LEEK") == ["leeks.png"]
    assert names("kind=image") == ["beans.jpg", "leeks.png"]
    assert names("kind=file") == ["seed-list.pdf"]
    assert names("q=100%25_") == []  # LIKE's wildcards are plain characters here
    assert client.get("/admin/media/?page=99999999999999&kind=%00").status_code in (200, 400)


def test_delete_asks_first_then_the_file_is_gone(app):
    client = admin_client(app)
    item = upload(client, ("beans.jpg", picture()), json=True).get_json()["uploaded"][0]
    assert status(client, item["url"]) == 200
    delete_url = f"/admin/media/{item['id']}/delete"
    question = client.get(delete_url).get_data(as_text=True)
    assert "Delete “beans.jpg”?" in question and "cannot be undone" in question
    assert stored(app)  # asking deleted nothing
    answer = submit_form(client, delete_url, {})
    assert answer.status_code == 303 and stored(app) == []
    assert "Deleted “beans.jpg”." in client.get("/admin/media/").get_data(as_text=True)
    assert status(client, item["url"]) == 404


def test_an_author_sees_and_manages_only_their_own_uploads(app, make_user):
    make_user("ann", "author")
    make_user("bob", "author")
    ann, bob, admin = log_in(app, "ann"), log_in(app, "bob"), admin_client(app)
    anns = upload(ann, ("anns.jpg", picture()), json=True).get_json()["uploaded"][0]
    upload(bob, ("bobs.jpg", picture("blue")))

    assert "bobs.jpg" in bob.get("/admin/media/").get_data(as_text=True)
    assert "anns.jpg" not in bob.get("/admin/media/").get_data(as_text=True)
    for url in (anns["edit"], f"/admin/media/{anns['id']}/delete"):
        assert bob.get(url).status_code == 403
        assert (
            bob.post(url, data={"csrf_token": csrf_token(bob, "/admin/media/")}).status_code == 403
        )
    admins = admin.get("/admin/media/").get_data(as_text=True)
    assert "anns.jpg" in admins and "bobs.jpg" in admins
    assert sorted(name for name, *_ in stored(app)) == ["anns.jpg", "bobs.jpg"]


def test_every_form_and_script_request_needs_the_csrf_token(app):
    client = admin_client(app)
    sent = {"files": files(("beans.jpg", picture()))}
    assert client.post("/admin/media/upload", data=sent).status_code == 400
    headers = {"Accept": "application/json", "X-CSRFToken": "forged"}
    sent = {"files": files(("beans.jpg", picture()))}
    assert client.post("/admin/media/upload", data=sent, headers=headers).status_code == 400
    assert stored(app) == []
    item = upload(client, ("beans.jpg", picture()), json=True).get_json()["uploaded"][0]
    assert client.post(item["edit"], data={"alt": "changed"}).status_code == 400
    assert client.post(f"/admin/media/{item['id']}/delete").status_code == 400
    assert stored(app) == [("beans.jpg", 1, None)]
    headers = {"Accept": "application/json", "X-CSRFToken": csrf_token(client, "/admin/media/")}
    sent = {"files": files(("leeks.jpg", picture()))}
    assert client.post("/admin/media/upload", data=sent, headers=headers).status_code == 201


def test_a_reader_never_reaches_any_media_page(app, make_user):
    make_user("admin")
    reader = app.test_client()
    for url in ("/admin/media/", "/admin/media/1/", "/admin/media/1/delete"):
        answer = reader.get(url)
        assert answer.status_code == 302 and "/login" in answer.headers["Location"], url
    answer = reader.post("/admin/media/upload", data={"files": files(("x.jpg", picture()))})
    assert answer.status_code in (302, 400, 403)
    assert stored(app) == []


def test_uploads_from_the_editor_belong_to_the_post(app, make_user):
    client = admin_client(app)
    editor = client.get("/admin/posts/new").get_data(as_text=True)
    assert 'id="media-panel"' in editor and "editor-media.js" in editor
    early = upload(client, ("early.jpg", picture()), json=True).get_json()["uploaded"][0]
    empty = submit_form(client, "/admin/posts/new", {"title": "", "media_ids": early["id"]})
    assert empty.status_code == 400  # the form comes back to be fixed, the upload still in it
    assert f'name="media_ids" value="{early["id"]}"' in empty.get_data(as_text=True)
    saved = submit_form(
        client, "/admin/posts/new", {"title": "Beans", "body": "Tall.", "media_ids": early["id"]}
    )
    post_id = int(saved.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    upload(client, ("later.jpg", picture()), json=True, post_id=str(post_id))
    assert stored(app) == [("early.jpg", 1, post_id), ("later.jpg", 1, post_id)]

    make_user("bob", "author")
    bob = log_in(app, "bob")
    assert upload(bob, ("bobs.jpg", picture()), post_id=str(post_id)).status_code == 403
    assert len(stored(app)) == 2


def test_a_photo_larger_than_any_form_is_taken_but_only_from_a_blogger(make_app):
    app = make_app(plugins=[])  # the real caps: 5 MB a file, 2 MB for any other form
    photo = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)
    stranger = app.test_client()
    answer = post_files(stranger, {}, [("big.pdf", photo)])
    assert answer.status_code == 413  # refused before it is read: no login, no room
    client = admin_client(app)
    assert upload(client, ("big.pdf", photo), json=True).status_code == 201
    answer = upload(client, *[(f"part-{n}.pdf", photo) for n in range(20)])
    assert answer.status_code == 413
    assert "upload fewer or smaller files" in answer.get_data(as_text=True)
    assert [name for name, *_ in stored(app)] == ["big.pdf"]


def test_the_library_reads_the_same_few_queries_however_many_uploaders(app, make_user):
    admin = admin_client(app)
    upload(admin, ("first.jpg", picture()))

    def queries() -> int:
        with counting_queries(app) as found:
            assert admin.get("/admin/media/").status_code == 200
        return len(found)

    few = queries()
    for name in ("ann", "bob", "cy"):
        make_user(name, "author")
        upload(log_in(app, name), (f"{name}.jpg", picture()))
    assert queries() == few


def test_the_library_finds_an_image_by_the_words_of_its_alt_text(app):
    client = admin_client(app)
    upload(client, ("img-0042.jpg", picture()), ("img-0043.jpg", picture()))
    items = client.get("/admin/media/", headers={"Accept": "application/json"}).get_json()
    edit = {item["name"]: item["edit"] for item in items["items"]}["img-0042.jpg"]
    fields = {"alt": "Runner beans on the fence", "title": "img 0042", "caption": ""}
    assert submit_form(client, edit, fields).status_code == 303
    found = client.get("/admin/media/?q=runner+FENCE", headers={"Accept": "application/json"})
    assert [item["name"] for item in found.get_json()["items"]] == ["img-0042.jpg"]
    page = client.get("/admin/media/?q=runner").get_data(as_text=True)
    assert "img-0042.jpg" in page and "img-0043.jpg" not in page
