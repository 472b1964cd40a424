"""Importing a WordPress export: authors, terms, posts, comments and old addresses.

The file is read twice, streaming both times: once to check it is a well-formed WordPress export
(so a broken file changes nothing), then to import. Each record is its own transaction, so a bad
one is reported and the rest go on. WordPress ids are kept (``Post.wp_id``, ``Comment.wp_id``),
and terms and users are found by slug and login, so a second run updates or skips instead of
adding twice.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urljoin
from xml.etree.ElementTree import ParseError

from ..extensions import db
from ..models import Category, Tag, User, utcnow
from ..old_addresses import remember
from ..posts import slugify, unique_slug
from .attachments import AttachmentFiles
from .context import Work
from .items import ItemImporter, item_date
from .names import clean_login
from .origin import OtherSiteError, claim_site
from .reader import Channel, WxrAuthor, WxrError, WxrItem, WxrReader, WxrTerm, check_version
from .report import ImportReport
from .zone import ZoneEvidence, settle_zone

Progress = Callable[[int, int], None]


def scan(path: str | Path, zone: ZoneEvidence | None = None) -> tuple[Channel, int]:
    """Read the whole file once without storing anything: its channel and number of records."""
    reader = WxrReader(path)
    total = _read_all(reader, zone)
    check_version(reader.channel, Path(path).name)
    return reader.channel, total


def _read_all(reader: WxrReader, zone: ZoneEvidence | None) -> int:
    total = 0
    for record in reader:
        total += 1
        if zone is not None:
            zone.observe(record)
    return total


def survey(path: str | Path, zone: ZoneEvidence | None = None) -> tuple[Channel, int, bool]:
    """The file's channel, number of records, and whether it needs the fallback for ``]]>``.

    A pre-2010 export whose only fault is an unescaped ``]]>`` inside CDATA is read as
    WordPress's importer reads it (``cdata.py``); a file broken otherwise is refused, its
    line named. ``zone`` gathers the old blog's offsets from GMT on the way.
    """
    try:
        return *scan(path, zone), False
    except WxrError as strict:
        if not isinstance(strict.__cause__, ParseError):
            raise
        reader = WxrReader(path, repair_cdata=True)
        try:
            total = _read_all(reader, zone)
        except WxrError:
            if reader.repairs:
                raise  # mended, and still broken: the other fault's line
            raise strict from None
        if not reader.repairs:
            raise strict from None
        check_version(reader.channel, Path(path).name)
        return reader.channel, total, True


def repair_notes(reader: WxrReader, record: object) -> list[str]:
    """The report's line for an item read with the ``]]>`` fallback (at the end: the others)."""
    why = "an unescaped ]]> inside CDATA, read as WordPress's importer reads it (ticket #15203)"
    if isinstance(record, WxrItem) and record.repaired_lines:
        lines = ", ".join(map(str, record.repaired_lines))
        return [f"{record.label}: {why}, line {lines}; check its text."]
    if record is None:
        lines = ", ".join(str(r.line) for r in reader.repairs if r.item == 0)
        return [f"Outside any item: {why}, line {lines}."] if lines else []
    return []


def import_wxr(
    path: str | Path, progress: Progress | None = None, files: AttachmentFiles | None = None
) -> ImportReport:
    """Import a WXR file; ``WxrError`` (nothing imported) when it isn't a readable export.

    With ``files``, attachments' files are brought home first, so each post's links to them
    are made local before it is saved and rendered.
    """
    zone = ZoneEvidence()
    channel, total, repair_cdata = survey(path, zone)
    claim_site(channel, Path(path).name)  # another site's export changes nothing
    report = ImportReport()
    # Before any post: a date with no GMT twin is read in the zone the addresses use.
    report.notes.extend(settle_zone(zone))
    if files is not None:
        bring_files(path, repair_cdata, files, report)
    reader = WxrReader(path, repair_cdata)
    importer = Importer(reader.channel, report, files)
    session = db.session()
    # Rows stay loaded across the per-item commits instead of being read again after each.
    session.expire_on_commit = False
    try:
        for done, record in enumerate(reader, 1):
            importer.handle(record)
            report.notes.extend(repair_notes(reader, record))
            if progress:
                progress(done, total)
        report.notes.extend(repair_notes(reader, None))
        importer.finish()
    finally:
        session.expire_on_commit = True
    return report


def bring_files(
    path: str | Path, repair_cdata: bool, files: AttachmentFiles, report: ImportReport
) -> None:
    """A first pass over the file for the attachments' files alone."""
    reader = WxrReader(path, repair_cdata)
    for record in reader:
        if isinstance(record, WxrItem) and record.post_type == "attachment":
            files.learn_hosts(reader.channel)
            files.bring(record, report, item_date(record) or utcnow())


def failure_reason(error: Exception) -> str:
    """A short, readable cause: the database's own first line, not the SQL statement."""
    cause = getattr(error, "orig", None) or error
    return (str(cause).strip().splitlines() or [type(error).__name__])[0][:300]


class Importer:
    """Import records one at a time, each in its own transaction."""

    def __init__(
        self, channel: Channel, report: ImportReport, files: AttachmentFiles | None = None
    ) -> None:
        self.channel = channel
        self.report = report
        self.users_by_login: dict[str, int] = {}
        self.users_by_wp_id: dict[int, int] = {}
        self.category_parents: dict[str, str] = {}
        self.known_terms: dict[tuple[str, str], Any] = {}
        # WordPress 6 lists each term twice (wp:category or wp:tag, then wp:term).
        self.terms_read: set[tuple[str, str]] = set()
        if files is not None:
            files.learn_hosts(channel)
        self.items = ItemImporter(self, files)

    def handle(self, record: WxrAuthor | WxrTerm | WxrItem) -> None:
        """Import one record and count the outcome."""
        if isinstance(record, WxrAuthor):
            self.add_author(record)
        elif isinstance(record, WxrTerm):
            self.term(record)
        else:
            self.items.item(record)

    def run(self, kind: str, label: str, work: Work, count: bool = True) -> bool:
        """Do ``work`` in a transaction of its own; count its outcome (if asked) or failure."""
        try:
            # Nothing is written before the commit: one flush per record, not one per query.
            with db.session.no_autoflush:
                outcome, reason = work()
            db.session.commit()  # what it added or changed moves the content generation
        except Exception as error:  # whatever one record does wrong, the rest go on
            db.session.rollback()
            self.known_terms.clear()  # terms added in this transaction are gone
            self.report.count(kind, "failed", f"{label}: {failure_reason(error)}")
            return False
        if count:
            self.report.count(kind, outcome, reason)
        return True

    def add_author(self, author: WxrAuthor) -> None:
        """Import an author under its cleaned login; one with no usable login is skipped."""
        login = login_of(author.login)
        if not login:
            self.report.count("authors", "skipped", f"no usable login in {author.login[:60]!r}")
            return
        author.login = login
        self.run("authors", f"author {login!r}", lambda: self.author(author))

    def author(self, author: WxrAuthor) -> tuple[str, str]:
        """Map an author to the user with that login, or add one who can't log in yet."""
        user = db.session.scalar(db.select(User).where(User.username == author.login))
        outcome, reason = "skipped", "a user with that login is already here"
        if user is None:
            user = self._new_user(author)
            outcome, reason = "imported", ""
        self.users_by_login[author.login] = user.id
        if author.wp_id is not None:
            self.users_by_wp_id[author.wp_id] = user.id
        self.remember_number("author", author.wp_id, f"/author/{quote(user.username)}/")
        return outcome, reason

    def _new_user(self, author: WxrAuthor) -> User:
        full_name = f"{author.first_name} {author.last_name}".strip()
        user = User(
            username=author.login,
            display_name=(author.display_name or full_name or author.login)[:250],
            email=author.email[:100],
            role="author",
        )
        user.set_password(None)
        db.session.add(user)
        db.session.flush()
        return user

    def user_id(self, login: str) -> int | None:
        """The user an item's ``dc:creator`` names, added when the file had no entry for it."""
        login = login_of(login) or self._fallback_login()
        if login not in self.users_by_login:
            self.run("authors", f"author {login!r}", lambda: self.author(WxrAuthor(login=login)))
        return self.users_by_login.get(login)

    def _fallback_login(self) -> str:
        admin = db.session.scalar(
            db.select(User.username).order_by((User.role == "admin").desc(), User.id).limit(1)
        )
        return admin or "wordpress"

    def term(self, term: WxrTerm) -> None:
        """Import a category or tag; other taxonomies are counted as skipped.

        A term the file listed before is read again (the second entry may say more) but not
        counted again.
        """
        first = (term.taxonomy, term.slug) not in self.terms_read
        self.terms_read.add((term.taxonomy, term.slug))
        if term.taxonomy == "category":
            self.run("categories", f"category {term.slug!r}", lambda: self.category(term), first)
        elif term.taxonomy == "post_tag":
            self.run("tags", f"tag {term.slug!r}", lambda: self.tag(term), first)
        else:
            reason = f"hlsblog has no {term.taxonomy or 'unnamed'} taxonomy"
            self.report.count("other", "skipped", reason)

    def category(self, term: WxrTerm) -> tuple[str, str]:
        """Add or update a category; its parent is linked now or, if not yet read, at the end."""
        category, outcome = self.find_term(Category, term.slug, term.name)
        category.description = term.description or category.description
        if term.parent:
            self.category_parents[category.slug] = slugify(unquote(term.parent))
            parent = self.known_terms.get(("Category", self.category_parents[category.slug]))
            if parent is not None and not _is_below(parent, category):
                category.parent = parent
        self.remember_number("cat", term.wp_id, f"/category/{quote(category.slug)}/")
        return self.outcome(category, outcome)

    def remember_number(self, name: str, wp_id: int | None, target: str) -> None:
        """The old blog's ``?cat=N`` or ``?author=N`` leads to the archive it named."""
        if wp_id is not None:
            url = urljoin(self.items.base_url(), f"?{name}={wp_id}")
            kind = "category" if name == "cat" else name
            remember(url, kind=kind, target_url=target, wp_id=wp_id)

    def tag(self, term: WxrTerm) -> tuple[str, str]:
        """Add or update a tag."""
        tag, outcome = self.find_term(Tag, term.slug, term.name)
        return self.outcome(tag, outcome)

    def find_term(self, model: Any, slug: str, name: str) -> tuple[Any, str]:
        """The category or tag with this slug, its name brought up to date, or a new one."""
        slug = slugify(unquote(slug) or name, fallback=model.__name__.lower())
        term = self.known_terms.get((model.__name__, slug))
        if term is None:
            term = db.session.scalar(db.select(model).where(model.slug == slug))
        if term is None:
            term = model(name=(name or slug)[:200], slug=unique_slug(model, slug))
            db.session.add(term)
            self.known_terms[(model.__name__, slug)] = term
            return term, "imported"
        self.known_terms[(model.__name__, slug)] = term
        term.name = (name or term.name)[:200]
        return term, "existing"

    def outcome(self, row: object, found: str) -> tuple[str, str]:
        """``imported`` for a new row; ``updated`` or ``skipped`` for one already here."""
        if found == "imported":
            return "imported", ""
        if db.session.is_modified(row):
            return "updated", ""
        return "skipped", "already imported, unchanged"

    def finish(self) -> None:
        """Link categories and pages to parents read after them, and attachments to their posts."""
        categories = {c.slug: c for c in db.session.scalars(db.select(Category))}
        for slug, parent_slug in self.category_parents.items():
            category, parent = categories.get(slug), categories.get(parent_slug)
            if category is None or parent is None or category.parent_id is not None:
                continue
            if not _is_below(parent, category):
                category.parent = parent
        self.items.finish()
        db.session.commit()


def login_of(raw: str) -> str:
    """The login an export's author name maps to, cleaned as WordPress's importer does."""
    return clean_login(raw)[:60].strip()  # our usernames hold at most 60 characters


def _is_below(category: Category, ancestor: Category) -> bool:
    """Whether ``ancestor`` is ``category`` or above it (a parent link would make a loop)."""
    seen: set[int] = set()
    node: Category | None = category
    while node is not None and node.id not in seen:
        if node.id == ancestor.id:
            return True
        seen.add(node.id)
        node = node.parent
    return False


__all__ = ["AttachmentFiles", "ImportReport", "OtherSiteError", "WxrError", "import_wxr", "scan"]
