"""A WordPress blog moves in with its pictures: ``import-wxr FILE --uploads DIR``.

The blogger has the export and a copy of the old site's ``wp-content/uploads`` folder; the
pictures are stored here in our sizes, every post that showed them shows our copies, the old
addresses of the files and their pages lead here, and a file that is not there is named.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from media_samples import phone_photo, png_image, stored_files
from PIL import Image

from hlsblog.extensions import db
from hlsblog.models import Media, Post
from hlsblog.wxr.reader import WxrItem, WxrReader

FIXTURE = Path(__file__).parent / "fixtures" / "wxr" / "with-attachments.xml"
OLD_HOST = re.compile(r"(?:https?:)?//(?:www\.)?cheese\.example/wp-content/uploads/[^\"' ]+")


def old_uploads(root: Path) -> Path:
    """The blogger's copy of ``wp-content/uploads``, as WordPress left it (gone.jpg is not)."""
    folder = root / "wp-content" / "uploads" / "2012" / "01"
    folder.mkdir(parents=True)
    (folder / "photo.jpg").write_bytes(phone_photo(size=(1600, 1067), orientation=1))
    for width, height in ((150, 150), (300, 200), (1024, 683)):  # WordPress's own sizes
        (folder / f"photo-{width}x{height}.jpg").write_bytes(phone_photo(size=(width, height)))
    (folder / "diagram.jpg").write_bytes(png_image((400, 300)))  # a PNG under a .jpg name
    (folder / "notes.txt").write_text("not a picture, nor a kind of file the blog takes\n")
    return root / "wp-content" / "uploads"


def run_import(app: Flask, *args: str) -> Any:
    """``flask import-wxr FIXTURE …`` as the blogger types it."""
    return app.test_cli_runner().invoke(args=["import-wxr", str(FIXTURE), *args])


def body_of(app: Flask, slug: str) -> str:
    """What a reader's browser receives for the post or page at ``/…/slug/``."""
    with app.app_context():
        post = db.session.scalar(db.select(Post).where(Post.slug == slug))
        assert post is not None
        return post.body_html


def test_the_pictures_come_home_and_no_post_points_at_the_old_site(
    make_app: Any, tmp_path: Path
) -> None:
    app = make_app(plugins=[])
    result = run_import(app, "--uploads", str(old_uploads(tmp_path)))
    assert result.exit_code == 0, result.output
    # Each file is said as it comes; the missing one and the refused one by name, and why.
    assert "file 2012/01/photo.jpg: from the uploads folder" in result.output
    assert "file 2012/01/diagram.jpg: from the uploads folder" in result.output
    assert "Missing file 2012/01/gone.jpg (attachment 21 'gone'): not in the uploads folder." in (
        result.output
    )
    assert "Missing file 2012/01/notes.txt (attachment 23 'notes'): refused: notes.txt:" in (
        result.output
    )
    assert "files: 2 imported, 2 skipped" in result.output

    post, page = body_of(app, "best-cheese"), body_of(app, "about")
    # Only links to files that did not come still name the old site; a friend's site stays.
    assert sorted(set(OLD_HOST.findall(post + page))) == [
        "http://cheese.example/wp-content/uploads/2012/01/gone-150x150.jpg",
        "http://cheese.example/wp-content/uploads/2012/01/gone.jpg",
        "http://cheese.example/wp-content/uploads/2012/01/notes.txt",
    ]
    assert "http://friend.example/wp-content/uploads/2012/01/brie.jpg" in post
    for url in ("gone-150x150.jpg", "gone.jpg", "notes.txt"):
        assert f"still links to http://cheese.example/wp-content/uploads/2012/01/{url}" in (
            result.output
        )
    # WordPress's -300x200 is our medium, -1024x683 our large; the link is the original.
    assert 'src="/uploads/2012/01/photo-300x200.jpg"' in post
    assert 'href="/uploads/2012/01/photo.jpg"' in post
    assert "/uploads/2012/01/photo-1024x683.jpg 1024w" in post
    # The renamed PNG is kept as the PNG it is, and the page shows it with its size.
    assert 'src="/uploads/2012/01/diagram.png"' in page
    assert 'width="400" height="300"' in page

    with app.app_context():
        photo = db.session.scalar(db.select(Media).where(Media.wp_id == 20))
        diagram = db.session.scalar(db.select(Media).where(Media.wp_id == 22))
        assert photo is not None and diagram is not None
        assert (photo.alt, photo.caption, photo.title) == (
            "A wheel of cheese on a board",
            "Our winter wheel",
            "A wheel of cheese",
        )
        assert photo.original_url == "http://cheese.example/wp-content/uploads/2012/01/photo.jpg"
        assert photo.created_at.strftime("%Y-%m-%d %H:%M") == "2012-01-15 09:50"
        assert photo.post_id == db.session.scalar(db.select(Post.id).where(Post.wp_id == 10))
        assert diagram.mime == "image/png"
        assert diagram.post_id == db.session.scalar(db.select(Post.id).where(Post.wp_id == 11))
        assert db.session.scalar(db.select(db.func.count(Media.id))) == 2


def test_old_addresses_of_the_files_and_their_pages_lead_to_the_copies(
    make_app: Any, tmp_path: Path
) -> None:
    app = make_app(plugins=[])
    assert run_import(app, "--uploads", str(old_uploads(tmp_path))).exit_code == 0
    client = app.test_client()
    photo = "/uploads/2012/01/photo.jpg"
    for old, new in (
        ("/?attachment_id=20", photo),
        ("/2012/01/15/best-cheese/photo/", photo),
        ("/wp-content/uploads/2012/01/photo.jpg", photo),
        ("/wp-content/uploads/2012/01/photo-300x200.jpg", "/uploads/2012/01/photo-300x200.jpg"),
        ("/?attachment_id=22", "/uploads/2012/01/diagram.png"),
    ):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response.location.endswith(new), (old, response.location)
        with client.get(response.location) as served:
            assert served.status_code == 200
    # A file that did not come: its page still leads to where it was.
    response = client.get("/?attachment_id=21")
    assert (response.status_code, response.location) == (
        301,
        "http://cheese.example/wp-content/uploads/2012/01/gone.jpg",
    )


def test_a_second_run_changes_nothing_and_stores_nothing_twice(
    make_app: Any, tmp_path: Path
) -> None:
    app = make_app(plugins=[])
    uploads = old_uploads(tmp_path)
    assert run_import(app, "--uploads", str(uploads)).exit_code == 0
    kept = stored_files(Path(app.instance_path) / "uploads")
    second = run_import(app, "--uploads", str(uploads))
    assert second.exit_code == 0, second.output
    assert "skipped 2 posts: already imported, unchanged" not in second.output  # a post, a page
    assert "skipped 1 posts: already imported, unchanged" in second.output
    assert "skipped 1 pages: already imported, unchanged" in second.output
    assert stored_files(Path(app.instance_path) / "uploads") == kept


def test_without_a_folder_the_posts_keep_their_links_and_nothing_is_stored(
    make_app: Any,
) -> None:
    app = make_app(plugins=[])
    assert run_import(app).exit_code == 0
    assert 'src="http://cheese.example/wp-content/uploads/2012/01/photo-300x200.jpg"' in (
        body_of(app, "best-cheese")
    )
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Media.id))) == 0


def test_a_folder_with_a_link_out_of_it_is_never_followed(make_app: Any, tmp_path: Path) -> None:
    app = make_app(plugins=[])
    secret = tmp_path / "secret.png"
    secret.write_bytes(png_image((64, 64)))
    uploads = old_uploads(tmp_path / "site")
    (uploads / "2012" / "01" / "photo.jpg").unlink()
    (uploads / "2012" / "01" / "photo.jpg").symlink_to(secret)
    result = run_import(app, "--uploads", str(uploads))
    assert "Missing file 2012/01/photo.jpg (attachment 20" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(Media).where(Media.wp_id == 20)) is None


@pytest.fixture
def old_site(tmp_path: Path) -> Iterator[str]:
    """The old WordPress site still up on 127.0.0.1, serving its uploads (no gone.jpg)."""
    root = tmp_path / "old-site"
    old_uploads(root)

    class Quiet(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the test's output is the import's

    server = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def export_from(host: str, tmp_path: Path) -> Path:
    """The fixture as the old site at ``host`` would have written it."""
    text = FIXTURE.read_text().replace("www.cheese.example", host).replace("cheese.example", host)
    path = tmp_path / "export.xml"
    path.write_text(text)
    return path


def test_missing_files_are_fetched_from_the_old_site_when_asked(
    make_app: Any, tmp_path: Path, old_site: str
) -> None:
    app = make_app(plugins=[])
    export = export_from(old_site, tmp_path)
    args = ["import-wxr", str(export), "--fetch-attachments", "--allow-host", "127.0.0.1"]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    uploads = f"http://{old_site}/wp-content/uploads/2012/01"
    assert f"file 2012/01/photo.jpg: fetched from {uploads}/photo.jpg" in result.output
    assert f"file 2012/01/diagram.jpg: fetched from {uploads}/diagram.jpg" in result.output
    assert "Missing file 2012/01/gone.jpg (attachment 21 'gone'): the old site answered 404." in (
        result.output
    )
    assert "files: 2 imported, 2 skipped" in result.output
    post = body_of(app, "best-cheese")
    assert 'src="/uploads/2012/01/photo-300x200.jpg"' in post
    assert f"{uploads}/photo" not in post
    assert 'src="/uploads/2012/01/diagram.png"' in body_of(app, "about")


def test_the_folder_comes_first_and_only_what_it_lacks_is_fetched(
    make_app: Any, tmp_path: Path, old_site: str
) -> None:
    app = make_app(plugins=[])
    folder = old_uploads(tmp_path / "copy")
    (folder / "2012" / "01" / "diagram.jpg").unlink()
    export = export_from(old_site, tmp_path)
    args = ["--uploads", str(folder), "--fetch-attachments", "--allow-host", "127.0.0.1"]
    result = app.test_cli_runner().invoke(args=["import-wxr", str(export), *args])
    assert result.exit_code == 0, result.output
    assert "file 2012/01/photo.jpg: from the uploads folder" in result.output
    assert "file 2012/01/diagram.jpg: fetched from" in result.output


def test_the_fetch_refuses_a_private_address_and_a_file_over_the_cap(
    make_app: Any, tmp_path: Path, old_site: str
) -> None:
    export = export_from(old_site, tmp_path)
    app = make_app(plugins=[])
    refused = app.test_cli_runner().invoke(args=["import-wxr", str(export), "--fetch-attachments"])
    assert "Missing file 2012/01/photo.jpg (attachment 20 'A wheel of cheese'): not a public " in (
        refused.output
    )
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Media.id))) == 0

    small = make_app(plugins=[], UPLOAD_MAX_BYTES=2000)  # the diagram fits, the photo does not
    args = ["import-wxr", str(export), "--fetch-attachments", "--allow-host", "127.0.0.1"]
    result = small.test_cli_runner().invoke(args=args)
    assert "file 2012/01/diagram.jpg: fetched from" in result.output
    assert re.search(
        r"Missing file 2012/01/photo.jpg \(.*\): .* is larger than 2,000 bytes", (result.output)
    )
    assert not any(
        path.name.startswith("photo") for path in stored_files(Path(small.instance_path))
    )


def test_the_export_lists_each_upload_for_wordpress_to_fetch(make_app: Any, tmp_path: Path) -> None:
    app = make_app(plugins=[])
    assert run_import(app, "--uploads", str(old_uploads(tmp_path))).exit_code == 0
    exported = tmp_path / "out.xml"
    args = ["export-wxr", str(exported), "--base-url", "https://blog.example/"]
    assert app.test_cli_runner().invoke(args=args).exit_code == 0
    attachments = {
        item.wp_id: item
        for item in WxrReader(exported)
        if isinstance(item, WxrItem) and item.post_type == "attachment"
    }
    # The two brought home point at our copies; the missing and refused ones at the old site.
    photo, diagram = attachments[20], attachments[22]
    assert photo.attachment_url == "https://blog.example/uploads/2012/01/photo.jpg"
    assert photo.link == "http://cheese.example/2012/01/15/best-cheese/photo/"
    assert (photo.parent, diagram.parent) == (10, 11)
    assert photo.meta_value("_wp_attached_file") == "2012/01/photo.jpg"
    assert photo.meta_value("_wp_attachment_image_alt") == "A wheel of cheese on a board"
    assert diagram.attachment_url == "https://blog.example/uploads/2012/01/diagram.png"
    assert attachments[21].attachment_url == (
        "http://cheese.example/wp-content/uploads/2012/01/gone.jpg"
    )
    assert sorted(attachments) == [20, 21, 22, 23]
    # WordPress's importer rewrites the absolute addresses it fetched: the posts give theirs.
    posts = {item.wp_id: item for item in WxrReader(exported) if isinstance(item, WxrItem)}
    assert 'src="https://blog.example/uploads/2012/01/photo-300x200.jpg"' in posts[10].content
    assert '"/uploads/' not in posts[10].content
    with app.test_client().get("/uploads/2012/01/photo.jpg") as served:
        assert served.status_code == 200  # the address WordPress will fetch answers


@pytest.mark.parametrize("attached_file", [True, False], ids=["with-meta", "without-meta"])
def test_uploads_kept_elsewhere_than_wp_content_are_found_by_the_attachments_addresses(
    make_app: Any, tmp_path: Path, attached_file: bool
) -> None:
    # A multisite blog's files live at /files/2012/01/…; _wp_attached_file, if any, 2012/01/….
    text = FIXTURE.read_text().replace("/wp-content/uploads/", "/files/")
    if not attached_file:
        text = re.sub(r"<wp:postmeta><wp:meta_key><!\[CDATA\[_wp_attached_file.*", "", text)
    export = tmp_path / "multisite.xml"
    export.write_text(text)
    app = make_app(plugins=[])
    args = ["import-wxr", str(export), "--uploads", str(old_uploads(tmp_path))]
    assert app.test_cli_runner().invoke(args=args).exit_code == 0
    post = body_of(app, "best-cheese")
    assert 'src="/uploads/2012/01/photo-300x200.jpg"' in post
    assert "cheese.example/files/2012/01/photo" not in post
    assert 'src="/uploads/2012/01/diagram.png"' in body_of(app, "about")


WPCOM = Path(__file__).parent / "fixtures" / "wxr" / "wordpress-com.xml"
WPCOM_FILES = "https://shelf.files.wordpress.com"


def painted(colour: str, size: tuple[int, int]) -> bytes:
    """A JPEG of one colour: which picture a reader is shown can be told at a glance."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def wpcom_uploads(root: Path, *, all_of_them: bool = False) -> Path:
    """The files of the WordPress.com blog as downloaded: ``YYYY/MM/name``, no wp-content."""
    pictures = {
        "2008/06/canola2.jpg": painted("yellow", (640, 480)),
        "2013/03/image-alignment-580x300.jpg": painted("red", (580, 300)),
    }
    if all_of_them:
        pictures["2013/03/image-alignment-150x150.jpg"] = painted("green", (150, 150))
        pictures["2013/03/image-alignment-300x200.jpg"] = painted("blue", (300, 200))
    for path, data in pictures.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    return root


def shown(app: Flask, address: str) -> tuple[str, tuple[int, int]]:
    """The colour and size of the picture a reader's browser gets at ``address``."""
    with app.test_client().get(address) as response:
        assert response.status_code == 200, address
        with Image.open(io.BytesIO(response.data)) as image:
            red, green, blue = image.convert("RGB").getpixel((image.width // 2, image.height // 2))
            size = image.size
    names = {"red": (255, 0, 0), "green": (0, 128, 0), "blue": (0, 0, 255), "yellow": (255, 255, 0)}
    near = {
        name: sum(abs(a - b) for a, b in zip(rgb, (red, green, blue), strict=True))
        for name, rgb in names.items()
    }
    return min(near, key=near.__getitem__), size


def images_in(html: str) -> dict[str, str]:
    """Each ``<img>``'s alt text and the address it shows."""
    return {
        alt: src
        for src, alt in re.findall(r'<img[^>]*?src="([^"]*)"[^>]*?alt="([^"]*)"', html)
        + [(s, a) for a, s in re.findall(r'<img[^>]*?alt="([^"]*)"[^>]*?src="([^"]*)"', html)]
    }


def test_a_wordpress_com_export_finds_its_files_by_their_dated_addresses(
    make_app: Any, tmp_path: Path
) -> None:
    # Files at https://SITE.files.wordpress.com/2008/06/…: no wp-content, no _wp_attached_file.
    app = make_app(plugins=[])
    args = ["import-wxr", str(WPCOM), "--uploads", str(wpcom_uploads(tmp_path))]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "file 2008/06/canola2.jpg: from the uploads folder" in result.output
    assert "file 2013/03/image-alignment-580x300.jpg: from the uploads folder" in result.output
    gallery = body_of(app, "gallery")
    assert f"{WPCOM_FILES}/2008" not in gallery  # the files' host, ?w=300 or not, is left behind
    assert 'href="/uploads/2008/06/canola2.jpg"' in gallery
    assert shown(app, images_in(gallery)["canola"]) == ("yellow", (300, 225))
    # The blog's own dated addresses are posts and pages, not files: untouched, not reported.
    assert 'href="https://shelf.wordpress.com/2013/01/10/markup-image-alignment/"' in gallery
    assert "still links to https://shelf.wordpress.com/" not in result.output
    with app.app_context():
        canola = db.session.scalar(db.select(Media).where(Media.wp_id == 611))
        assert canola is not None and canola.alt == "canola"
        assert canola.original_url == f"{WPCOM_FILES}/2008/06/canola2.jpg"
        assert canola.post_id == db.session.scalar(db.select(Post.id).where(Post.wp_id == 555))
    # Exported again, the attachment's page is its page, not its file's old address.
    exported = tmp_path / "out.xml"
    args = ["export-wxr", str(exported), "--base-url", "https://blog.example/"]
    assert app.test_cli_runner().invoke(args=args).exit_code == 0
    (item,) = (item for item in WxrReader(exported) if getattr(item, "wp_id", 0) == 611)
    assert item.link == "https://shelf.wordpress.com/2013/01/10/markup-image-alignment/canola2/"
    assert item.attachment_url == "https://blog.example/uploads/2008/06/canola2.jpg"


def test_a_missing_picture_is_never_stood_in_for_by_one_whose_size_its_name_looks_like(
    make_app: Any, tmp_path: Path
) -> None:
    # image-alignment-150x150.jpg is its own attachment, not a size of image-alignment-580x300.
    app = make_app(plugins=[])
    args = ["import-wxr", str(WPCOM), "--uploads", str(wpcom_uploads(tmp_path))]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    for wp_id, name in ((904, "150x150"), (905, "300x200")):
        assert (
            f"Missing file 2013/03/image-alignment-{name}.jpg (attachment {wp_id} "
            f"'Image Alignment {name}'): not in the uploads folder."
        ) in result.output
        assert f"still links to {WPCOM_FILES}/2013/03/image-alignment-{name}.jpg" in result.output
    images = images_in(body_of(app, "markup-image-alignment"))
    assert images["Image Alignment 150x150"] == f"{WPCOM_FILES}/2013/03/image-alignment-150x150.jpg"
    assert images["Image Alignment 300x200"] == f"{WPCOM_FILES}/2013/03/image-alignment-300x200.jpg"
    # The 580x300 and its own WordPress size still come home.
    assert shown(app, images["Image Alignment 580x300"]) == ("red", (580, 300))
    assert shown(app, images["580x300 at medium"]) == ("red", (300, 155))


def test_pictures_whose_names_look_like_each_others_sizes_each_show_their_own_copy(
    make_app: Any, tmp_path: Path
) -> None:
    app = make_app(plugins=[])
    uploads = wpcom_uploads(tmp_path, all_of_them=True)
    result = app.test_cli_runner().invoke(
        args=["import-wxr", str(WPCOM), "--uploads", str(uploads)]
    )
    assert result.exit_code == 0, result.output
    assert "still links to" not in result.output
    images = images_in(body_of(app, "markup-image-alignment"))
    assert {alt: shown(app, src) for alt, src in images.items()} == {
        "Image Alignment 580x300": ("red", (580, 300)),
        "580x300 at medium": ("red", (300, 155)),
        "Image Alignment 150x150": ("green", (150, 150)),
        "Image Alignment 300x200": ("blue", (300, 200)),
    }
    # Each attachment's old page leads to its own picture too.
    client = app.test_client()
    for wp_id, colour in ((904, "green"), (905, "blue"), (906, "red")):
        response = client.get(f"/?attachment_id={wp_id}")
        assert response.status_code == 301
        assert shown(app, response.location)[0] == colour


def test_an_attachment_whose_id_no_database_keeps_is_named_and_the_rest_come_home(
    make_app: Any, tmp_path: Path
) -> None:
    export = tmp_path / "huge-id.xml"
    huge = "99999999999999999999"
    export.write_text(
        FIXTURE.read_text().replace(
            "<wp:post_id>22</wp:post_id>", f"<wp:post_id>{huge}</wp:post_id>"
        )
    )
    app = make_app(plugins=[])
    args = ["import-wxr", str(export), "--uploads", str(old_uploads(tmp_path))]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 1, result.output  # the item fails alone, named
    assert "its id is too large to keep" in result.output
    assert 'src="/uploads/2012/01/photo-300x200.jpg"' in body_of(app, "best-cheese")
