"""In Chromium: the preview follows the typing, Ctrl-S saves, and the admin fits a phone."""

from __future__ import annotations

import pytest

from hlsblog.testing import admin_client, log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


def test_the_preview_follows_the_typing_ctrl_s_saves_and_a_phone_fits(app, live_server, page):
    admin_client(app)  # makes the admin
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in_browser(page, live_server.url, "/admin/posts/new")
    page.fill("#title", "Live")
    page.fill("#body", "# Hello\n\n<script>alert(1)</script> *soon*")
    preview = page.locator("#live-preview .live-preview-body")
    preview.locator("h1", has_text="Hello").wait_for()
    assert preview.locator("em").inner_text() == "soon" and preview.locator("script").count() == 0
    assert page.locator("#live-preview-title").inner_text() == "Preview: Live"
    box = page.locator("#body").bounding_box()
    beside = page.locator("#live-preview").bounding_box()
    assert beside["x"] > box["x"] + box["width"] - 1  # beside the text at 1280 wide

    page.locator("#body").press("Control+s")
    page.wait_for_url("**/admin/posts/*/")
    assert (
        page.locator(".flash-info").inner_text()
        == "Post saved as a draft: readers don't see it yet."
    )
    page.locator("#body").press("Control+End")
    page.locator("#body").press_sequentially(" More")
    page.keyboard.press("Meta+s")
    page.locator(".flash-info").wait_for()
    assert "soon* More" in page.locator("#body").input_value()
    assert page.dialogs == [] and not errors, errors  # no script ran; CSP refused nothing

    page.set_viewport_size({"width": 390, "height": 844})
    for address in ("/admin/posts/", page.url, "/admin/plugins/", "/admin/"):
        page.goto(address if address.startswith("http") else live_server.url + address)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (address, width)
        assert not page.locator("#admin-menu").evaluate("menu => menu.open")  # folded
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("link", name="Posts", exact=True).click()
    page.wait_for_url("**/admin/posts/")
