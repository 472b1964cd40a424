"""The default theme on a phone at night, in a real Chromium: one column, dark, copyable."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


def test_a_phone_in_dark_mode_reads_a_deep_thread_and_copies_the_trackback_uri(
    live_server, browser, make_post, make_comment
):
    post = make_post("A rather long title that a phone must wrap without breaking words")
    parent = None
    for depth in range(1, 6):
        parent = make_comment(
            post["id"], f"A reply at depth {depth}, long enough to wrap.", parent_id=parent
        )
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    try:
        tab.goto(live_server.url + post["url"])
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
        title = tab.locator(".site-title")
        assert title.evaluate("e => e.scrollWidth <= e.clientWidth")
        background = tab.evaluate("getComputedStyle(document.body).backgroundColor")
        assert sum(int(n) for n in background[4:-1].split(",")) < 3 * 64, background  # dark
        # One column: the sidebar comes under the post, as wide as it.
        main, sidebar = tab.locator("main").bounding_box(), tab.locator(".sidebar").bounding_box()
        assert sidebar["y"] >= main["y"] + main["height"] and sidebar["width"] > 300
        deepest = tab.locator(f"#comment-{parent} > .comment-body").bounding_box()
        assert deepest["width"] >= 240, deepest  # five levels deep, still a readable line
        field = tab.locator(".trackback-uri input")
        assert field.get_attribute("readonly") is not None
        tab.locator(".trackback-uri").get_by_role("button", name="Copy").click()
        expected = field.input_value()
        assert expected.endswith("/trackback/")
        status = tab.locator(".trackback-uri [role=status]")
        status.filter(has_text="Copied").wait_for(timeout=5000)  # the clipboard answers later
        assert status.inner_text() == "Copied"
        assert tab.evaluate("navigator.clipboard.readText()") == expected
    finally:
        context.close()
