"""The plugin's two blueprints, and the headers that advertise its endpoints on every page.

The protocol endpoints are called by other blogs' servers, never by a browser form: they are
exempt from CSRF. The admin blueprint is not.
"""

from __future__ import annotations

from flask import Blueprint, Response, request, url_for

from hlsblog import csrf, is_enabled, rate_limited

from .inbound import TOO_QUICKLY, PingRefused
from .settings import PLUGIN, rate_limit, receives

MAX_BODY = 64 * 1024  # a ping is a few hundred bytes

protocols = Blueprint("linkbacks", __name__)
admin = Blueprint("linkbacks_admin", __name__, url_prefix="/admin/linkbacks")
csrf.exempt(protocols)


def read_body() -> bytes:
    """The request body, refused when larger than any real ping."""
    if (request.content_length or 0) > MAX_BODY:
        raise PingRefused("The request is too large.")
    # Read through the request's cache: the core may have read the body already.
    data = request.get_data(cache=True, parse_form_data=False)
    if len(data) > MAX_BODY:
        raise PingRefused("The request is too large.")
    return data


def require(protocol: str) -> None:
    """Refuse a ping of a protocol the blogger turned off."""
    if not receives(protocol):
        raise PingRefused(f"This blog does not take {protocol} pings.", 49)


def count_ping() -> None:
    """Count this ping against its address's limit; refused as "too quickly" once over it.

    Every ping counts, taken or refused: each one may cost us a fetch or a lookup.
    """
    wait = rate_limited("linkbacks", rate_limit())
    if wait:
        message = f"You are pinging too quickly: try again in {wait:.0f} s."
        raise PingRefused(message, TOO_QUICKLY, retry_after=wait)


def client() -> dict[str, str]:
    """Who is pinging, as stored with the comment."""
    return {"ip": request.remote_addr or "", "ua": request.user_agent.string}


@protocols.after_app_request
def advertise(response: Response) -> Response:
    """``X-Pingback`` and ``Link: rel=webmention`` on the blog's HTML pages."""
    if (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and response.mimetype == "text/html"
        and is_enabled(PLUGIN)
    ):
        if receives("pingback"):
            response.headers["X-Pingback"] = url_for("linkbacks.pingback", _external=True)
        if receives("webmention"):
            webmention = url_for("linkbacks.webmention", _external=True)
            response.headers.add("Link", f'<{webmention}>; rel="webmention"')
    return response
