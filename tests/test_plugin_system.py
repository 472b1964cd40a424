"""Plugins are found, switched on and off at run time, and can never take the blog down.

Hooks are called through pluggy: wrappers, first-result hooks, tracing and the plugin order work
as pluggy and docs/hooks.md say. The test plugins are in tests/fixture_plugins/.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hlsblog.testing import admin_client, submit_form

ROOT = Path(__file__).parent.parent
BUNDLED = sorted(p.name for p in (ROOT / "plugins").iterdir() if (p / "__init__.py").is_file())
FIXTURES = str(ROOT / "tests" / "fixture_plugins")
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
    app = make_app(plugins=["broken_filter", "broken_slot"], PLUGINS_FOLDER=FIXTURES)
    _serves_the_blog(app, _post_in)
    client = admin_client(app)
    page = client.get("/admin/plugins/").get_data(as_text=True)
    assert "this plugin is broken on purpose" in page
    assert "Failing in template_slot" in page and "slot exploded" in page
    assert "Failing in filter_comment_html" in page


def _fixture_app(make_app, *plugins, **config):
    return make_app(plugins=list(plugins), PLUGINS_FOLDER=FIXTURES, **config)


def _comment_html(app):
    url = _post_in(app)
    client = app.test_client()
    submit_form(client, url, GOOD)
    return client.get(url).get_data(as_text=True)


@pytest.mark.parametrize(
    "pinned, marks",
    [
        (["mark_b", "mark_a"], "[b][a]"),
        (["mark_a", "mark_b"], "[a][b]"),
        (["mark_a", "mark_first", "mark_b"], "[first][a][b]"),  # tryfirst still goes first
    ],
)
def test_filters_run_in_the_pinned_order(make_app, pinned, marks):
    assert marks in _comment_html(_fixture_app(make_app, *pinned))


def _sidebar(app):
    html = app.test_client().get("/").get_data(as_text=True)
    return html[html.index('<aside class="sidebar">') : html.index("</aside>")]


def test_a_new_style_wrapper_wraps_the_others_answers(make_app):
    sidebar = _sidebar(_fixture_app(make_app, "sidebar_note", "new_wrapper"))
    assert '<div class="boxed"><p class="note">A note</p></div>' in sidebar


def test_an_old_style_hookwrapper_can_change_the_result(make_app):
    sidebar = _sidebar(_fixture_app(make_app, "sidebar_note", "old_wrapper"))
    assert '<p class="note">A note</p>' in sidebar
    assert '<p class="counted">1 answer(s) above</p>' in sidebar


def test_a_failing_wrapper_is_shown_and_the_others_answers_stay(make_app):
    app = _fixture_app(make_app, "sidebar_note", "broken_wrapper")
    assert '<p class="note">A note</p>' in _sidebar(app)
    page = admin_client(app).get("/admin/plugins/").get_data(as_text=True)
    assert "Failing in template_slot: ValueError(&#39;wrapper exploded" in page


def _closed_post(app):
    html = app.test_client().get(_post_in(app)).get_data(as_text=True)
    plugins_page = admin_client(app).get("/admin/plugins/").get_data(as_text=True)
    return html, plugins_page


def test_a_first_result_hook_stops_at_the_first_answer(make_app):
    html, plugins_page = _closed_post(_fixture_app(make_app, "closer", "late_closer"))
    assert "Closed by the closer plugin." in html and 'name="comment"' not in html
    assert "late_closer was asked" not in plugins_page


def test_a_failing_implementation_is_skipped_and_the_next_one_answers(make_app):
    html, plugins_page = _closed_post(_fixture_app(make_app, "late_closer", "closer"))
    assert "Closed by the closer plugin." in html
    assert "Failing in discussion_closed: RuntimeError(&#39;late_closer was asked&#39;)" in (
        plugins_page
    )


def _front_page_stderr(tmp_path, **env):
    """Serve the front page once in a fresh process, configured by ``HLSBLOG_*`` variables."""
    env = {
        **os.environ,
        "HLSBLOG_PLUGINS": "sidebar_note,new_wrapper",
        "HLSBLOG_PLUGINS_FOLDER": FIXTURES,
        "HLSBLOG_INSTANCE_PATH": str(tmp_path),
        "HLSBLOG_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/blog.sqlite3",
        **env,
    }
    flask = [str(Path(sys.executable).parent / "flask"), "--app", "app"]
    subprocess.run([*flask, "init-db"], cwd=ROOT, env=env, check=True, capture_output=True)
    code = "from app import app; assert app.test_client().get('/').status_code == 200"
    run = [sys.executable, "-c", code]
    return subprocess.run(run, cwd=ROOT, env=env, check=True, capture_output=True, text=True)


def test_tracing_prints_every_hook_call_with_its_plugins(tmp_path):
    lines = _front_page_stderr(tmp_path, HLSBLOG_TRACE_HOOKS="1").stderr.splitlines()
    # The arguments' names only (a form may hold a reader's address), the plugins in call
    # order, and the outcome.
    assert (
        "hook template_slot(slot, context) called new_wrapper (wrapper), sidebar_note -> "
        """[Markup('<div class="boxed"><p class="note">A note</p></div>')]"""
    ) in lines
    assert "hook register_blueprints() called no plugin -> []" in lines
    assert not _front_page_stderr(tmp_path / "off").stderr.count("hook ")


def test_the_plugins_page_lists_each_plugins_tables(make_app):
    page = admin_client(make_app(plugins=None)).get("/admin/plugins/").get_data(as_text=True)
    moderation = page[page.index('id="plugin-moderation"') :]
    assert "Tables: moderation_subscription, moderation_mark" in moderation.split("</section>")[0]
    trackback = page[page.index('id="plugin-trackback"') :]
    assert (
        "Tables: linkback_outbound, linkback_webmention, linkback_trackback"
        in trackback.split("</section>")[0]
    )


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
    page = client.get("/admin/plugins/tuned/").get_data(as_text=True)
    start = page.index('class="plugin-settings')
    form = page[start : page.index("</form>", start)]
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
