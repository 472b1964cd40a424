"""In Chromium: a blogger uploads photos from the editor, inserts one, and readers see it."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from hlsblog.extensions import db
from hlsblog.media import Media, store_upload
from hlsblog.testing import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.plugins()]
GPS = 0x8825  # the EXIF block that holds where a photo was taken


def photo(color: str) -> bytes:
    """A phone's photo: 1600×1200 JPEG that says where it was taken."""
    exif = Image.Exif()
    exif[GPS] = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 40.0)}
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), color).save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_blogger_uploads_three_photos_to_a_new_post_inserts_one_and_publishes(
    app, live_server, page, make_user
):
    make_user()
    log_in_browser(page, live_server.url, "/admin/posts/new")
    page.get_by_label("Title").fill("The bean harvest")
    text = page.get_by_label("Text (Markdown")
    text.fill("A good year for beans.")

    photos = [
        {"name": name, "mimeType": "image/jpeg", "buffer": photo(color)}
        for name, color in [("row-1.jpg", "green"), ("row-2.jpg", "olive"), ("row-3.jpg", "brown")]
    ]
    page.locator("#media-files").set_input_files(photos)
    results = page.locator("#media-panel .upload-results li")
    results.filter(has_text="row-3.jpg").filter(has_text="Uploaded.").wait_for()
    assert [line.split(" ")[0] for line in results.all_inner_texts()] == [
        "row-1.jpg",
        "row-2.jpg",
        "row-3.jpg",
    ]
    assert all(line.endswith("Uploaded.") for line in results.all_inner_texts())

    text.press("Control+End")
    page.get_by_role("button", name="Insert “row-2.jpg” into post").click()
    body = text.input_value()
    assert body.startswith("A good year for beans.\n\n![](/uploads/")
    assert body.rstrip().endswith(")") and body.count("![") == 1
    page.get_by_label("Status").select_option("published")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Post published.").is_visible()

    page.get_by_role("link", name="View").click()
    picture = page.locator(".entry img")
    assert picture.count() == 1
    assert picture.get_attribute("srcset")
    assert picture.get_attribute("width") and picture.get_attribute("height")
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0")

    with app.app_context():
        attached = db.session.scalars(db.select(Media).order_by(Media.id)).all()
        assert [m.original_name for m in attached] == ["row-1.jpg", "row-2.jpg", "row-3.jpg"]
        assert len({m.post_id for m in attached}) == 1 and attached[0].post_id is not None
    kept = [p for p in Path(app.instance_path, "uploads").rglob("*") if p.is_file()]
    assert len(kept) >= 3
    for path in kept:
        with Image.open(path) as image:
            assert image.getexif().get_ifd(GPS) == {}, path


DROP = """([files]) => {
  const dropped = new DataTransfer();
  for (const [name, base64] of files) {
    const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
    dropped.items.add(new File([bytes], name));
  }
  return dropped;
}"""


def test_files_dropped_on_the_library_each_get_their_verdict(live_server, page, make_user):
    make_user()
    log_in_browser(page, live_server.url, "/admin/media/")
    dropped = [
        ("beans.jpg", base64.b64encode(photo("green")).decode()),
        ("notes.png", base64.b64encode(b"a shopping list, not a picture").decode()),
    ]
    files = page.evaluate_handle(DROP, [dropped])
    page.wait_for_load_state("load")  # the page's script listens for the drop once it has run
    page.dispatch_event("#media-upload-form", "drop", {"dataTransfer": files})
    verdicts = page.locator(".upload-results li")
    verdicts.filter(has_text="notes.png").filter(has_text="Not uploaded").wait_for()
    assert verdicts.filter(has_text="beans.jpg").inner_text().endswith("Uploaded.")
    refused = page.get_by_role("alert").filter(has_text="notes.png").inner_text()
    assert "Not uploaded:" in refused and len(refused) > len("notes.png Not uploaded: ") + 10

    page.get_by_role("link", name="Show the new uploads in the library").click()
    library = page.get_by_role("table")
    assert library.get_by_role("link", name="beans.jpg", exact=True).is_visible()
    assert "notes.png" not in library.inner_text()


def test_the_editor_finds_older_uploads_by_name_or_page_by_page(app, live_server, page, make_user):
    make_user()
    small = io.BytesIO()
    Image.new("RGB", (20, 20), "green").save(small, "PNG")
    with app.app_context(), app.test_request_context():
        for n in range(26):
            store_upload(io.BytesIO(small.getvalue()), f"{'leek' if n == 0 else 'bean'}-{n}.png")
    log_in_browser(page, live_server.url, "/admin/posts/new")
    listed = page.locator("#media-panel .media-choices li")
    listed.first.wait_for()
    assert listed.count() == 24 and listed.first.inner_text().startswith("bean-25.png")
    page.get_by_role("button", name="Show older uploads").click()
    listed.nth(25).wait_for()
    assert listed.last.inner_text().startswith("leek-0.png")
    assert page.get_by_role("button", name="Show older uploads").is_hidden()

    page.get_by_label("Choose from the library").fill("leek")
    expect(listed).to_have_count(1)
    page.get_by_role("button", name="Insert “leek-0.png” into post").click()
    assert page.get_by_label("Text (Markdown").input_value().startswith("![](/uploads/")
    page.get_by_label("Choose from the library").press("Enter")  # never sends the post's form
    page.wait_for_timeout(300)
    assert not page.locator("section.preview, .flash-info").count()  # no preview, no save
