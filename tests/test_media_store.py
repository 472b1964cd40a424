"""A blogger's uploads as the media core keeps them: sized, upright, with no trace of where."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from media_samples import (
    MAKE,
    animated_gif,
    location_of,
    phone_photo,
    png_image,
    stored_files,
)
from PIL import Image

from hlsblog.extensions import db
from hlsblog.media import UploadRefused, delete_media, media_url, store_upload
from hlsblog.models import Media

pytestmark = pytest.mark.plugins()


def uploads(app) -> Path:
    return Path(app.instance_path) / "uploads"


def store(app, data: bytes, name: str, **kwargs):
    with app.app_context():
        media = store_upload(io.BytesIO(data), name, **kwargs)
        db.session.refresh(media)
        db.session.expunge(media)
        return media


def refusal(app, data: bytes, name: str) -> UploadRefused:
    with app.app_context(), pytest.raises(UploadRefused) as caught:
        store_upload(io.BytesIO(data), name)
    return caught.value


def served(client, app, media, size=None):
    with app.test_request_context():
        url = media_url(media, size)
    return client.get(url)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "AVIF"])
def test_a_phone_photo_is_stored_upright_in_three_sizes_with_no_location(app, client, fmt):
    media = store(app, phone_photo(fmt), f"Holiday photo.{fmt.lower()}")

    # Orientation 6 means "turn a quarter": the 2000x1000 pixels are a portrait photo.
    assert (media.kind, media.width, media.height) == ("image", 1000, 2000)
    assert {name: (s["width"], s["height"]) for name, s in media.sizes.items()} == {
        "thumbnail": (150, 150),
        "medium": (150, 300),
        "large": (512, 1024),
    }
    files = stored_files(uploads(app))
    assert len(files) == 4  # the original and its sizes, nothing else left about
    for path in files:
        data = path.read_bytes()
        assert location_of(data) == {}, path
        assert b"52.0" not in data
    response = served(client, app, media)
    assert response.status_code == 200
    with Image.open(io.BytesIO(response.data)) as image:
        assert image.size == (1000, 2000)
        assert image.getpixel((999, 0))[0] > 200  # the red mark turned to the top right
        assert image.getexif().get(MAKE, "PhoneMaker") == "PhoneMaker"
    response.close()


def test_the_camera_details_other_than_where_are_kept(app):
    media = store(app, phone_photo("JPEG"), "camera.jpg")
    with Image.open(uploads(app) / media.filename) as image:
        assert image.getexif()[MAKE] == "PhoneMaker"
        assert 0x0112 not in image.getexif()  # the turn is in the pixels now


def test_a_small_picture_is_never_enlarged(app):
    media = store(app, png_image((200, 120)), "icon.png")
    assert list(media.sizes) == ["thumbnail"]
    assert (media.width, media.height) == (200, 120)


def test_an_animated_gif_keeps_every_frame(app):
    media = store(app, animated_gif(frames=3), "dance.gif")
    assert media.mime == "image/gif" and media.sizes == {}  # a resized copy would stand still
    with Image.open(uploads(app) / media.filename) as image:
        assert image.is_animated and image.n_frames == 3


def test_an_animation_of_too_many_large_frames_is_refused_before_it_holds_a_worker(make_app):
    # Each frame passes the pixel cap alone; together they would take a worker minutes.
    app = make_app(plugins=[], UPLOAD_MAX_ANIMATION_PIXELS=1_000_000)
    refused = refusal(app, animated_gif(frames=12, size=(400, 300)), "flood.gif")
    assert refused.status == 413 and "too many frames" in refused.message
    assert not uploads(app).exists() or not any(uploads(app).rglob("*.gif"))
    assert store(app, animated_gif(frames=3, size=(400, 300)), "small.gif").mime == "image/gif"


def test_a_png_named_jpg_is_kept_as_the_png_it_is(app, client):
    media = store(app, png_image(), "not-really.jpg")
    assert media.mime == "image/png"
    assert media.filename.endswith("/not-really.png")
    response = served(client, app, media)
    assert response.headers["Content-Type"] == "image/png"
    response.close()


def test_a_file_over_the_cap_is_refused_with_413_and_leaves_nothing(make_app):
    app = make_app(plugins=[], UPLOAD_MAX_BYTES=5 * 1024 * 1024)
    big = b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024)
    refused = refusal(app, big, "annual-report.pdf")
    assert refused.status == 413
    assert refused.message == "annual-report.pdf is larger than the 5 MB an upload may be."
    assert stored_files(uploads(app)) == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Media.id))) == 0


def test_a_text_file_is_refused_by_its_content_whatever_its_name(app):
    refused = refusal(app, b"#!/bin/sh\nrm -rf /\n", "photo.jpg")
    assert refused.status == 415
    assert "photo.jpg: this kind of file is not taken" in refused.message
    assert "JPEG, PNG, GIF, WebP, AVIF" in refused.message
    assert stored_files(uploads(app)) == []


def test_a_damaged_picture_is_refused_clearly(app):
    photo = phone_photo("JPEG")
    refused = refusal(app, photo[: len(photo) // 3], "broken.jpg")
    assert refused.status == 400 and "damaged" in refused.message
    assert stored_files(uploads(app)) == []


def test_a_bmp_is_refused_as_a_picture_browsers_do_not_take(app):
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "BMP")
    refused = refusal(app, out.getvalue(), "old.bmp")
    assert refused.status == 415 and "BMP" in refused.message


def test_an_svg_with_a_script_is_only_ever_a_download(app, client):
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    media = store(app, svg, "logo.svg")
    assert (media.kind, media.mime) == ("file", "image/svg+xml")
    response = served(client, app, media)
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "script-src" not in response.headers["Content-Security-Policy"]  # default-src 'none'
    response.close()


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/passwd", "....//passwd"]
)
def test_a_name_that_climbs_folders_stays_inside_the_uploads(app, name):
    media = store(app, b"%PDF-1.4\nhello\n%%EOF\n", name)
    stem = media.filename.rsplit("/", 1)[1]
    assert stem in {"passwd.pdf", "win.pdf"}
    assert media.original_name in {"passwd", "win.ini"}
    for path in stored_files(uploads(app)):
        assert path.resolve().is_relative_to(uploads(app).resolve())


def test_names_are_made_safe_and_never_reused(app):
    first = store(app, png_image(), "Crème brûlée (final) .PNG")
    second = store(app, png_image(), "crème brûlée (final).png")
    assert first.filename.endswith("/creme-brulee-final.png")
    assert second.filename.endswith("/creme-brulee-final-2.png")
    assert first.original_name == "Crème brûlée (final) .PNG"


def test_a_name_like_a_size_cannot_pass_for_another_uploads_copy(app):
    media = store(app, png_image((200, 100)), "photo-150x150.png")
    assert media.filename.endswith("/photo.png")


def test_files_are_kept_with_the_type_their_bytes_show(app, client):
    mp3 = store(app, b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 100, "song.bin")
    mp4 = store(app, b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100, "clip")
    assert (mp3.mime, mp3.filename[-4:]) == ("audio/mpeg", ".mp3")
    assert (mp4.mime, mp4.filename[-4:]) == ("video/mp4", ".mp4")
    response = served(client, app, mp4)
    assert response.headers["Content-Type"] == "video/mp4"
    assert response.headers["Content-Disposition"] == 'attachment; filename="clip.mp4"'
    response.close()


def test_import_details_are_kept(app, make_user):
    user = make_user("writer", "author")
    media = store(
        app,
        png_image(),
        "old.png",
        user=user,
        wp_id=4711,
        original_url="http://old.example/wp-content/uploads/2012/01/old.png",
    )
    with app.app_context():
        kept = db.session.get(Media, media.id)
        assert (kept.wp_id, kept.uploader_id) == (4711, user.id)
        assert kept.original_url.endswith("/2012/01/old.png")


def test_deleting_an_upload_removes_every_copy_and_its_row(app, client):
    media = store(app, phone_photo(), "gone.jpg")
    with app.app_context():
        delete_media(db.session.get(Media, media.id))
        assert db.session.get(Media, media.id) is None
    assert stored_files(uploads(app)) == []
    assert served(client, app, media).status_code == 404


def test_a_location_in_xmp_is_dropped_too(app):
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
        b'22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/"'
        b' exif:GPSLatitude="52,22.5N"/></rdf:RDF></x:xmpmeta>'
    )
    out = io.BytesIO()
    Image.new("RGB", (800, 600)).save(out, "JPEG", xmp=xmp)
    store(app, out.getvalue(), "xmp.jpg")
    for path in stored_files(uploads(app)):
        assert b"GPSLatitude" not in path.read_bytes()


def test_bloggers_uploading_one_name_at_once_each_keep_their_own_file(app):
    from concurrent.futures import ThreadPoolExecutor

    pictures = [png_image((400 + n, 300)) for n in range(6)]

    def upload(data: bytes) -> tuple[str, int]:
        with app.app_context():
            media = store_upload(io.BytesIO(data), "same.png")
            return media.filename, media.width

    with ThreadPoolExecutor(max_workers=6) as pool:
        stored = list(pool.map(upload, pictures))
    assert len({name for name, _ in stored}) == 6
    for name, width in stored:  # each name holds the picture that was sent under it
        with Image.open(uploads(app) / name) as image:
            assert image.width == width
    assert len(stored_files(uploads(app))) == 6 * 3  # original, thumbnail, medium


def _png_claiming(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 1024)  # a few rows: the rest would unpack from nothing
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


@pytest.mark.parametrize("side", [9000, 40000])  # over our cap; over Pillow's own
def test_a_picture_of_too_many_pixels_is_refused_before_it_is_unpacked(app, side):
    refused = refusal(app, _png_claiming(side, side), "bomb.png")
    assert refused.status == 413 and "too many pixels" in refused.message
    assert stored_files(uploads(app)) == []


def test_a_16_bit_grey_png_keeps_its_greys_in_its_sizes(app):
    out = io.BytesIO()
    Image.new("I;16", (800, 600), 32768).save(out, "PNG")  # half-way grey
    media = store(app, out.getvalue(), "scan.png")
    with Image.open(uploads(app) / media.sizes["medium"]["file"]) as medium:
        assert medium.convert("L").getpixel((10, 10)) == 128
