"""Admins change and disable users; everyone keeps a profile; a lost password comes back by mail."""

from __future__ import annotations

import re
import time

import pytest
from mail_inbox import running_inbox

from hlsblog.api import setting_key
from hlsblog.extensions import db
from hlsblog.models import AuditEntry, User
from hlsblog.settings import set_setting
from hlsblog.testing import PASSWORD, admin_client, submit_form

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _log_in(app, username, password=PASSWORD):
    client = app.test_client()
    answer = submit_form(client, "/login", {"username": username, "password": password})
    return client, answer


def test_an_admin_edits_a_user_and_a_disabled_user_is_out_at_once(app, make_user):
    admin = admin_client(app)
    ada = make_user("ada", "author")
    ada_client, answer = _log_in(app, "ada")
    assert answer.status_code == 302 and ada_client.get("/admin/posts/").status_code == 200
    users = admin.get("/admin/users/").get_data(as_text=True)
    assert f'href="/admin/users/{ada.id}/"' in users
    edit = f"/admin/users/{ada.id}/"
    form = {"display_name": "Ada L.", "email": "ADA@Example.org", "role": "author"}
    assert submit_form(admin, edit, form).status_code == 302
    page = admin.get(edit).get_data(as_text=True)
    assert "Saved the changes to ada." in page and 'value="Ada L."' in page
    bad = submit_form(admin, edit, {**form, "email": "not an address"})
    assert bad.status_code == 400 and "The mail address is not valid" in bad.text

    disabled = submit_form(admin, edit, {}, action=f"/admin/users/{ada.id}/disable")
    assert disabled.headers["Location"] == "/admin/users/"
    listing = admin.get("/admin/users/").get_data(as_text=True)
    assert "ada is disabled: they can&#39;t log in, and their sessions have ended." in listing
    assert ada_client.get("/admin/posts/").status_code == 302  # the open session ended
    again, answer = _log_in(app, "ada")
    assert answer.status_code == 403 and "This account is disabled" in answer.text
    wrong, answer = _log_in(app, "ada", "wrong password")
    assert answer.status_code == 401 and "disabled" not in answer.text  # no hint to a guesser
    submit_form(admin, edit, {}, action=f"/admin/users/{ada.id}/enable")
    assert _log_in(app, "ada")[1].status_code == 302


def test_the_blog_keeps_an_admin_and_an_author_cant_manage_users(app, make_user):
    admin = admin_client(app)
    with app.app_context():
        me = db.session.scalar(db.select(User).where(User.username == "admin"))
    form = {"display_name": "", "email": "admin@example.org", "role": "author"}
    refused = submit_form(admin, f"/admin/users/{me.id}/", form)
    assert refused.status_code == 400 and "The blog needs an admin" in refused.text
    myself = submit_form(admin, "/admin/users/", {}, action=f"/admin/users/{me.id}/disable")
    assert myself.status_code == 302
    assert "You can&#39;t disable yourself" in admin.get(f"/admin/users/{me.id}/").text
    make_user("bob", "author")
    bob, _ = _log_in(app, "bob")
    assert bob.get(f"/admin/users/{me.id}/").status_code == 403
    token_page = bob.get("/admin/profile/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', token_page).group(1)
    assert bob.post(f"/admin/users/{me.id}/disable", data={"csrf_token": token}).status_code == 403


def test_the_profile_changes_the_name_and_mail_shown(app, make_user, make_post):
    make_user("ada", "author")
    client, _ = _log_in(app, "ada")
    page = client.get("/admin/profile/").get_data(as_text=True)
    assert 'name="display_name"' in page and 'name="email"' in page
    form = {"display_name": "Ada Lovelace", "email": "ada@analytical.example"}
    saved = submit_form(client, "/admin/profile/", form, action="/admin/profile/details")
    assert saved.status_code == 302
    page = client.get("/admin/profile/").get_data(as_text=True)
    assert "Your name and mail address are saved." in page and "ada@analytical.example" in page
    bad = submit_form(
        client, "/admin/profile/", {**form, "email": "@"}, action="/admin/profile/details"
    )
    assert bad.status_code == 400 and 'value="@"' in bad.text


@pytest.fixture
def inbox():
    with running_inbox() as found:
        yield found


def _mail_on(app, port):
    values = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none"}
    with app.app_context():
        for name, value in values.items():
            set_setting(setting_key("moderation", name), value)
        set_setting("site_url", "https://blog.example.org")
        db.session.commit()


def _reset_link(message) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(r"https://blog\.example\.org(/reset-password/\S+)", body).group(1)


def test_a_lost_password_comes_back_once_by_a_mailed_link(make_app, make_user, inbox):
    app = make_app(plugins=["moderation"])
    make_user("ada", "author")
    reader = app.test_client()
    assert "Lost your password?" not in reader.get("/login").get_data(as_text=True)
    assert reader.get("/lost-password").status_code == 404  # no mail, no promise
    _mail_on(app, inbox.port)
    assert 'href="/lost-password"' in reader.get("/login").get_data(as_text=True)
    old_session, _ = _log_in(app, "ada")

    asked = submit_form(reader, "/lost-password", {"login": "ADA@example.org"})
    assert asked.headers["Location"] == "/login"
    assert "a link to choose a new password is on its way" in reader.get("/login").text
    nobody = submit_form(reader, "/lost-password", {"login": "ghost"})
    assert nobody.headers["Location"] == "/login"  # the same answer: no list of users
    (message,) = inbox.wait_for(1)
    assert message["To"] == "ada@example.org" and "Reset your password" in message["Subject"]
    link = _reset_link(message)

    short = submit_form(reader, link, {"password": "short", "confirm": "short"})
    assert short.status_code == 400 and "at least 8 characters" in short.text
    done = submit_form(reader, link, {"password": "a new secret", "confirm": "a new secret"})
    assert done.headers["Location"] == "/login"
    assert _log_in(app, "ada", "a new secret")[1].status_code == 302
    assert _log_in(app, "ada")[1].status_code == 401  # the old password is gone
    assert old_session.get("/admin/").status_code == 302  # and its sessions with it
    used = reader.get(link)
    assert used.status_code == 400 and "This link no longer works" in used.text
    forged = reader.get(link[:-3] + "abc")
    assert forged.status_code == 400


def test_a_reset_link_expires_and_a_disabled_user_gets_none(make_app, make_user, inbox):
    app = make_app(plugins=["moderation"])
    ada = make_user("ada", "author")
    _mail_on(app, inbox.port)
    reader = app.test_client()
    submit_form(reader, "/lost-password", {"login": "ada"})
    link = _reset_link(inbox.wait_for(1)[0])
    later = time.time() + 3601
    with pytest.MonkeyPatch.context() as patch:  # an hour on: the signature's clock says so
        patch.setattr("itsdangerous.timed.time.time", lambda: later)
        assert reader.get(link).status_code == 400
    with app.app_context():
        db.session.get(User, ada.id).disabled = True
        db.session.commit()
    assert reader.get(link).status_code == 400
    submit_form(reader, "/lost-password", {"login": "ada"})
    with app.app_context():
        mailed = db.select(db.func.count(AuditEntry.id)).where(
            AuditEntry.action == "password reset mailed"
        )
        assert db.session.scalar(mailed) == 1  # the first link only
