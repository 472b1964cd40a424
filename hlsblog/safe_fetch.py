"""Bounded outbound HTTP that can't be turned against the blog's own network.

Every request (and every redirect it follows) resolves the host first and refuses loopback,
private, link-local, shared, reserved, multicast and unspecified addresses before any socket is
opened, then connects to the very address it checked, so a DNS answer that changes between the
check and the connection (DNS rebinding) gains nothing. Hosts on the ``allowed_hosts`` list
(names, addresses or networks such as ``10.1.0.0/16``) pass anyway, for a private network or a
test. Public hosts are reached on ports 80, 443 and 8080 only, the lesson of CVE-2013-0235.

One deadline bounds a whole fetch, redirects included: connecting, sending, every header line
and the body. A timeout per read would let a source that drips one header line a second hold
the fetch (and whatever waits on it) for as long as it likes.

The core's, for whatever fetches an address someone else chose: the linkback plugin (through
``hlsblog.api``) and the WordPress import's ``--fetch-attachments`` (``wxr/attachments.py``).
"""

from __future__ import annotations

import functools
import http.client
import io
import ipaddress
import socket
import ssl
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from email.message import Message
from typing import Any
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

PUBLIC_PORTS = frozenset({80, 443, 8080})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# IPv6 ways of reaching an IPv4 address (RFC 6052, RFC 4291): judged by the address inside.
NAT64 = ipaddress.ip_network("64:ff9b::/96")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
# Local-use NAT64 (RFC 8215) leads into somebody's own network, wherever the IPv4 sits.
LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")
NOT_PUBLIC = "not a public address"
# What a path or query may carry as it is; anything else (spaces, é) is percent-encoded.
PATH_SAFE = "/%:@!$&'()*+,;=~"
QUERY_SAFE = PATH_SAFE + "?"


class FetchError(Exception):
    """A fetch that failed: unreachable, too slow, too large, too many redirects."""


class FetchRefused(FetchError):
    """A fetch refused by policy before any connection was attempted."""


@dataclass(frozen=True)
class Limits:
    """How far one fetch may go."""

    timeout: float = 10.0  # seconds for the whole fetch, redirects included
    max_bytes: int = 1_000_000
    max_redirects: int = 3
    allowed_hosts: tuple[str, ...] = ()
    user_agent: str = "hlsblog-linkback"


@dataclass
class Response:
    """What came back: the final address, status, headers and (capped) body."""

    url: str
    status: int
    headers: Message
    body: bytes = b""
    history: list[str] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return self.headers.get_content_type()

    @property
    def text(self) -> str:
        charset = self.headers.get_content_charset() or "utf-8"
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address is only a way to reach (6to4, NAT64, …), if any."""
    if address.ipv4_mapped or address.sixtofour:
        return address.ipv4_mapped or address.sixtofour
    if address in NAT64 or address in IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """Whether an address is on the public internet (not ours, not anybody's private one)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:  # the connection goes to the IPv4 address itself
            return is_public(address.ipv4_mapped)
        # Teredo's client address is obfuscated and its relays are anyone's: never fetched.
        if address.teredo or address in LOCAL_NAT64:
            return False
        inner = embedded_ipv4(address)
        if inner is not None and not is_public(inner):
            return False
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_unspecified
    )


def _allowed(host: str, address: IPAddress, allowed_hosts: Iterable[str]) -> bool:
    for entry in allowed_hosts:
        entry = entry.strip().strip("[]").lower()
        if entry and entry == host:
            return True
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def _literal(host: str) -> IPAddress | None:
    """The address ``host`` is written as (``10.0.0.1``, ``::1``, ``2130706433``), or None.

    Read without any lookup: inet_aton takes IPv4's shorter forms (``127.1``, ``0x7f.1``, one
    number) as the resolver does, without asking DNS.
    """
    try:
        return ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, UnicodeError, ValueError):
        return None


# Name lookups run here, so one whose name server never answers is given up on at the
# fetch's deadline (getaddrinfo itself takes none: the resolver's own, often 5-30 s, times
# its retries). A lookup given up on keeps its thread until the resolver ends it; a few
# threads bound how many such lookups one process holds.
_LOOKUPS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="hlsblog-dns")


def _addresses(host: str, port: int, deadline: float) -> list[IPAddress]:
    literal = _literal(host)  # an address needs no lookup (nor IPv6 DNS for an IPv6 one)
    if literal is not None:
        return [literal]
    lookup = _LOOKUPS.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = lookup.result(timeout=deadline)
    except FutureTimeout as exc:
        lookup.cancel()
        raise FetchError(f"cannot resolve {host}: no answer within {deadline:g} s") from exc
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}") from exc
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise FetchError(f"{host} has no address")
    return addresses


def resolve(host: str, port: int, limits: Limits) -> IPAddress:
    """The first address of ``host``, refused unless every address it has is acceptable."""
    host = host.strip("[]").lower()
    addresses = _addresses(host, port, max(0.1, float(limits.timeout)))
    _judge(host, port, addresses, limits)
    return addresses[0]


def _judge(host: str, port: int, addresses: list[IPAddress], limits: Limits) -> None:
    for address in addresses:
        if _allowed(host, address, limits.allowed_hosts):
            continue
        if not is_public(address):
            # Not the address, nor which name has it: a stranger would map our network.
            raise FetchRefused(NOT_PUBLIC)
        if port not in PUBLIC_PORTS:
            raise FetchRefused(f"port {port} is not a web port; not fetched")


def check_url(url: str, limits: Limits) -> tuple[str, str, int, IPAddress]:
    """Scheme, host, port and the checked address of ``url``; refused before any connection."""
    scheme, host, port = _parts(url)
    return scheme, host, port, resolve(host, port, limits)


def precheck_url(url: str, limits: Limits) -> None:
    """Refuse what ``check_url`` would without touching the network: a malformed address, or a
    host written as a private address. A host *name* passes: its lookup (which may take the
    resolver's whole timeout) is left to the fetch, which checks every address again anyway.
    """
    scheme, host, port = _parts(url)
    literal = _literal(host.strip("[]").lower())
    if literal is not None:
        _judge(host.strip("[]").lower(), port, [literal], limits)


def _parts(url: str) -> tuple[str, str, int]:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError as exc:
        raise FetchRefused(f"not a valid address: {url[:100]}") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchRefused(f"not an http or https address: {url[:100]}")
    if parts.username or parts.password:
        raise FetchRefused("addresses with a user name or password are not fetched")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, parts.hostname, port


class _DeadlineReader(io.RawIOBase):
    """A socket's bytes, each read allowed only what is left of the fetch's time."""

    def __init__(self, sock: socket.socket, deadline: float, holder: io.IOBase) -> None:
        super().__init__()
        self._sock, self._deadline = sock, deadline
        # The socket's own file keeps it open after the connection lets go of it (as
        # http.client does once a response says "Connection: close"); closed with us.
        self._holder = holder

    def close(self) -> None:
        self._holder.close()
        super().close()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("deadline passed")
        self._sock.settimeout(left)
        return self._sock.recv_into(buffer)


class _DeadlineResponse(http.client.HTTPResponse):
    """A response whose status line, headers and body all come before the deadline."""

    def __init__(self, sock: socket.socket, *args: Any, deadline: float, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        self.fp = io.BufferedReader(_DeadlineReader(sock, deadline, self.fp))


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to an address checked beforehand, whatever DNS says now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """Like ``_PinnedHTTP`` with TLS, the certificate checked against the host's name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _read_capped(answer: http.client.HTTPResponse, url: str, limits: Limits) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := answer.read1(65536):
        size += len(chunk)
        if size > limits.max_bytes:
            raise FetchError(f"{url[:100]} is larger than {limits.max_bytes:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _too_slow(url: str, limits: Limits) -> FetchError:
    return FetchError(f"{url[:100]} took longer than {limits.timeout:g} s")


def _once(
    method: str,
    url: str,
    body: bytes | None,
    headers: dict[str, str],
    limits: Limits,
    deadline: float,
) -> Response:
    scheme, host, port, address = check_url(url, limits)
    left = deadline - time.monotonic()
    if left <= 0:
        raise _too_slow(url, limits)
    kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    conn = kind(host, port, str(address), left)
    conn.response_class = functools.partial(_DeadlineResponse, deadline=deadline)  # type: ignore[assignment]
    answer = None
    try:
        conn.request(method, _path_of(url), body=body, headers=headers)
        answer = conn.getresponse()
        return Response(url, answer.status, answer.msg, _read_capped(answer, url, limits))
    except TimeoutError as exc:
        raise _too_slow(url, limits) from exc
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise FetchError(f"{url[:100]}: {exc or type(exc).__name__}") from exc
    finally:
        if answer is not None:
            answer.close()
        conn.close()


def as_uri(url: str) -> str:
    """``url`` as HTTP can carry it: an IRI's host in IDNA, its path and query percent-encoded.

    Real blogs link to ``http://example.org/café`` and ``…/a page``; sent as they are, they
    fail inside http.client with Python's own words. The fragment is never sent: dropped.
    """
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError as exc:
        raise FetchRefused(f"not a valid address: {url[:100]}") from exc
    netloc = parts.netloc
    if not netloc.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise FetchRefused(f"not a valid host name: {url[:100]}") from exc
        user = quote(netloc.rpartition("@")[0], safe=":%") + "@" if "@" in netloc else ""
        netloc = user + (f"[{host}]" if ":" in host else host) + (f":{port}" if port else "")
    path, query = quote(parts.path, safe=PATH_SAFE), quote(parts.query, safe=QUERY_SAFE)
    return urlunsplit((parts.scheme, netloc, path, query, ""))


def fetch(
    url: str,
    limits: Limits,
    *,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Request ``url`` within ``limits``, following a few redirects, each one checked again."""
    headers = {"User-Agent": limits.user_agent, "Accept-Encoding": "identity", **(headers or {})}
    deadline = time.monotonic() + limits.timeout
    url = as_uri(url)
    history: list[str] = []
    for _ in range(limits.max_redirects + 1):
        response = _once(method, url, data, headers, limits, deadline)
        location = response.headers.get("Location")
        if response.status not in REDIRECTS or not location:
            response.history = history
            return response
        history.append(url)
        url = _redirected(url, location)
        if response.status == 303 or (response.status in (301, 302) and method == "POST"):
            method, data = "GET", None  # what browsers do, and what servers expect
            headers.pop("Content-Type", None)
    raise FetchError(f"more than {limits.max_redirects} redirects")


def _redirected(url: str, location: str) -> str:
    try:
        return as_uri(urljoin(url, location))
    except ValueError as exc:
        raise FetchError(f"bad redirect to {location[:100]}") from exc
