"""Password guessing is throttled exactly, and a stranger can't lock the blogger out."""

from __future__ import annotations

import re
import threading

import requests

from hlsblog.testing import PASSWORD, submit_form

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _guesser(base_url: str) -> tuple[requests.Session, str]:
    """A browser that has opened the login page: its session and the form's token."""
    browser = requests.Session()
    page = browser.get(f"{base_url}/login", timeout=30).text
    return browser, TOKEN.search(page).group(1)


def _all_at_once(base_url: str, count: int, username: str) -> list[int]:
    guessers = [_guesser(base_url) for _ in range(count)]
    start, answers = threading.Barrier(count), [0] * count

    def guess(index: int) -> None:
        browser, token = guessers[index]
        form = {"csrf_token": token, "username": username, "password": f"wrong {index}"}
        start.wait()
        answers[index] = browser.post(f"{base_url}/login", data=form, timeout=60).status_code

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for browser, _ in guessers:
        browser.close()
    return answers


def test_thirty_simultaneous_wrong_passwords_get_no_more_tries_than_the_limit(
    app, make_user, live_server
):
    make_user()
    answers = _all_at_once(live_server.url, 30, "admin")
    assert sorted(set(answers)) == [401, 429], answers
    assert answers.count(401) == 5  # the default: 5 tries per account and address


def _try(client, ip, username="admin", password="wrong"):
    form = {"username": username, "password": password}
    return submit_form(client, "/login", form, environ_base={"REMOTE_ADDR": ip})


def test_a_stranger_guessing_from_one_address_does_not_lock_the_blogger_out(app, make_user):
    make_user()
    stranger = app.test_client()
    answers = [_try(stranger, "203.0.113.9").status_code for _ in range(30)]
    assert answers[:5] == [401] * 5 and set(answers[5:]) == {429}
    refused = _try(stranger, "203.0.113.9", password=PASSWORD)
    assert refused.status_code == 429  # even the right password waits, from there
    assert "Too many failed logins" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    blogger = app.test_client()
    assert _try(blogger, "198.51.100.7", password=PASSWORD).status_code == 302


def test_guesses_from_many_addresses_meet_the_slower_limit_of_the_account(make_app):
    app = make_app(plugins=[], LOGIN_LIMIT_PER_ACCOUNT="8 per hour")
    client = app.test_client()
    for host in range(1, 5):
        for _ in range(2):
            assert _try(client, f"192.0.2.{host}").status_code == 401
    assert _try(client, "192.0.2.77").status_code == 429
    assert _try(client, "192.0.2.77", username="someone-else").status_code == 401


def test_logging_in_right_does_not_use_up_the_tries(make_app, make_user):
    app = make_app(plugins=[], LOGIN_LIMIT_PER_ACCOUNT_IP="2 per 15 minutes")
    make_user()  # on the same database
    client = app.test_client()
    for _ in range(4):
        assert _try(client, "192.0.2.1", password=PASSWORD).status_code == 302
        submit_form(client, "/admin/", {}, action="/logout")
    assert _try(client, "192.0.2.1").status_code == 401
