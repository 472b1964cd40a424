"""A fuzz of every address: whatever a stranger (or a logged-in blogger) sends, never a 500.

Each rule of the app's URL map — the core's and every bundled plugin's, so a route added
tomorrow is fuzzed the day it lands — gets requests that hypothesis builds from what attackers
try: numbers too large for the database, negative ones, Unicode digits that pass
``str.isdigit()`` but not ``int()``, NUL, newlines, CR, bad UTF-8 behind percent escapes,
over-long strings and ``../``. They go into the path's parts, the query and the form (the
field names the templates and views use), over GET and POST, with a valid CSRF token or
without, anonymous and logged in as the admin and as an author. Answers below 500 pass.

The blog is built once per module; hypothesis is derandomized, so CI runs the same requests
every time (a new route or field name changes them, which is the point).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote_from_bytes

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.security import generate_password_hash

from hlsblog import PROJECT_ROOT, create_app
from hlsblog.extensions import db
from hlsblog.models import Comment, Post, User, utcnow
from hlsblog.posts import permalink, save_post
from hlsblog.testing import (
    PASSWORD,
    build_app,
    close_app,
    csrf_token,
    database_backends,
    submit_form,
)

EXAMPLES = 8  # drawn per rule and method, after the sprays below
# Sent to each rule in every query and form field at once (and in each path part without a real
# value): the values that most often reach a database or int(). By a stranger and the admin;
# the author, whose views are the admin's narrowed, sends the first two.
SPRAYED = [b"99999999999999999999999999", "\u00b2".encode(), b"-1", b"a\r\nb\x00", b"\xff"]
SPRAYERS = {"anonymous": SPRAYED, "admin": SPRAYED, "author": SPRAYED[:2]}
_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
_CHOICES = re.compile(r"\(([^)]*)\)")
_READ = re.compile(r"""(?:args|form|values|files)(?:\.get(?:list)?\(|\[)\s*["']([\w-]+)["']""")
_NAMED = re.compile(r"""\bname=["']([A-Za-z_][\w-]*)["']""")


def _routes() -> list[tuple[str, str]]:
    """(rule, method) for every rule of a blog with every plugin found, read once at collection."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "collect",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/rules.sqlite3",
                "INSTANCE_PATH": folder,
            }
        )
        found = sorted(
            {
                (rule.rule, method)
                for rule in app.url_map.iter_rules()
                for method in (rule.methods or ()) - {"HEAD", "OPTIONS"}
            }
        )
        with app.app_context():
            db.engine.dispose()
    return found


def _field_names() -> list[str]:
    """Every field name a view reads or a template's form sends: the fuzz's query and form keys."""
    names: set[str] = {"csrf_token", "next", "back", "p", "page", "ids"}
    for folder in ("hlsblog", "plugins", "templates"):
        for path in (PROJECT_ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".html"):
                text = path.read_text(encoding="utf-8")
                names.update(_READ.findall(text))
                names.update(_NAMED.findall(text))
    return sorted(names)


ROUTES = _routes()
FIELDS = _field_names()

HOSTILE: list[bytes] = [
    b"99999999999999999999999999",  # past every integer type a database has
    b"2147483648",  # PostgreSQL's int4 plus one
    b"9223372036854775808",  # int8 plus one
    b"-1",
    b"-9223372036854775809",
    b"0",
    b"9" * 5000,  # past Python's own limit for int() of a string
    "²".encode(),  # isdigit() but not int()
    "¹²³".encode(),
    "٣".encode(),  # an Arabic-Indic three: int() reads it
    "①".encode(),
    "𝟗".encode(),
    b"\x00",
    b"1\x00",
    b"a\nb",
    b"/admin/\r\nSet-Cookie: x=1",
    b"\r",
    b"\xff",  # bad UTF-8, sent as a percent escape
    b"\xc3(",
    b"\xed\xa0\x80",  # an encoded surrogate
    b"\xc0\xaf",  # an over-long "/"
    b"../../../etc/passwd",
    b"..%2f..%2f",
    b"//evil.example/",
    b"javascript:alert(1)",
    b"x" * 10_000,
    b"%",
    b"",
]
# Raw request bodies that are not a form, under the content types protocol endpoints read.
CONTENT_TYPES = [
    "text/xml",
    "application/json",
    "multipart/form-data",  # no boundary
    "application/x-www-form-urlencoded; charset=rot13",
    "application/x-www-form-urlencoded; charset=idna",
    "application/x-www-form-urlencoded; charset=base64",
]

hostile = st.one_of(
    st.sampled_from(HOSTILE),
    st.integers(min_value=-(2**70), max_value=2**70).map(lambda n: str(n).encode()),
    st.text(max_size=30).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.binary(max_size=20),
)


class Fuzzer:
    """The blog under fuzz, its known rows, and a client for each kind of visitor."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.known = self._arrange()
        self.clients = {role: self._client(role) for role in ("anonymous", "admin", "author")}
        self.tokens = {role: self._token(role) for role in self.clients}

    def _arrange(self) -> dict[str, list[bytes]]:
        """A published post with a comment, a draft to sacrifice, terms; their real values."""
        with self.app.app_context():
            admin = User(username="admin", email="admin@example.org", role="admin")
            author = User(username="writer", email="writer@example.org", role="author")
            for user in (admin, author):
                # A cheap hash: the fuzz logs back in after each /logout it gets through.
                user.password_hash = generate_password_hash(PASSWORD, "pbkdf2:sha256:1000")
                db.session.add(user)
            db.session.commit()
            post = Post(
                title="Fuzzed",
                body_source="Text",
                author_id=author.id,
                status="published",
                published_at=utcnow() - timedelta(days=2),
            )
            save_post(post, categories="News", tags="fuzz")
            draft = Post(title="Draft", body_source="Draft", author_id=author.id, status="draft")
            save_post(draft, categories="News")
            comment = Comment(post_id=post.id, body_source="Hi", body_html="<p>Hi</p>")
            comment.status, comment.author_name = "approved", "Reader"
            db.session.add(comment)
            db.session.commit()
            with self.app.test_request_context():
                parts = permalink(post).strip("/").split("/")
            return {
                "year": [parts[0].encode()],
                "month": [parts[1].encode()],
                "day": [parts[2].encode()],
                "slug": [parts[3].encode()],
                "post_id": [str(draft.id).encode()],  # admin actions may trash or delete it
                "comment_id": [str(comment.id).encode()],
                "term_id": [str(post.categories[0].id).encode()],
                "kind": [b"category", b"tag"],
                "name": [b"writer"],
            }

    def _client(self, role: str) -> FlaskClient:
        client = self.app.test_client()
        if role != "anonymous":
            self.log_in(client, role)
        return client

    def log_in(self, client: FlaskClient, role: str) -> None:
        """Log in through the form, from an address of its own that the fuzz never fails from."""
        name = "admin" if role == "admin" else "writer"
        response = submit_form(
            client,
            "/login",
            {"username": name, "password": PASSWORD},
            environ_base={"REMOTE_ADDR": "203.0.113.200"},
        )
        assert response.status_code == 302, response.get_data(as_text=True)

    def _token(self, role: str) -> str:
        page = "/admin/" if role != "anonymous" else self._post_url()
        return csrf_token(self.clients[role], page)

    def _post_url(self) -> str:
        known = self.known
        return "/" + "/".join(known[k][0].decode() for k in ("year", "month", "day", "slug")) + "/"

    def still_logged_in(self, role: str) -> None:
        """After a POST (a fuzzed /logout may have worked), log back in and take a new token."""
        if role == "anonymous":
            return
        client = self.clients[role]
        if client.get("/admin/").status_code != 200:
            self.log_in(client, role)
            self.tokens[role] = self._token(role)


@pytest.fixture(scope="module", params=database_backends())
def fuzzer(request: pytest.FixtureRequest) -> Iterator[Fuzzer]:
    """One blog with every plugin found, for the whole module."""
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(str(request.param), Path(folder))
        try:
            yield Fuzzer(app)
        finally:
            close_app(app)


def _segment(converter: str | None, spec: str, name: str, known: dict[str, list[bytes]]) -> Any:
    """What to put where a rule has ``<converter:name>``: hostile, or sometimes a real value."""
    real = list(known.get(name, []))
    if converter == "any":
        choices = _CHOICES.search(spec)
        real += [c.strip().encode() for c in choices.group(1).split(",")] if choices else []
    if real:
        return st.one_of(st.sampled_from(real), hostile)
    return hostile


def _encoded(fields: list[tuple[str, bytes]]) -> str:
    """``fields`` percent-encoded, bad UTF-8 and all, as a query string or a form's body."""
    return "&".join(f"{quote_from_bytes(k.encode(), '')}={quote_from_bytes(v)}" for k, v in fields)


@dataclass
class Visit:
    """One request of the fuzz: who sends it, where, and what (hypothesis prints it on failure)."""

    role: str
    path: str  # as a WSGI server passes it: percent escapes decoded, bytes as latin-1
    query: str = ""
    form: list[tuple[str, bytes]] = field(default_factory=list)
    with_token: bool = False
    content_type: str = "application/x-www-form-urlencoded"
    raw: bytes | None = None  # a body that is no form


def _path(rule: str, value_of: Callable[[re.Match[str]], bytes]) -> str:
    for match in _ARGUMENT.finditer(rule):
        rule = rule.replace(match.group(0), value_of(match).decode("latin-1"), 1)
    return rule


@st.composite
def visits(draw: Any, rule: str, method: str, known: dict[str, list[bytes]]) -> Visit:
    """One hostile request for ``rule``: hostile path parts, query, form or body, and sender."""
    path = _path(rule, lambda m: draw(_segment(m.group(1), m.group(0), m.group(2), known)))
    fields = st.lists(st.tuples(st.sampled_from(FIELDS), hostile), max_size=4)
    visit = Visit(draw(st.sampled_from(list(SPRAYERS))), path, _encoded(draw(fields)))
    if method == "POST":
        visit.form, visit.with_token = draw(fields), draw(st.booleans())
        if draw(st.integers(0, 4)) == 0:
            visit.content_type = draw(st.sampled_from(CONTENT_TYPES))
            visit.raw = draw(st.sampled_from(HOSTILE) | st.binary(max_size=200))
    return visit


def sprayed(rule: str, method: str, known: dict[str, list[bytes]]) -> Iterator[Visit]:
    """For each visitor and value of ``SPRAYERS``: that value in every field the blog reads."""
    for role, values in SPRAYERS.items():
        for value in values:
            path = _path(rule, lambda m, v=value: (known.get(m.group(2)) or [v])[0])
            fields = [(name, value) for name in FIELDS]
            yield Visit(role, path, _encoded(fields), fields, with_token=method == "POST")


def _send(fuzzer: Fuzzer, method: str, visit: Visit) -> Any:
    form = visit.form
    if visit.with_token:
        form = [(key, value) for key, value in form if key != "csrf_token"]
        form.append(("csrf_token", fuzzer.tokens[visit.role].encode()))
    body = visit.raw if visit.raw is not None else _encoded(form).encode("latin-1")
    return fuzzer.clients[visit.role].open(
        method=method,
        environ_overrides={"PATH_INFO": visit.path, "QUERY_STRING": visit.query},
        data=body if method == "POST" else None,
        content_type=visit.content_type if method == "POST" else None,
    )


@pytest.mark.parametrize(("rule", "method"), ROUTES, ids=[f"{m} {r}" for r, m in ROUTES])
def test_no_request_to_any_route_gets_a_500(fuzzer: Fuzzer, rule: str, method: str) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(visit=visits(rule, method, fuzzer.known))
    def fuzz(visit: Visit) -> None:
        response = _send(fuzzer, method, visit)
        status = response.status_code
        response.close()
        if method == "POST":
            fuzzer.still_logged_in(visit.role)
        assert status < 500, (method, visit, status)

    for visit in sprayed(rule, method, fuzzer.known):
        fuzz = example(visit=visit)(fuzz)
    fuzz()


def test_the_fuzz_reaches_every_plugin_and_the_admin() -> None:
    rules = {rule for rule, _ in ROUTES}
    for prefix in ("/admin/", "/feed/", "/linkbacks/", "/share/", "/login"):
        assert any(rule.startswith(prefix) for rule in rules), prefix
    assert {"comment_parent", "posts_per_page", "ids", "q", "url"} <= set(FIELDS)
