"""What Lighthouse's SEO audit reads on every page a reader can reach (bench/lighthouse.py runs
the real thing), checked here cheaply: a title and a description that say what the page is."""

from __future__ import annotations

import re

import pytest
from site_tour import build_tour_blog

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
