"""Plugins are found, switched on and off at run time, and can never take the blog down."""

from __future__ import annotations

from pathlib import Path

import pytest

from hlsblog.testing import admin_client, submit_form

BUNDLED = sorted(
    p.name
    for p in (Path(__file__).parent.parent / "plugins").iterdir()
    if (p / "__init__.py").is_file()
)
FIXTURES = str(Path(__file__).parent / "fixture_plugins")
GOOD = {"author": "Ada", "email": "ada@example.org", "comment": "Hello there."}


def _serves_the_blog(app, make_post_in):
    client = app.test_client()
    url = make_post_in(app)
    assert client.get("/").status_code == 200
    assert client.get(url).status_code == 200
    response = submit_form(client, url, GOOD)
    assert response.status_code == 303
    assert "Hello there." in client.get(url).get_data(as_text=True)


def _post_in(app):
    from hlsblog.extensions import db
    from hlsblog.models import Post, User
    from hlsblog.posts import permalink, save_post

    with app.app_context():
        user = User(username="w", email="w@example.org")
        db.session.add(user)
        db.session.commit()
        post = Post(title="Plugged", body_source="Text", author_id=user.id, status="published")
        save_post(post, categories="News")
        with app.test_request_context():
            return permalink(post)


@pytest.mark.parametrize(
    "plugins", [[], *([name] for name in BUNDLED), BUNDLED], ids=lambda p: "+".join(p) or "none"
)
def test_the_blog_works_with_any_set_of_bundled_plugins(make_app, plugins):
    _serves_the_blog(make_app(plugins=plugins), _post_in)


def test_a_third_party_plugin_is_found_through_its_entry_point(app, client, make_user, auth):
    make_user()
    assert "Hello from a third-party plugin" in client.get("/").get_data(as_text=True)
    auth.login()
    page = client.get("/admin/plugins/").get_data(as_text=True)
    assert "hello" in page and "1.2.3" in page and "package hlsblog-hello" in page
    assert "template_slot" in page


def test_disabling_in_the_admin_reaches_another_worker_on_its_next_request(make_app):
    first = make_app(plugins=None)
    second = make_app(plugins=None)  # another worker process: same database, own app
    assert "third-party plugin" in second.test_client().get("/").get_data(as_text=True)
    client = admin_client(first)
    submit_form(client, "/admin/plugins/", {"enable": "0"}, action="/admin/plugins/hello/toggle")
    assert "third-party plugin" not in second.test_client().get("/").get_data(as_text=True)
    submit_form(client, "/admin/plugins/", {"enable": "1"}, action="/admin/plugins/hello/toggle")
    assert "third-party plugin" in second.test_client().get("/").get_data(as_text=True)


def test_pinned_plugins_are_shown_as_pinned_and_cannot_be_toggled(make_app):
    app = make_app(plugins=["hello"])
    client = admin_client(app)
    page = client.get("/admin/plugins/").get_data(as_text=True)
    assert "pinned by <code>HLSBLOG_PLUGINS</code>" in page
    submit_form(client, "/admin/plugins/", {"enable": "0"}, action="/admin/plugins/hello/toggle")
    assert "third-party plugin" in client.get("/").get_data(as_text=True)


def test_broken_plugins_leave_every_page_up_and_are_reported(make_app):
    app = make_app(plugins=None, PLUGINS_FOLDER=FIXTURES)
    _serves_the_blog(app, _post_in)
    client = admin_client(app)
    page = client.get("/admin/plugins/").get_data(as_text=True)
    assert "this plugin is broken on purpose" in page
    assert "Failing in template_slot" in page and "slot exploded" in page
    assert "Failing in filter_comment_html" in page


def test_filters_run_in_a_documented_order(make_app, tmp_path):
    folder = tmp_path / "plugins"
    for name, body in {
        "alpha": "@hookimpl\ndef filter_comment_html(comment, html):\n    return html + '[a]'\n",
        "beta": "@hookimpl\ndef filter_comment_html(comment, html):\n    return html + '[b]'\n",
        "gamma": "@hookimpl(tryfirst=True)\ndef filter_comment_html(comment, html):\n"
        "    return html + '[g]'\n",
    }.items():
        (folder / name).mkdir(parents=True)
        (folder / name / "__init__.py").write_text(
            f'"""{name}"""\nfrom hlsblog import hookimpl\n' + body
        )
    app = make_app(plugins=["alpha", "beta", "gamma"], PLUGINS_FOLDER=str(folder))
    url = _post_in(app)
    client = app.test_client()
    submit_form(client, url, GOOD)
    html = client.get(url).get_data(as_text=True)
    # tryfirst first; then the last registered (alphabetical order) first.
    assert "[g][b][a]" in html


def test_plugin_settings_are_typed_validated_and_read_from_env(make_app, tmp_path, monkeypatch):
    folder = tmp_path / "plugins"
    (folder / "tuned").mkdir(parents=True)
    (folder / "tuned" / "__init__.py").write_text('''"""Tuned"""
from markupsafe import Markup
from hlsblog import PluginSetting, hookimpl, plugin_setting

@hookimpl
def plugin_settings():
    return [PluginSetting("greeting", "str", "hi", label="Greeting"),
            PluginSetting("times", "int", 1, label="Times"),
            PluginSetting("secret", env="TUNED_SECRET", label="Secret")]

@hookimpl
def template_slot(slot, context):
    if slot == "sidebar":
        word = plugin_setting("tuned", "greeting") * plugin_setting("tuned", "times")
        secret = plugin_setting("tuned", "secret")
        return Markup("<p id=tuned>") + word + "|" + secret + Markup("</p>")
''')
    monkeypatch.setenv("TUNED_SECRET", "s3cret")
    app = make_app(plugins=["tuned"], PLUGINS_FOLDER=str(folder))
    client = admin_client(app)
    assert "<p id=tuned>hi|s3cret</p>" in client.get("/").get_data(as_text=True)
    page = client.get("/admin/plugins/").get_data(as_text=True)
    start = page.index('id="plugin-tuned"')
    form = page[start : page.index("</section>", start)]
    assert "TUNED_SECRET" in form and "s3cret" not in form
    bad = submit_form(
        client,
        "/admin/plugins/",
        {"greeting": "yo", "times": "many"},
        action="/admin/plugins/tuned/settings",
        follow_redirects=True,
    )
    assert "Times: invalid literal" in bad.get_data(as_text=True)
    assert "<p id=tuned>hi|" in client.get("/").get_data(as_text=True)
    submit_form(
        client,
        "/admin/plugins/",
        {"greeting": "yo", "times": "2"},
        action="/admin/plugins/tuned/settings",
    )
    assert "<p id=tuned>yoyo|s3cret</p>" in client.get("/").get_data(as_text=True)


def test_the_post_footer_reads_like_the_classic_page(make_app):
    app = make_app(plugins=None)
    html = app.test_client().get(_post_in(app)).get_data(as_text=True)
    footer = html[html.index('class="post-footer"') :]
    assert footer.index("Share and Enjoy") < footer.index("RSS feed for comments")
    assert footer.index("RSS feed for comments") < footer.index("TrackBack URI")
