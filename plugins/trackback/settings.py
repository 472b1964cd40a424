"""The plugin's settings and the fetching limits made from them."""

from __future__ import annotations

from flask import current_app

from hlsblog import PluginSetting, RunAgain, is_enabled, settings_for
from hlsblog.api import Limits

PLUGIN = "trackback"
VERSION = "1.0"
PROTOCOLS = ("webmention", "pingback", "trackback")
SETTINGS = [
    PluginSetting(
        "send_pings",
        "bool",
        True,
        label="Ping the sites a post links to",
        help="On publishing or updating a post: Webmention, else Pingback, else TrackBack.",
    ),
    PluginSetting(
        "receive",
        "list",
        list(PROTOCOLS),
        label="Pings taken",
        help="The protocols this blog advertises and accepts.",
        choices=PROTOCOLS,
    ),
    PluginSetting(
        "allowed_hosts",
        "list",
        [],
        label="Private hosts that may be fetched anyway",
        help="Host names, addresses or networks (10.1.0.0/16), comma-separated. Loopback, "
        "private and link-local addresses are refused unless listed here.",
    ),
    PluginSetting(
        "fetch_timeout",
        "int",
        10,
        label="Fetch timeout (seconds)",
        help="For the whole fetch of a source: connecting, headers and page (1-60). A Pingback, "
        "checked while its sender waits, gets at most 5 s of it.",
    ),
    PluginSetting("fetch_max_kb", "int", 1000, label="Largest page fetched (KB)"),
    PluginSetting(
        "keep_refused_days",
        "int",
        30,
        label="Forget refused pings after this many days",
        help="Webmentions and TrackBacks refused (no link, a private source…) are listed under "
        "Linkbacks until then. 0 keeps them for ever.",
    ),
]
settings = settings_for(PLUGIN)
RETRY_DELAYS = (10, 60, 600)  # seconds; app config LINKBACK_RETRY_DELAYS overrides
# A fetch made while the sender waits (Pingback) holds a web worker: it gets less time.
INLINE_TIMEOUT = 5.0  # seconds; app config LINKBACK_INLINE_TIMEOUT overrides
# Pings from one address, all three protocols together; app config LINKBACK_RATE_LIMIT.
RATE_LIMIT = "20 per minute"


def limits(purpose: str, inline: bool = False) -> Limits:
    """Fetching limits from the settings; ``purpose`` goes into the User-Agent.

    ``inline``: for a fetch inside the request of the ping, with a shorter deadline.
    """
    timeout = float(max(1, min(60, settings.fetch_timeout)))
    if inline:
        inline_timeout = current_app.config.get("LINKBACK_INLINE_TIMEOUT", INLINE_TIMEOUT)
        timeout = min(timeout, float(inline_timeout))
    return Limits(
        timeout=timeout,
        max_bytes=max(1, min(10_000, settings.fetch_max_kb)) * 1024,
        allowed_hosts=tuple(settings.allowed_hosts or ()),
        user_agent=f"hlsblog-linkback/{VERSION} ({purpose})",
    )


def retry_delays() -> tuple[float, ...]:
    """How long to wait before each retry of a ping that failed for a passing reason."""
    return tuple(current_app.config.get("LINKBACK_RETRY_DELAYS", RETRY_DELAYS))


def rate_limit() -> str:
    """How many pings one address may send (all protocols together)."""
    return str(current_app.config.get("LINKBACK_RATE_LIMIT", RATE_LIMIT))


def receives(protocol: str) -> bool:
    """Whether this blog takes (and advertises) pings of ``protocol``."""
    return protocol in (settings.receive or ())


OFF_RETRY = 600.0  # seconds: how often a task queued before the plugin was turned off looks


def wait_while_off() -> None:
    """In a task: while the blogger has turned the plugin off, come back later (not a failure).

    Its settings aren't readable then, and its work resumes where it was when it is back on.
    """
    if not is_enabled(PLUGIN):
        raise RunAgain(OFF_RETRY, "the trackback plugin is off")
