"""Importing a WordPress export's items: posts and pages with their comments, and attachments."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any
from urllib.parse import unquote, urljoin

from ..comment_input import CommentRefused, normalize_url
from ..comment_status import recount
from ..comments import render_comment
from ..dates import to_utc
from ..extensions import db
from ..media import media_url
from ..models import Category, Comment, OldAddress, Post, Tag, utcnow
from ..old_addresses import key_of_url, remember
from ..pages import hidden_slug
from ..posts import render_post, slugify, unique_slug
from .attachments import AttachmentFiles
from .autop import wordpress_html
from .context import ImportContext
from .names import ping_shown
from .reader import WxrComment, WxrItem

# Post meta our own export writes, so a move from one hlsblog to another loses nothing.
MARKDOWN_META = "_hlsblog_markdown"
FORMAT_META = "_hlsblog_format"
OLD_URL_META = "_hlsblog_old_url"

POST_STATUS = {"publish": "published", "future": "published", "draft": "draft"}
HIDDEN_STATUS = {"pending", "private"}  # kept out of sight: they become drafts
SKIPPED_STATUS = {"trash": "in WordPress's trash", "auto-draft": "an unsaved auto-draft"}
COMMENT_STATUS = {"1": "approved", "0": "pending", "spam": "spam", "trash": "trash"}
COMMENT_KINDS = {"trackback", "pingback", "webmention"}
_CHUNK = 500


def wp_datetime(value: str) -> datetime | None:
    """A WXR ``YYYY-MM-DD HH:MM:SS`` time, or None for WordPress's ``0000-00-00`` and junk."""
    try:
        parsed = datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return parsed if parsed.year > 1970 else None


def rfc822_datetime(value: str) -> datetime | None:
    """An RSS ``pubDate`` as naive UTC, or None when it is missing or a placeholder."""
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed if parsed.year > 1970 else None


def item_date(item: WxrItem) -> datetime | None:
    """The item's time in UTC: the GMT field, else ``pubDate``, else the local time.

    WordPress's local time is the blog's: read in this blog's time zone, so the address's date
    stays the one the old blog showed.
    """
    local_time = wp_datetime(item.date)
    utc = wp_datetime(item.date_gmt) or rfc822_datetime(item.pub_date)
    return utc or (to_utc(local_time) if local_time else None)


def comment_date(comment: WxrComment) -> datetime:
    """A comment's time in UTC, from the GMT field when WordPress filled it in."""
    return wp_datetime(comment.date_gmt) or wp_datetime(comment.date) or utcnow()


def post_source(item: WxrItem) -> tuple[str, str]:
    """The text to store and its format: our own export's Markdown, else WordPress's HTML."""
    markdown = item.meta_value(MARKDOWN_META)
    if markdown is not None:
        return markdown, "markdown"
    if item.meta_value(FORMAT_META) == "html":
        return item.content, "html"
    return wordpress_html(item.content), "html"


def _snapshot(post: Post) -> tuple[Any, ...]:
    return (
        post.title,
        post.slug,
        post.body_source,
        post.source_format,
        post.excerpt,
        post.status,
        post.published_at,
        post.created_at,
        post.sticky,
        post.password,
        post.kind,
        post.menu_order,
        post.comments_open,
        post.pings_open,
        post.author_id,
        sorted(c.slug for c in post.categories),
        sorted(t.slug for t in post.tags),
    )


class ItemImporter:
    """Posts, pages, their comments, and attachments, for one run of an import."""

    def __init__(self, importer: ImportContext, files: AttachmentFiles | None = None) -> None:
        self.importer = importer
        self.files = files  # attachments' files brought home, when the import was given any
        self.report = importer.report
        self.attachment_parents: dict[str, int] = {}  # old address key -> parent's wp id
        self.page_parents: dict[int, int] = {}  # a page's id -> its parent's wp id

    def item(self, item: WxrItem) -> None:
        """Import one ``<item>`` as its type allows, or count it as skipped."""
        kind = {"post": "posts", "page": "pages", "attachment": "attachments"}.get(item.post_type)
        if kind is None:
            reason = f"hlsblog has no {item.post_type or 'untyped'} items"
            if not item.post_type:
                reason = "not a WordPress item (no wp:post_type in a WordPress namespace)"
            self.report.count("other", "skipped", reason)
        elif kind == "attachments":
            self.importer.run(kind, item.label, lambda: self.attachment(item))
        elif item.status in SKIPPED_STATUS:
            self.report.count(kind, "skipped", SKIPPED_STATUS[item.status])
        else:
            self.post_with_comments(kind, item)

    def post_with_comments(self, kind: str, item: WxrItem) -> None:
        """The post in one transaction, then each comment in its own."""
        author_id = self.importer.user_id(item.creator)
        found: list[Post] = []
        if author_id is None:
            self.report.count(kind, "failed", f"{item.label}: its author could not be added")
        elif self.importer.run(kind, item.label, lambda: self.post(kind, item, author_id, found)):
            self.comments(item, found[0])
            return
        for _ in item.comments:
            self.report.count("comments", "skipped", "their post was not imported")

    def comments(self, item: WxrItem, post: Post) -> None:
        """Each comment in its own transaction, then the replies linked to their parents."""
        before = self.report.get("comments", "imported")
        for comment in item.comments:
            self.importer.run(
                "comments",
                f"comment {comment.wp_id} on {item.label}",
                partial(self.comment, post, comment),
            )
        if self.report.get("comments", "imported") > before:
            self.importer.run("comments", item.label, lambda: self.link_replies(post, item), False)

    def post(self, kind: str, item: WxrItem, author_id: int, found: list[Post]) -> tuple[str, str]:
        """Add the post, or bring the one imported before up to date."""
        post = None
        if item.wp_id is not None:
            post = db.session.scalar(db.select(Post).where(Post.wp_id == item.wp_id))
        is_new = post is None
        if post is None:
            post = Post(wp_id=item.wp_id, author_id=author_id)
        before = None if is_new else _snapshot(post)
        self.fill(post, kind, item, author_id)
        db.session.add(post)
        found.append(post)
        if not is_new and _snapshot(post) == before:
            return "skipped", "already imported, unchanged"
        render_post(post)
        post.updated_at = wp_datetime(item.modified_gmt) or post.created_at
        self.remember_addresses(post, item)
        if kind == "pages" and item.parent:
            db.session.flush()  # its id, for the parent link made once every page is in
            self.page_parents[post.id] = item.parent
        return ("imported", "") if is_new else ("updated", "")

    def fill(self, post: Post, kind: str, item: WxrItem, author_id: int) -> None:
        """Copy the item's fields onto the post."""
        post.title = item.title.strip()[:500]
        wanted = slugify(unquote(item.slug) or item.title)
        if kind == "pages" and hidden_slug(wanted, item.parent):
            wanted += "-page"  # another address of the blog would hide it (``/feed/``)
        if post.slug != wanted:
            post.slug = unique_slug(Post, wanted, post.id)
        post.body_source, post.source_format = post_source(item)
        if self.files is not None:
            post.body_source = self.local_links(self.files, post.body_source, item)
        post.excerpt = item.excerpt.strip()
        post.password = item.password[:255]  # as written: the export gives back the same
        post.author_id = author_id
        post.kind = "page" if kind == "pages" else "post"
        post.menu_order = item.menu_order if kind == "pages" else 0
        post.sticky = item.sticky and kind != "pages"
        post.comments_open = item.comment_status != "closed"
        post.pings_open = item.ping_status != "closed"
        when = item_date(item) or post.created_at or utcnow()
        post.created_at = when
        post.status = self.status(kind, item)
        post.published_at = when if post.status == "published" else None
        post.announced = post.status == "published" and when <= utcnow()
        post.categories = self.terms(Category, item, ("category",))
        post.tags = self.terms(Tag, item, ("post_tag", "tag"))

    def local_links(self, files: AttachmentFiles, text: str, item: WxrItem) -> str:
        """Links to the old site's uploads lead to our copies; each old file address too."""
        text, moved, stayed = files.rewrite(text)
        # One address per key: the same picture is often shown twice (src and srcset).
        for old, local in {key_of_url(old): (old, local) for old, local in moved}.values():
            media = files.media_for(files.upload_path(old) or "")
            wp_id = media.wp_id if media is not None else None
            remember(old, kind="attachment", target_url=local, wp_id=wp_id, title="")
        for url in dict.fromkeys(stayed):
            self.report.notes.append(f"{item.label} still links to {url[:300]}: not imported.")
        return text

    def status(self, kind: str, item: WxrItem) -> str:
        """Ours for WordPress's: private posts stay drafts (protected ones keep theirs)."""
        if item.status in HIDDEN_STATUS:
            return "draft"
        return POST_STATUS.get(item.status, "draft")

    def terms(self, model: type, item: WxrItem, domains: tuple[str, ...]) -> list[Any]:
        """The item's categories or tags, added when the file's term list did not hold them."""
        found: dict[str, Any] = {}
        for domain, slug, name in item.terms:
            if domain not in domains or not (slug or name):
                continue
            term, outcome = self.importer.find_term(model, slug, name)
            if outcome == "imported":
                self.report.count("categories" if model is Category else "tags", "imported")
            found[term.slug] = term
        return list(found.values())

    def remember_addresses(self, post: Post, item: WxrItem) -> None:
        """Each old address of the post: its link, ``?p=ID``, earlier moves, and its guid.

        A guid is only a name (copied posts share one), so it never takes an address that
        already leads to another post.
        """
        urls = [item.link, *(v for k, v in item.meta if k == OLD_URL_META)]
        if item.wp_id is not None:
            urls.insert(1, urljoin(self.base_url(), f"?p={item.wp_id}"))
            if post.kind == "page":  # WordPress answers both for a page
                urls.insert(2, urljoin(self.base_url(), f"?page_id={item.wp_id}"))
        by_key: dict[str, str] = {}
        for url in [*urls, item.guid]:
            key = key_of_url(url) if "://" in url or url.startswith("/") else None
            if key is not None and key not in by_key:
                by_key[key] = url
        for url in by_key.values():
            replace = url != item.guid or url in urls
            remember(url, post=post, replace=replace, kind="post", wp_id=item.wp_id)

    def base_url(self) -> str:
        """The old blog's address, with an ending slash."""
        channel = self.importer.channel
        base = channel.base_blog_url or channel.link or "/"
        return base if base.endswith("/") else base + "/"

    def link_pages(self) -> None:
        """Put each imported page under its parent, found by WordPress id, unless that loops."""
        if not self.page_parents:
            return
        rows = db.session.execute(
            db.select(Post.id, Post.wp_id, Post.parent_id).where(Post.kind == "page")
        ).all()
        by_wp_id = {row.wp_id: row.id for row in rows if row.wp_id is not None}
        parents = {row.id: row.parent_id for row in rows}
        for page_id, parent_wp_id in self.page_parents.items():
            parent_id = by_wp_id.get(parent_wp_id)
            if page_id not in parents or parent_id is None:
                continue  # the page's own record failed, or its parent never came
            if not _would_loop(parents, page_id, parent_id):
                parents[page_id] = parent_id
                db.session.get_one(Post, page_id).parent_id = parent_id

    def comment(self, post: Post, data: WxrComment) -> tuple[str, str]:
        """Add one comment, trackback or pingback as it was, unless it is here already."""
        query = db.select(Comment.id).where(Comment.post_id == post.id)
        created = comment_date(data)
        if data.wp_id is not None:
            query = query.where(Comment.wp_id == data.wp_id)
        else:
            query = query.where(Comment.created_at == created, Comment.author_name == data.author)
        if db.session.scalar(query.limit(1)) is not None:
            return "skipped", "already imported"
        kind = data.type if data.type in COMMENT_KINDS else "comment"
        # A reader's comment stays HTML; a ping is kept as the text and title readers saw.
        title, text = ping_shown(data.content) if kind != "comment" else ("", data.content)
        url = self.website(post, data)
        comment = Comment(
            post_id=post.id,
            post=post,
            wp_id=data.wp_id,
            kind=kind,
            status=COMMENT_STATUS.get(
                data.approved, "trash" if "trash" in data.approved else "pending"
            ),
            author_name=data.author[:245],
            author_email=data.email[:100],
            author_url=url[:200],
            author_ip=data.ip[:100],
            source_url=url[:2000] if data.type in COMMENT_KINDS else "",
            body_source=text,
            user_id=self.importer.users_by_wp_id.get(data.user_id or 0),
            created_at=created,
        )
        render_comment(comment, title)
        db.session.add(comment)
        return "imported", ""

    def website(self, post: Post, data: WxrComment) -> str:
        """The website as the comment form would take it; one it refuses is dropped, and said."""
        try:
            return normalize_url(data.url)
        except CommentRefused:
            self.report.notes.append(
                f"Comment {data.wp_id} on “{post.title}”: {data.author[:100]}'s website "
                f"{data.url[:100]!r} is not an http or https address; imported without it."
            )
            return ""

    def link_replies(self, post: Post, item: WxrItem) -> tuple[str, str]:
        """Point each reply at its parent (which may come after it in the file); recount."""
        rows = db.session.scalars(
            db.select(Comment).where(Comment.post_id == post.id, Comment.wp_id.is_not(None))
        ).all()
        by_wp_id = {row.wp_id: row for row in rows}
        for data in item.comments:
            child, parent = by_wp_id.get(data.wp_id), by_wp_id.get(data.parent)
            if child is not None and parent is not None and parent is not child:
                child.parent_id = parent.id
        recount(post)
        return "imported", ""

    def attachment(self, item: WxrItem) -> tuple[str, str]:
        """An attachment's old page leads to its file: our copy, else its original address."""
        target = item.attachment_url or item.guid
        media = self.files.by_wp_id.get(item.wp_id or 0) if self.files else None
        if media is not None:
            target = media_url(media)
        if not target:
            return "skipped", "no attachment_url"
        urls = [item.link]
        if item.wp_id is not None:
            urls.append(urljoin(self.base_url(), f"?attachment_id={item.wp_id}"))
        if media is not None:
            urls.append(item.attachment_url)  # the old file's own address, on this host
        # One address per key, the file's own link first: a made-up one never replaces it.
        keys = {key: url for url in reversed(urls) if (key := key_of_url(url))}
        keys = {url: key for key, url in keys.items()}
        if not keys:
            return "skipped", "no old address to keep"
        first = next(iter(keys.values()))
        existing = db.session.scalar(db.select(OldAddress).where(OldAddress.path == first))
        values: dict[str, Any] = {
            "target_url": target[:2000],
            "title": item.title[:500],
            "wp_id": item.wp_id,
        }
        unchanged = existing is not None and all(
            getattr(existing, name) == value for name, value in values.items()
        )
        for url, key in keys.items():
            remember(url, kind="attachment", **values)
            if item.parent:
                self.attachment_parents[key] = item.parent
        if existing is None:
            return "imported", ""
        return ("skipped", "already imported, unchanged") if unchanged else ("updated", "")

    def finish(self) -> None:
        """Tie pages to their parents and attachments to their posts (both may come later)."""
        self.link_pages()
        if self.files is not None:
            self.files.link_parents()
        keys = list(self.attachment_parents)
        for start in range(0, len(keys), _CHUNK):  # a bounded number of query parameters
            chunk = keys[start : start + _CHUNK]
            wanted = {self.attachment_parents[key] for key in chunk}
            posts = dict(
                db.session.execute(
                    db.select(Post.wp_id, Post.id).where(Post.wp_id.in_(wanted))
                ).all()
            )
            rows = db.session.scalars(db.select(OldAddress).where(OldAddress.path.in_(chunk)))
            for row in rows:
                row.post_id = posts.get(self.attachment_parents[row.path])


def _would_loop(parents: dict[int, int | None], page_id: int, parent_id: int) -> bool:
    """Whether putting ``page_id`` under ``parent_id`` makes it its own ancestor."""
    seen: set[int] = set()
    node: int | None = parent_id
    while node is not None and node not in seen:
        if node == page_id:
            return True
        seen.add(node)
        node = parents.get(node)
    return False
