"""Response headers and proxy settings that keep a blog safe on the open internet."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import Flask, Request, Response, abort, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.middleware.proxy_fix import ProxyFix

# No inline script or style anywhere: the theme and every bundled plugin load theirs from files.
# Images may come from other sites (posts moved from WordPress embed them); nothing else may.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https: http:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _secure_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def _refuse_invalid_utf8() -> None:
    # Werkzeug drops form fields whose bytes aren't UTF-8: say so instead of losing them quietly.
    # A form that names another charset (TrackBack allows it) is decoded by the view that takes it.
    charset = request.mimetype_params.get("charset", "utf-8").lower().replace("-", "")
    if request.mimetype != "application/x-www-form-urlencoded" or charset != "utf8":
        return
    raw = request.get_data(cache=True, parse_form_data=False)
    try:
        unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
        request.query_string.decode("ascii")
    except UnicodeDecodeError:
        abort(400, "The form was not sent as UTF-8 text, so it could not be read.")


def _refuse_nul() -> None:
    # PostgreSQL refuses a NUL in any text it is sent (SQLite keeps it), so one that reached a
    # query was a 500. Nobody types one: an address holding one is refused; a form's are
    # dropped when it is read (BlogRequest), not here, so a view may first raise the body cap
    # or read the raw body in the charset it names (TrackBack).
    if "\x00" in request.path or any("\x00" in k + v for k, v in request.args.items(True)):
        abort(400, "A NUL character can't be part of an address.")


class BlogRequest(Request):
    """Flask's request, whose form never holds a NUL: what was typed around one is kept.

    The comment form's own check of control characters still speaks for its other ones.
    """

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form is not None and any("\x00" in k + v for k, v in form.items(multi=True)):
            clean = [(k.replace("\x00", ""), v.replace("\x00", "")) for k, v in form.items(True)]
            self.__dict__["form"] = ImmutableMultiDict(clean)


def init_app(app: Flask) -> None:
    """Headers on every response; ``HTTPS`` and ``PROXY_COUNT`` settings for real deployments.

    ``HLSBLOG_HTTPS=true`` marks cookies Secure and makes absolute links https.
    ``HLSBLOG_PROXY_COUNT=1`` trusts one reverse proxy's X-Forwarded-For/-Proto/-Host headers
    (werkzeug's ProxyFix), so client IPs and https are seen right behind nginx or Caddy.
    """
    if app.config.get("HTTPS"):
        app.config.update(
            SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https"
        )
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            # Never X-Forwarded-Prefix: no documented set-up sends it, and a proxy that passes
            # a reader's on would let one stranger write every link of a shared cached page.
            app.wsgi_app,
            x_for=proxies,
            x_proto=proxies,
            x_host=proxies,
            x_prefix=0,
        )
    app.request_class = BlogRequest
    app.after_request(_secure_headers)
    # First of all before-request functions: the CSRF check reads the form too.
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_invalid_utf8)
    app.before_request_funcs[None].insert(1, _refuse_nul)
