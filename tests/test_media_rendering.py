"""A post that shows an upload gets its srcset, width and height when saved, not per view."""

from __future__ import annotations

import io
import re

import pytest
from media_samples import phone_photo

from hlsblog.extensions import db
from hlsblog.media import media_url, store_upload
from hlsblog.models import Media, Post

# How pictures are written into pages, the same from either database: SQLite only.
pytestmark = [pytest.mark.plugins(), pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


@pytest.fixture
def photo(app):
    with app.app_context():
        media = store_upload(io.BytesIO(phone_photo(size=(3000, 2000), orientation=1)), "lake.jpg")
        with app.test_request_context():
            return {
                "id": media.id,
                "url": media_url(media),
                "medium": media_url(media, "medium"),
                "large": media_url(media, "large"),
                "thumbnail": media_url(media, "thumbnail"),
            }


def images(html: str) -> list[dict[str, str]]:
    return [
        dict(re.findall(r'([a-z-]+)="([^"]*)"', tag)) for tag in re.findall(r"<img[^>]*>", html)
    ]


def test_a_markdown_picture_of_ours_gets_its_sizes_and_the_rest_load_lazily(
    client, make_post, photo
):
    body = (
        f"![The lake]({photo['large']})\n\n"
        "Some words.\n\n"
        f'![Small]({photo["medium"]} "At dusk")\n\n'
        "![Elsewhere](https://example.org/other.jpg)\n"
    )
    post = make_post("By the lake", body)
    page = client.get(post["url"]).get_data(as_text=True)
    first, second, other = images(page.split('class="entry-content"', 1)[-1])[:3]

    assert (first["width"], first["height"]) == ("1024", "683")
    assert first["srcset"] == (
        f"{photo['medium']} 300w, {photo['large']} 1024w, {photo['url']} 3000w"
    )
    assert first["sizes"] == "(max-width: 1024px) 100vw, 1024px"
    assert "loading" not in first  # the first picture is wanted at once
    assert (second["width"], second["height"], second["loading"]) == ("300", "200", "lazy")
    assert second["sizes"] == "(max-width: 300px) 100vw, 300px"
    assert second["title"] == "At dusk"
    assert other["loading"] == "lazy" and "srcset" not in other


def test_the_thumbnail_is_a_crop_that_stands_only_for_itself(app, make_post, photo):
    post = make_post("Thumb", f"![t]({photo['thumbnail']})")
    with app.app_context():
        (img,) = images(db.session.get(Post, post["id"]).body_html)
    assert (img["width"], img["height"]) == ("150", "150") and "srcset" not in img


def test_imported_html_at_the_blogs_own_address_keeps_its_width_and_height(make_app, make_post):
    app = make_app(plugins=[], SITE_URL="https://blog.example")
    with app.app_context():
        media = store_upload(io.BytesIO(phone_photo(orientation=1)), "old.jpg")
        with app.test_request_context():
            url = media_url(media, "medium", external=True)
    assert url.startswith("https://blog.example/uploads/")
    html = f'<p><img src="{url}" width="250" height="125" alt="old"></p>'
    with app.app_context():
        from hlsblog.models import User
        from hlsblog.posts import save_post

        author = User(username="w", role="author")
        db.session.add(author)
        db.session.flush()
        post = Post(title="Imported", body_source=html, source_format="html", author_id=author.id)
        save_post(post)
        (img,) = images(post.body_html)
    assert (img["width"], img["height"]) == ("250", "125")
    assert img["srcset"].startswith("/uploads/") and "300w" in img["srcset"]
    assert img["sizes"] == "(max-width: 250px) 100vw, 250px"


def test_image_html_gives_the_editor_a_ready_img(app, photo):
    from hlsblog.media import image_html

    with app.app_context(), app.test_request_context():
        media = db.session.get(Media, photo["id"])
        media.alt = 'The "lake" <at> dusk'
        (img,) = images(str(image_html(media, "medium")))
    assert img["src"] == photo["medium"] and (img["width"], img["height"]) == ("300", "200")
    assert img["alt"] == "The &#34;lake&#34; &lt;at&gt; dusk"
    assert img["srcset"].endswith(f"{photo['url']} 3000w")
    assert img["sizes"] == "(max-width: 300px) 100vw, 300px"
