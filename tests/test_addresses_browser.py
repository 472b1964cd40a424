"""A reader follows an old WordPress link to a nested category, in a real Chromium."""

from __future__ import annotations

import pytest

from hlsblog.extensions import db
from hlsblog.models import Category

pytestmark = [pytest.mark.plugins(), pytest.mark.browser]


def test_an_old_nested_category_link_lands_on_its_archive(app, live_server, page, make_post):
    make_post("Bean poles", body="Hazel, two metres.", categories="Beans")
    make_post("Shed roof", categories="Sheds")
    with app.app_context():
        beans = db.session.scalar(db.select(Category).where(Category.slug == "beans"))
        beans.parent = Category(name="Vegetables", slug="vegetables")
        db.session.commit()

    page.goto(live_server.url + "/category/vegetables/beans/")
    assert page.url == live_server.url + "/category/beans/"  # one address for the archive
    assert page.locator("h2.archive-title").inner_text() == "Category: Beans"
    assert page.locator("article, .post", has_text="Bean poles").count() >= 1
    assert "Shed roof" not in page.locator("main").inner_text()  # the sidebar lists every post

    # The parent's archive holds its subcategory's posts, as WordPress's does.
    page.goto(live_server.url + "/category/vegetables/")
    assert page.locator("h2.archive-title").inner_text() == "Category: Vegetables"
    page.locator("main").get_by_role("link", name="Bean poles").click()
    assert "Hazel, two metres." in page.content()
    assert page.dialogs == []
