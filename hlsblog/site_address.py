"""The blog's one public address, for every absolute link: mail, feeds, pings, sitemap, exports.

``HLSBLOG_SITE_URL`` (config ``SITE_URL``) wins over the "Site address (URL)" setting. When
one is set, Flask's own URL building uses it: ``BlogApp`` gives every request and app context
a URL adapter whose *external* URLs are built against the site address, so each
``url_for(..., _external=True)`` — the core's, a plugin's, one written next year — is right
without the call knowing, and a ``Host`` header can't write the links in a mail. Paths inside
a page stay relative to the request, so the blog still answers on any name it is reached by.

Flask's ``SERVER_NAME`` would do part of this, but it is read once at start (the setting
changes while the blog runs), it doesn't make a request's external links use its scheme, and
it would also bind routing and cookies to that name.

With no address set, external links use the request's own host (a fresh install works at
once) and, outside a request, there is none: ``url_for(..., _external=True)`` raises
``RuntimeError`` as Flask's does.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Request, current_app, g, has_request_context, request
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.routing import MapAdapter

from .settings import get_setting, set_setting

SETTING = "site_url"


def normalize_site_url(value: str) -> str:
    """``value`` as a site address (``https://host[:port][/path]``, no end slash); ``""`` stays.

    ``ValueError`` says what is wrong with anything else.
    """
    value = (value or "").strip()
    if not value:
        return ""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (reading it checks the port is a number in range)
    except ValueError as exc:
        raise ValueError(f"The site address {value!r} is not a valid URL.") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("The site address starts with http:// or https:// and names a host.")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError("The site address has no query, fragment or user name.")
    if any(ord(char) <= 32 or char == "\\" for char in value):
        raise ValueError("The site address has no spaces, backslashes or control characters.")
    return f"{parts.scheme}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def configured_site_url() -> str:
    """The site address set by config or in Settings, or ``""`` when none is."""
    if "hlsblog_site_url" not in g:
        g.hlsblog_site_url = _configured()
    return str(g.hlsblog_site_url)


def _configured() -> str:
    from_config = current_app.config.get("SITE_URL")
    if from_config:
        return normalize_site_url(str(from_config))
    try:
        return normalize_site_url(str(get_setting(SETTING) or ""))
    except ValueError:  # stored before a stricter check: the request's host serves meanwhile
        return ""


def forget_site_url() -> None:
    """Read the address again on the next link (after Settings changed it)."""
    g.pop("hlsblog_site_url", None)


def adopt_request_address() -> str | None:
    """Make the address this request came to the site address, if none is set; what was set.

    Called when an admin saves settings (mail among them): a logged-in admin's own request is
    the one ``Host`` the blog can trust before anyone has set its address, and from then on a
    stranger's ``Host`` no longer writes the links of mails.
    """
    if configured_site_url():
        return None
    address = normalize_site_url(request.host_url)
    set_setting(SETTING, address)
    forget_site_url()
    return address


def site_url() -> str:
    """The blog's address without an end slash: the configured one, else the request's."""
    configured = configured_site_url()
    if configured:
        return configured
    if has_request_context():
        return request.host_url.rstrip("/")
    raise RuntimeError(
        "The blog's address is unknown outside a request: set HLSBLOG_SITE_URL or "
        "Admin → Settings → Site address (URL)."
    )


def site_host() -> str:
    """The host name of the blog's address (no port), e.g. for a mail's From address."""
    return urlsplit(site_url()).hostname or "localhost"


class SiteAddressAdapter(MapAdapter):
    """A URL adapter that builds external URLs at the site address when one is set."""

    outside_request = False
    refusal: HTTPException | None = None
    _site_adapter: tuple[str, MapAdapter] | None = None

    @classmethod
    def wrapping(cls, adapter: MapAdapter, outside_request: bool) -> SiteAddressAdapter:
        """This kind of adapter with everything ``adapter`` was bound to."""
        wrapped = cls(
            adapter.map,
            adapter.server_name,
            adapter.script_name,
            adapter.subdomain,
            adapter.url_scheme,
            adapter.path_info,
            adapter.default_method,
            adapter.query_args,
        )
        wrapped.outside_request = outside_request
        return wrapped

    def match(self, *args: Any, **kwargs: Any) -> Any:
        """Match as werkzeug does, unless the request's host was refused."""
        if self.refusal is not None:
            raise self.refusal
        return super().match(*args, **kwargs)

    def build(
        self,
        endpoint: Any,
        values: Any = None,
        method: str | None = None,
        force_external: bool = False,
        append_unknown: bool = True,
        url_scheme: str | None = None,
    ) -> str:
        """Build as werkzeug does; an external URL at the site address when one is set."""
        site = configured_site_url() if force_external else ""
        if not site:
            if force_external and self.outside_request:
                site_url()  # raises: no address to build an external URL with
            return super().build(
                endpoint, values, method, force_external, append_unknown, url_scheme
            )
        return self._at(site).build(endpoint, values, method, True, append_unknown, url_scheme)

    def _at(self, site: str) -> MapAdapter:
        # A feed builds hundreds of links: bind to the address once per request.
        if self._site_adapter is None or self._site_adapter[0] != site:
            parts = urlsplit(site)
            bound = self.map.bind(
                parts.netloc, parts.path or "/", url_scheme=parts.scheme, default_method="GET"
            )
            self._site_adapter = (site, bound)
        return self._site_adapter[1]


class BlogApp(Flask):
    """Flask, with URL adapters that know the blog's one address."""

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        """Flask's adapter, wrapped so external URLs use the site address when one is set."""
        try:
            adapter = super().create_url_adapter(request)
        except SecurityError as refused:  # a Host not in TRUSTED_HOSTS
            assert request is not None
            return self._refusing(request, refused)
        if adapter is None:  # outside a request, no SERVER_NAME: relative paths still build
            adapter = self.url_map.bind("localhost", self.config["APPLICATION_ROOT"] or "/")
        return SiteAddressAdapter.wrapping(
            adapter, outside_request=request is None and not self.config["SERVER_NAME"]
        )

    def _refusing(self, request: Request, refused: SecurityError) -> SiteAddressAdapter:
        # Flask leaves such a request with no adapter, so its 400 page can't build a link
        # (an AttributeError, a 500): route it to the refusal, and build links as a trusted host.
        name = (self.config["TRUSTED_HOSTS"] or ["localhost"])[0].lstrip(".")
        request.host = name  # so nothing reads the refused name later
        adapter = self.url_map.bind(name, request.root_path or "/", url_scheme=request.scheme)
        wrapped = SiteAddressAdapter.wrapping(adapter, outside_request=False)
        wrapped.refusal = refused
        return wrapped


def trusted_hosts(value: Any) -> list[str] | None:
    """``TRUSTED_HOSTS`` as Flask wants it: a list, from a comma-separated string too."""
    if value is None or isinstance(value, list | tuple):
        return None if value is None else list(value)
    names = [name.strip() for name in str(value).split(",") if name.strip()]
    return names or None
