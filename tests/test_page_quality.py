"""What Lighthouse's SEO audit reads on every page a reader can reach (bench/lighthouse.py runs
the real thing), checked here cheaply: a title and a description that say what the page is."""

from __future__ import annotations

import re

import pytest
from site_tour import build_tour_blog

from hlsblog.testing import admin_client

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

DESCRIPTION = re.compile(r'<meta name="description" content="([^"]+)">')
TITLE = re.compile(r"<title>([^<]+)</title>")


def test_every_reader_page_has_a_title_and_a_description(client, make_post, make_comment):
    reader = build_tour_blog(make_post, make_comment)
    del reader["not found"]  # an error page is for people only
    for name, path in reader.items():
        html = client.get(path).get_data(as_text=True)
        assert TITLE.search(html), name
        found = DESCRIPTION.findall(html)
        assert len(found) == 1 and found[0].strip(), name
    assert DESCRIPTION.findall(client.get("/").get_data(as_text=True)) == ["Just another hlsblog"]


def test_the_editor_of_a_saved_post_shows_its_preview_from_the_start(app, make_post):
    # Lighthouse counted a layout shift when the live preview came in after the page.
    post = make_post("Shown at once", body="Some *text* to see.")
    page = admin_client(app).get(f"/admin/posts/{post['id']}/").get_data(as_text=True)
    preview = page.split('id="live-preview"', 1)[1].split("</section>", 1)[0]
    assert " hidden" not in preview.split(">", 1)[0]
    assert "<em>text</em>" in preview
