"""A session ends when it should: logout, a new password or "log out everywhere" revoke cookies."""

from __future__ import annotations

import re

from hlsblog.testing import PASSWORD, csrf_token, submit_form

NEW_PASSWORD = "a much newer passphrase"


def _logged_in(app, remember=False):
    client = app.test_client()
    form = {"username": "admin", "password": PASSWORD, **({"remember": "1"} if remember else {})}
    assert submit_form(client, "/login", form).status_code == 302
    return client


def _opens_admin(client) -> bool:
    return client.get("/admin/").status_code == 200


def _replay(app, name, value):
    """A fresh browser carrying only a copied cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie(name, value)
    return thief


def test_the_session_cookie_copied_before_logout_opens_nothing_after(app, make_user):
    make_user()
    client = _logged_in(app)
    copied = client.get_cookie("session").value
    assert _opens_admin(_replay(app, "session", copied))
    submit_form(client, "/admin/", {}, action="/logout")
    assert not _opens_admin(client)
    thief = _replay(app, "session", copied)
    response = thief.get("/admin/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_remember_cookie_copied_before_logout_opens_nothing_after(app, make_user):
    make_user()
    client = _logged_in(app, remember=True)
    copied = client.get_cookie("remember_token").value
    assert _opens_admin(_replay(app, "remember_token", copied))
    submit_form(client, "/admin/", {}, action="/logout")
    assert not _opens_admin(_replay(app, "remember_token", copied))


def test_a_new_password_from_the_command_line_ends_every_session(app, make_user, runner):
    make_user()
    laptop, phone = _logged_in(app), _logged_in(app, remember=True)
    remembered = phone.get_cookie("remember_token").value
    result = runner.invoke(args=["users", "set-password", "admin", "--password", NEW_PASSWORD])
    assert result.exit_code == 0, result.output
    assert not _opens_admin(laptop)
    assert not _opens_admin(phone)
    assert not _opens_admin(_replay(app, "remember_token", remembered))


def test_log_out_everywhere_else_ends_the_other_devices_and_keeps_this_one(app, make_user):
    make_user()
    laptop, phone = _logged_in(app, remember=True), _logged_in(app, remember=True)
    phone_cookie = phone.get_cookie("remember_token").value
    users = laptop.get("/admin/users/").get_data(as_text=True)
    profile = re.search(r'href="([^"]+)">Your profile', users).group(1)
    page = laptop.get(profile).get_data(as_text=True)
    assert "Log out everywhere else" in page
    done = submit_form(laptop, profile, {}, action="/admin/profile/sessions")
    assert done.status_code == 302
    assert "logged out everywhere else" in laptop.get(profile).get_data(as_text=True)
    assert _opens_admin(laptop)
    assert not _opens_admin(phone)
    assert not _opens_admin(_replay(app, "remember_token", phone_cookie))
    # The laptop's own remember cookie was issued again and still works alone.
    assert _opens_admin(_replay(app, "remember_token", laptop.get_cookie("remember_token").value))


def test_changing_ones_password_in_the_admin_ends_the_other_sessions(app, make_user):
    make_user()
    laptop, phone = _logged_in(app), _logged_in(app)
    form = {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    done = submit_form(laptop, "/admin/profile/", form, action="/admin/profile/password")
    assert done.status_code == 302
    assert _opens_admin(laptop)
    assert not _opens_admin(phone)
    again = app.test_client()
    login = {"username": "admin", "password": NEW_PASSWORD}
    assert submit_form(again, "/login", login).status_code == 302


def test_a_password_change_needs_the_current_password_and_says_what_is_wrong(app, make_user):
    make_user()
    laptop, phone = _logged_in(app), _logged_in(app)
    for form, said in [
        ({"current": "guess", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, "current"),
        ({"current": PASSWORD, "password": "short", "confirm": "short"}, "8 characters"),
        ({"current": PASSWORD, "password": NEW_PASSWORD, "confirm": "other"}, "do not match"),
    ]:
        refused = submit_form(laptop, "/admin/profile/", form, action="/admin/profile/password")
        assert refused.status_code == 400
        assert said in refused.get_data(as_text=True)
    assert _opens_admin(phone)  # nothing changed


def test_the_csrf_token_a_visitor_had_before_logging_in_is_worthless_after(app, make_user):
    make_user()
    client = app.test_client()
    before = csrf_token(client, "/login")
    client.post("/login", data={"csrf_token": before, "username": "admin", "password": PASSWORD})
    assert _opens_admin(client)
    stale = client.post("/logout", data={"csrf_token": before})
    assert stale.status_code == 400
    assert _opens_admin(client)
