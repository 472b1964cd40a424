"""A blog served under a path prefix still shows each post's TrackBack address."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.plugins("trackback")
def test_a_blog_under_a_prefix_shows_the_trackback_address(client, make_post):
    post = make_post("Tea", "All about tea.")
    for base, prefix in (("http://localhost/", ""), ("http://localhost/blog", "/blog")):
        page = client.get(post["url"], base_url=base)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "TrackBack URI" in html, base
        assert f"http://localhost{prefix}{post['url']}trackback/" in html, base


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.plugins("trackback")
def test_a_page_under_a_prefix_is_served_not_redirected_to_itself(client, make_post):
    page = make_post("About", "Who we are.", kind="page")
    shown = client.get(page["url"], base_url="http://localhost/blog")
    assert shown.status_code == 200 and "Who we are." in shown.get_data(as_text=True)
    assert "TrackBack URI" not in shown.get_data(as_text=True)  # a page takes no TrackBacks
