"""Refused pings are forgotten after the set days, and the Linkbacks page shows them a page at a
time: a flood of bad pings neither grows the database for ever nor hides the real ones."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from linkbacks_support import wait_for
from sqlalchemy import text

from hlsblog import db
from hlsblog.models import utcnow
from hlsblog.tasks import task_queue
from hlsblog.testing import admin_client

# The plugin's tables (a plugin is loaded by the app, not imported by tests).
IncomingWebmention, PendingTrackBack = "linkback_webmention", "linkback_trackback"

pytestmark = [pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


def received(app, post_id, table, count, status, days_ago=0, source="http://spam.example/"):
    """Pings as the endpoints store them, received ``days_ago`` (a second apart, newest first)."""
    extra = ", title, excerpt, blog_name" if table == PendingTrackBack else ""
    values = ", '', '', ''" if extra else ""
    insert = text(
        f"INSERT INTO {table} (id, source, target, post_id, ip, user_agent, status, message, "
        f"created_at{extra}) VALUES (:id, :source, '', :post_id, '', '', :status, :message, "
        f":created_at{values})"
    )
    with app.app_context():
        when = utcnow() - timedelta(days=days_ago)
        for n in range(count):
            db.session.execute(
                insert,
                {
                    "id": uuid.uuid4().hex,
                    "source": f"{source}{n}",
                    "post_id": post_id,
                    "status": status,
                    "message": "The source does not link to the target.",
                    "created_at": when - timedelta(seconds=n),
                },
            )
        db.session.commit()


def sources(app, table):
    with app.app_context():
        return set(db.session.scalars(text(f"SELECT source FROM {table}")))  # noqa: S608


@pytest.mark.plugins("trackback")
def test_old_refused_pings_are_forgotten_every_hour(app, make_post):
    post = make_post()
    for model in (IncomingWebmention, PendingTrackBack):
        received(app, post["id"], model, 3, "refused", days_ago=31, source="http://old.example/")
        received(app, post["id"], model, 1, "refused", days_ago=29, source="http://new.example/")
        received(app, post["id"], model, 1, "accepted", days_ago=31, source="http://ok.example/")
    task_queue(app).start_consumer()  # its first tick queues the hourly task: no visit needed
    for model in (IncomingWebmention, PendingTrackBack):
        wait_for(lambda m=model: not any("old" in s for s in sources(app, m)))
        assert sources(app, model) == {"http://new.example/0", "http://ok.example/0"}


@pytest.mark.plugins("trackback")
def test_the_linkbacks_page_shows_pings_received_a_page_at_a_time(app, make_post):
    post = make_post()
    received(app, post["id"], IncomingWebmention, 53, "refused", source="http://flood.example/")
    received(app, post["id"], PendingTrackBack, 2, "accepted", source="http://tb.example/")
    client = admin_client(app)
    first = client.get("/admin/linkbacks/").get_data(as_text=True)
    assert "1–50 of 53." in first and "http://flood.example/0<" in first
    assert "http://flood.example/52<" not in first and "Newer" not in first
    older = re.search(r'<a href="([^"]+)">Older</a>', first).group(1).replace("&amp;", "&")
    assert "received_page=2" in older and older.endswith("#linkbacks-received")
    second = client.get(older).get_data(as_text=True)
    assert "51–53 of 53." in second and "http://flood.example/52<" in second
    assert "Older" not in second and "Newer" in second
    assert "http://tb.example/1<" in second  # the TrackBacks table stays on its own page
    past_the_end = client.get("/admin/linkbacks/?received_page=99&trackbacks_page=x")
    assert past_the_end.status_code == 200 and "51–53 of 53." in past_the_end.get_data(as_text=True)
