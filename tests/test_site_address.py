"""One site address writes every absolute link: a Host header can't put its name in a mail."""

from __future__ import annotations

import re
import time

import pytest
from flask import url_for
from mail_inbox import running_inbox

from hlsblog import db
from hlsblog.api import setting_key
from hlsblog.plugins import current_host
from hlsblog.settings import set_setting
from hlsblog.testing import admin_client, submit_form

EVIL = "http://evil.example"
FIRST_COMMENT = {"author": "Ada", "email": "ada@example.org", "url": "", "comment": "Hello."}


@pytest.fixture
def inbox():
    with running_inbox() as found:
        yield found


def _mail_goes_to(app, inbox):
    # No From address set: the blog makes one from its own host name.
    values = {"smtp_host": "127.0.0.1", "smtp_port": inbox.port, "smtp_security": "none"}
    values["mail_from"] = ""
    with app.app_context():
        for name, value in values.items():
            set_setting(setting_key("moderation", name), value)
        db.session.commit()


def _comment(client, url, page_at, sent_to):
    """A first comment through the post's form, the page read at one host and sent to another.

    The page holds no token for a reader without a session; the forger's script says, as
    anything but a browser may, that its form is the site's own (Sec-Fetch-Site).
    """
    client.get(url, base_url=page_at)
    return client.post(url, data=FIRST_COMMENT, base_url=sent_to)


def _everything_in(message) -> str:
    body = message.get_body(("plain",)).get_content()
    return "\n".join(f"{name}: {value}" for name, value in message.items()) + "\n" + body


def test_the_moderation_mail_of_a_comment_sent_with_a_forged_host_names_only_the_site(
    make_app, make_post, inbox
):
    app = make_app(plugins=["moderation"])
    _mail_goes_to(app, inbox)
    admin = admin_client(app)
    saved = submit_form(
        admin,
        "/admin/settings",
        {
            "title": "Ada's blog",
            "tagline": "",
            "site_url": "https://blog.example.org/",
            "posts_per_page": "10",
            "date_format": "F j, Y",
            "time_format": "g:i a",
            "timezone": "UTC",
            "thread_depth": "5",
        },
    )
    assert saved.status_code == 302
    post = make_post("Cats")

    sent = _comment(app.test_client(), post["url"], page_at=EVIL, sent_to=EVIL)
    assert sent.status_code == 303

    message = inbox.wait_for_one()
    assert message["From"] == "Ada's blog <blog@blog.example.org>"
    text = _everything_in(message)
    assert "evil.example" not in text
    links = re.findall(r"https?://\S+", text)
    assert links and all(link.startswith("https://blog.example.org/") for link in links), links
    assert "https://blog.example.org/admin/comments/" in text


def test_the_environment_wins_over_the_setting_and_keeps_the_sites_path(make_app, make_post):
    app = make_app(plugins=["feeds"], SITE_URL="https://example.net/blog/")
    with app.app_context():
        set_setting("site_url", "https://ignored.example")
        db.session.commit()
    post = make_post("Dogs")
    reader = app.test_client()
    feed = reader.get("/feed/", base_url=EVIL).get_data(as_text=True)
    assert "evil.example" not in feed and "ignored.example" not in feed
    assert f"<link>https://example.net/blog{post['url']}</link>" in feed
    atom = reader.get("/feed/atom/", base_url=EVIL).get_data(as_text=True)
    assert "evil.example" not in atom and "example.net" in atom  # links and entry ids


def test_with_no_site_address_links_use_the_address_the_reader_used(app, make_post):
    post = make_post("Birds")
    feed = app.test_client().get("/feed/", base_url="http://fresh.example").get_data(as_text=True)
    assert f"<link>http://fresh.example{post['url']}</link>" in feed


def test_commands_build_links_at_the_site_address(make_app, make_post):
    app = make_app(plugins=[], SITE_URL="https://blog.example.org")
    post = make_post("Fish")
    exported = app.test_cli_runner().invoke(args=["export-wxr"])
    assert exported.exit_code == 0, exported.output
    assert "<link>https://blog.example.org/</link>" in exported.output
    assert f"<link>https://blog.example.org{post['url']}</link>" in exported.output
    with app.app_context():  # any code outside a request, a background job's too
        assert url_for("blog.index", _external=True) == "https://blog.example.org/"


def test_outside_a_request_with_no_site_address_there_is_no_host_to_guess(make_app):
    app = make_app(plugins=[])
    with app.app_context(), pytest.raises(RuntimeError, match="HLSBLOG_SITE_URL"):
        url_for("blog.index", _external=True)


def test_requests_for_hosts_not_trusted_are_refused(make_app, monkeypatch):
    monkeypatch.setenv("HLSBLOG_TRUSTED_HOSTS", "blog.example.org, .blog.example.org")
    app = make_app(plugins=[])
    assert app.config["TRUSTED_HOSTS"] == ["blog.example.org", ".blog.example.org"]
    client = app.test_client()
    assert client.get("/", base_url=EVIL).status_code == 400
    assert client.get("/", base_url="https://blog.example.org").status_code == 200
    assert client.get("/", base_url="https://www.blog.example.org:8443").status_code == 200


def test_a_forged_host_sends_no_mail_where_trusted_hosts_are_set(make_app, make_post, inbox):
    app = make_app(plugins=["moderation"], TRUSTED_HOSTS=["blog.example.org"])
    _mail_goes_to(app, inbox)
    post = make_post("Cats")
    sent = _comment(app.test_client(), post["url"], "http://blog.example.org", sent_to=EVIL)
    assert sent.status_code == 400
    time.sleep(0.5)  # a mail would be on its way by now
    assert inbox.messages == []


@pytest.mark.parametrize(
    "typed", ["blog.example.org", "ftp://blog.example.org", "https://", "https://a b.example"]
)
def test_settings_refuse_a_site_address_that_is_not_one_and_keep_what_was_typed(app, typed):
    admin = admin_client(app)
    form = {"title": "Mine", "site_url": typed, "posts_per_page": "10", "timezone": "UTC"}
    refused = submit_form(admin, "/admin/settings", {**form, "thread_depth": "5"})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "site address" in page.lower()
    assert f'value="{typed}"' in page


def test_search_engines_and_share_previews_are_given_the_site_address(make_app):
    app = make_app(plugins=[], SITE_URL="https://blog.example.org")
    reader = app.test_client()
    robots = reader.get("/robots.txt", base_url=EVIL).get_data(as_text=True)
    assert "Sitemap: https://blog.example.org/sitemap.xml" in robots
    sitemap = reader.get("/sitemap.xml", base_url=EVIL).get_data(as_text=True)
    front = reader.get("/", base_url=EVIL).get_data(as_text=True)
    assert '<link rel="canonical" href="https://blog.example.org/">' in front
    assert "evil.example" not in robots + sitemap + front


def test_an_admin_turning_mail_on_fixes_the_address_so_a_forged_host_writes_no_mail(
    make_app, make_post, inbox
):
    # A fresh blog with no address set: the admin's own request is the one Host to trust.
    app = make_app(plugins=["moderation"])
    admin = admin_client(app)
    with app.app_context():  # the form as the page shows it, then the mail server filled in
        specs = current_host().settings_specs()["moderation"].values()
        form = {s.name: _shown(s.default) for s in specs if s.default is not False}
    form |= {"smtp_host": "127.0.0.1", "smtp_port": str(inbox.port), "smtp_security": "none"}
    saved = submit_form(admin, "/admin/plugins/", form, action="/admin/plugins/moderation/settings")
    assert saved.status_code == 302
    assert "The blog&#39;s address is now http://localhost" in admin.get("/admin/plugins/").text
    post = make_post("Cats")

    assert _comment(app.test_client(), post["url"], EVIL, EVIL).status_code == 303

    message = inbox.wait_for_one()
    text = _everything_in(message)
    assert "evil.example" not in text
    assert message["From"].endswith("<blog@localhost>")


def _shown(default):
    if default is True:
        return "1"
    return "\n".join(default) if isinstance(default, list | tuple) else str(default)
