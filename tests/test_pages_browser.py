"""In Chromium: a reader finds the pages in the theme's list; a blogger files one under another."""

from __future__ import annotations

import pytest

from hlsblog.testing import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.plugins()]


def test_a_reader_walks_the_page_list_to_a_nested_page(live_server, page, make_post):
    page_of = {"kind": "page", "categories": ""}
    about = make_post("About us", "Plot 14.", slug="about", menu_order=2, **page_of)
    make_post("The team", "Maggie and Bert.", parent_id=about["id"], **page_of)
    make_post("Contact", "Write to the shed.", menu_order=1, **page_of)
    make_post("Hello, garden", "The first post.")

    page.goto(live_server.url + "/")
    pages = page.get_by_role("navigation", name="Pages")
    assert pages.get_by_role("link").all_inner_texts() == ["Contact", "About us", "The team"]
    # The child is drawn inside its parent's item, so a screen reader hears it as nested.
    nested = pages.get_by_role("listitem").filter(has_text="About us").get_by_role("list")
    assert nested.get_by_role("link").all_inner_texts() == ["The team"]

    pages.get_by_role("link", name="The team").click()
    page.wait_for_url(live_server.url + "/about/the-team/")
    assert page.get_by_role("heading", name="The team").is_visible()
    assert page.get_by_text("Maggie and Bert.").is_visible()
    current = page.get_by_role("navigation", name="Pages").locator("[aria-current=page]")
    assert current.inner_text() == "The team"


def test_a_blogger_puts_a_new_page_under_another(live_server, page, make_user, make_post):
    make_user()
    make_post("About us", "Plot 14.", kind="page", slug="about", categories="")
    log_in_browser(page, live_server.url, "/admin/pages/new")
    page.get_by_label("Title").fill("The team")
    page.get_by_label("Text (Markdown").fill("Maggie and Bert.")
    page.get_by_label("Parent").select_option(label="About us")
    page.get_by_label("Status").select_option("published")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Page published.").is_visible()

    page.goto(live_server.url + "/admin/pages/")
    rows = page.get_by_role("row").all_inner_texts()
    assert [row.split("\t")[0] for row in rows[1:]] == ["About us", "— The team"]
    page.goto(live_server.url + "/about/the-team/")
    assert page.get_by_text("Maggie and Bert.").is_visible()
