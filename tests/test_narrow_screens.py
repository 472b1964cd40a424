"""A reader on a phone never scrolls sideways, whatever a post holds."""

from __future__ import annotations

import pytest

# Layout, whatever database holds the post: SQLite only.
pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 6
WIDE_TABLE = "| " + " | ".join(f"column {n}" for n in range(12)) + " |\n" + "|---" * 12 + "|\n"
WIDE_TABLE += "| " + " | ".join("a rather long cell" for _ in range(12)) + " |\n"


def test_long_words_wide_tables_and_broken_images_stay_inside_a_phone(
    live_server, browser, make_post
):
    body = (
        f"{LONG_WORD}\n\n{WIDE_TABLE}\n"
        '<img src="/uploads/2020/01/gone.jpg" width="1024" height="640" alt="A picture now gone">'
    )
    post = make_post(f"Title {LONG_WORD}", body=body)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        for address in (post["url"], "/"):
            page.goto(live_server.url + address)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (address, width)
    finally:
        context.close()
