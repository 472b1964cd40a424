"""Failed logins, counted before the password is checked, so a burst can't slip past the limit.

Three fixed-window limits, as WordPress's Limit Login Attempts spreads them: per account and
client address (``LOGIN_LIMIT_PER_ACCOUNT_IP``, 5 per 15 minutes) stops one guesser at once;
per address (``LOGIN_LIMIT_PER_IP``, 20 per 15 minutes) stops one guesser trying many names;
per account from everywhere (``LOGIN_LIMIT_PER_ACCOUNT``, 50 per hour) slows a botnet, while a
stranger alone can't reach it and lock the blogger out.

Each try adds one to every counter first — one atomic statement each — and goes on only if
every count is within its limit; thirty at once can't all pass a check made before any of
them counted. A refused try and a right password give their counts back, so only wrong
passwords that were really tried use up the limits.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse
from werkzeug.exceptions import TooManyRequests

from ..ratelimit import limiter

LIMIT_MESSAGE = "Too many failed logins. Please wait a few minutes and try again."


@dataclass
class LoginAttempt:
    """One try at the login form, already counted against every limit."""

    counted: list[tuple[RateLimitItem, str]] = field(default_factory=list)

    def give_back(self) -> None:
        """Take this try off the counts (it was refused, or the password was right)."""
        for item, key in self.counted:
            limiter.storage.incr(key, item.get_expiry(), amount=-1)
        self.counted = []


def count_attempt(username: str) -> LoginAttempt:
    """Count a try at ``username``; ``TooManyRequests`` (and nothing counted) when over a limit."""
    attempt = LoginAttempt()
    if not limiter.enabled:
        return attempt
    waits = []
    for item, key in _counters(username.strip().lower()[:60], get_remote_address()):
        count = limiter.storage.incr(key, item.get_expiry())
        attempt.counted.append((item, key))
        if count > item.amount:
            waits.append(limiter.storage.get_expiry(key) - time.time())
    if waits:
        attempt.give_back()
        raise TooManyRequests(LIMIT_MESSAGE, retry_after=max(1, int(max(waits)) + 1))
    return attempt


def _counters(account: str, ip: str) -> list[tuple[RateLimitItem, str]]:
    config = current_app.config
    limits = [
        (config["LOGIN_LIMIT_PER_ACCOUNT_IP"], ("login-account-ip", account, ip)),
        (config["LOGIN_LIMIT_PER_IP"], ("login-ip", ip)),
        (config["LOGIN_LIMIT_PER_ACCOUNT"], ("login-account", account)),
    ]
    found = []
    for text, names in limits:
        item = parse(text)
        found.append((item, item.key_for(*names)))
    return found
