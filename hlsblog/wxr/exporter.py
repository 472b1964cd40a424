"""Writing the blog as WXR 1.2, the file WordPress's own importer reads.

Everything the importer reads comes out: authors, categories (parents first), tags, posts with
their comments, attachments (uploads at our addresses, media_export.py, else links to the old
files), and old addresses. WordPress ids are kept where the post came from WordPress; our own
posts and comments get numbers above them. Post meta
prefixed ``_hlsblog_`` carries what WordPress has no field for (Markdown source, old addresses),
so a move from one hlsblog to another loses nothing; WordPress keeps it as hidden post meta.
Names (users', terms', commenters') and pings' text are HTML-escaped, the form WordPress
stores them in.
The file is produced piece by piece, so a large blog never sits in memory whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.sax.saxutils import escape, quoteattr

from flask import url_for

from ..extensions import db
from ..models import Category, Comment, Media, OldAddress, Post, Tag, User
from ..old_addresses import address_key, key_of_url
from ..posts import permalink
from ..rendering import (
    PAGE_BREAK,
    clean_post_html,
    markdown_to_html,
    ping_title,
    split_more,
    split_pages,
)
from ..settings import get_setting
from .items import FORMAT_META, MARKDOWN_META, OLD_URL_META
from .media_export import media_items
from .names import ping_stored, stored
from .writing import cdata, postmeta, rss_time, tag, wp_time

_BATCH = 200
_APPROVED = {"approved": "1", "pending": "0", "spam": "spam", "trash": "trash"}

HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<!-- A WordPress eXtended RSS file written by hlsblog. Import it into WordPress with -->
<!-- Tools: Import: WordPress, or into hlsblog with its import-wxr command. -->
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
"""


def export_wxr() -> Iterator[str]:
    """The whole blog as WXR 1.2, in pieces; needs a request context for absolute links."""
    ids = ExportIds()
    yield HEADER
    yield channel_head()
    for user in db.session.scalars(db.select(User).order_by(User.username)):
        yield author(user)
    for category in ordered_categories():
        yield category_entry(category)
    for term in db.session.scalars(db.select(Tag).order_by(Tag.slug)):
        yield tag_entry(term)
    yield "\t<generator>hlsblog</generator>\n"
    for post in all_posts():
        yield post_item(post, ids)
    yield from attachment_items(ids)
    yield from media_items(ids)
    yield "</channel>\n</rss>\n"


def channel_head() -> str:
    """The site's name and addresses, and the WXR version."""
    home = url_for("blog.index", _external=True)
    lines = [
        tag("title", get_setting("title")),
        tag("link", home, raw=True),
        tag("description", get_setting("tagline")),
        tag("pubDate", rss_time(None), raw=True),
        tag("language", "en", raw=True),
        tag("wp:wxr_version", "1.2", raw=True),
        tag("wp:base_site_url", home, raw=True),
        tag("wp:base_blog_url", home, raw=True),
    ]
    return "".join(f"\t{line}\n" for line in lines)


def author(user: User) -> str:
    """A ``wp:author`` entry (never a password)."""
    first, _, last = user.display_name.partition(" ")
    return (
        "\t<wp:author>"
        + tag("wp:author_id", user.id, raw=True)
        + tag("wp:author_login", user.username)
        + tag("wp:author_email", user.email)
        + tag("wp:author_display_name", stored(user.display_name or user.username))
        + tag("wp:author_first_name", stored(first))
        + tag("wp:author_last_name", stored(last))
        + "</wp:author>\n"
    )


def ordered_categories() -> list[Category]:
    """Categories with each parent before its children, as WordPress's importer needs."""
    categories = db.session.scalars(db.select(Category)).all()
    by_id = {c.id: c for c in categories}

    def lineage(category: Category) -> tuple[str, ...]:
        path, seen, node = [category.slug], {category.id}, category
        while node.parent_id in by_id and node.parent_id not in seen:
            node = by_id[node.parent_id]
            seen.add(node.id)
            path.insert(0, node.slug)
        return tuple(path)

    return sorted(categories, key=lineage)


def category_entry(category: Category) -> str:
    """A ``wp:category`` entry, naming its parent by slug."""
    return (
        "\t<wp:category>"
        + tag("wp:term_id", category.id, raw=True)
        + tag("wp:category_nicename", category.slug)
        + tag("wp:category_parent", category.parent.slug if category.parent else "")
        + tag("wp:cat_name", stored(category.name))
        + tag("wp:category_description", category.description)
        + "</wp:category>\n"
    )


def tag_entry(term: Tag) -> str:
    """A ``wp:tag`` entry."""
    return (
        "\t<wp:tag>"
        + tag("wp:term_id", term.id, raw=True)
        + tag("wp:tag_slug", term.slug)
        + tag("wp:tag_name", stored(term.name))
        + "</wp:tag>\n"
    )


class ExportIds:
    """WordPress ids for the file: kept from an import, else numbered above the largest."""

    def __init__(self) -> None:
        post_top = db.session.scalar(db.select(db.func.max(Post.wp_id))) or 0
        attachment_top = db.session.scalar(db.select(db.func.max(OldAddress.wp_id))) or 0
        media_top = db.session.scalar(db.select(db.func.max(Media.wp_id))) or 0
        self.post_offset = max(post_top, attachment_top, media_top)
        self.comment_offset = db.session.scalar(db.select(db.func.max(Comment.wp_id))) or 0

    def post(self, post: Post) -> int:
        """The id a post is written with."""
        return post.wp_id if post.wp_id is not None else self.post_offset + post.id

    def comment(self, comment: Comment) -> int:
        """The id a comment is written with."""
        return comment.wp_id if comment.wp_id is not None else self.comment_offset + comment.id


def all_posts() -> Iterator[Post]:
    """Every post in the order of its export id, read a batch at a time."""
    order = (Post.wp_id.is_(None), Post.wp_id, Post.id)
    offset = 0
    while True:
        batch = db.session.scalars(
            db.select(Post).order_by(*order).offset(offset).limit(_BATCH)
        ).all()
        yield from batch
        if len(batch) < _BATCH:
            return
        offset += _BATCH  # the session holds unchanged rows weakly: memory stays flat


def wordpress_content(post: Post) -> str:
    """HTML WordPress can show, with ``<!--more-->`` and ``<!--nextpage-->`` where ours has them."""
    if post.source_format == "html":
        return _absolute_uploads(post.body_source)
    pages = split_pages(post.body_source)
    return _absolute_uploads(f"\n{PAGE_BREAK}\n".join(_wordpress_page(page) for page in pages))


# An attribute that links our uploads by path: src, href, or srcset (several addresses).
_LINK_ATTRIBUTE = re.compile(r"""\b(src|href|srcset)(\s*=\s*)(["'])(.*?)\3""", re.I | re.S)
_UPLOAD_PATH = re.compile(r"(^|[\s,])/uploads/")


def _absolute_uploads(html: str) -> str:
    """Links to our uploads at their absolute address: WordPress's importer fetches the files
    listed as attachments and rewrites only the absolute addresses it knows them by."""
    home = url_for("blog.index", _external=True).rstrip("/")

    def absolute(match: re.Match[str]) -> str:
        name, equals, quote, value = match.groups()
        value = _UPLOAD_PATH.sub(lambda m: f"{m.group(1)}{home}/uploads/", value)
        return f"{name}{equals}{quote}{value}{quote}"

    return _LINK_ATTRIBUTE.sub(absolute, html)


def _wordpress_page(source: str) -> str:
    full, teaser = split_more(source)
    if teaser is None:
        return clean_post_html(markdown_to_html(full))
    rest = full[len(teaser) :]
    teaser_html = clean_post_html(markdown_to_html(teaser))
    return f"{teaser_html}\n<!--more-->\n{clean_post_html(markdown_to_html(rest))}"


def wordpress_status(post: Post) -> str:
    """``publish``, ``future``, ``trash`` or ``draft``."""
    if post.status == "trash":
        return "trash"  # as WordPress writes it: a move never brings a binned post back to life
    if post.status != "published":
        return "draft"
    return "publish" if post.is_public else "future"


def post_link(post: Post, wp_id: int) -> str:
    """A published post's permalink; a draft's ``?p=`` address, as WordPress writes it."""
    if post.status == "published":
        return permalink(post, external=True)
    return url_for("blog.index", _external=True) + f"?{number_key(post)}={wp_id}"


def number_key(post: Post) -> str:
    """The name of a post's number in WordPress's plain links: ``p``; a page's ``page_id``."""
    return "page_id" if post.kind == "page" else "p"


def parent_id(post: Post, ids: ExportIds) -> int:
    """The export id of a page's parent page; 0 at the top, as WordPress writes it."""
    parent = db.session.get(Post, post.parent_id) if post.parent_id else None
    return ids.post(parent) if parent is not None and parent.kind == "page" else 0


def post_item(post: Post, ids: ExportIds) -> str:
    """A post as an ``<item>`` with its terms, meta and comments."""
    wp_id = ids.post(post)
    when = post.published_at or post.created_at
    fields = [
        tag("title", post.title),
        tag("link", post_link(post, wp_id), raw=True),
        tag("pubDate", rss_time(when), raw=True),
        tag("dc:creator", post.author.username),
        '<guid isPermaLink="false">'
        + escape(url_for("blog.index", _external=True) + f"?{number_key(post)}={wp_id}")
        + "</guid>",
        "<description></description>",
        tag("content:encoded", wordpress_content(post)),
        tag("excerpt:encoded", post.excerpt),
        tag("wp:post_id", wp_id, raw=True),
        tag("wp:post_date", wp_time(when, in_blog_zone=True)),
        tag("wp:post_date_gmt", wp_time(when)),
        tag("wp:post_modified", wp_time(post.updated_at, in_blog_zone=True)),
        tag("wp:post_modified_gmt", wp_time(post.updated_at)),
        tag("wp:comment_status", "open" if post.comments_open else "closed"),
        tag("wp:ping_status", "open" if post.pings_open else "closed"),
        tag("wp:post_name", post.slug),
        tag("wp:status", wordpress_status(post)),
        tag("wp:post_parent", parent_id(post, ids), raw=True),
        tag("wp:menu_order", post.menu_order, raw=True),
        tag("wp:post_type", post.kind),
        tag("wp:post_password", post.password),
        tag("wp:is_sticky", int(post.sticky), raw=True),
        *terms_of(post),
        *meta_of(post, wp_id),
        *comments_of(post, ids),
    ]
    return "\t<item>\n" + "".join(f"\t\t{field}\n" for field in fields) + "\t</item>\n"


def terms_of(post: Post) -> list[str]:
    """The post's ``<category>`` elements, categories then tags."""
    return [
        f"<category domain={quoteattr(domain)} nicename={quoteattr(term.slug)}>"
        f"{cdata(stored(term.name))}</category>"
        for domain, terms in (("category", post.categories), ("post_tag", post.tags))
        for term in terms
    ]


def meta_of(post: Post, wp_id: int) -> list[str]:
    """Our post meta: the source format (or Markdown), and old addresses of the post."""
    if post.source_format == "html":
        meta = [postmeta(FORMAT_META, "html")]
    else:
        meta = [postmeta(MARKDOWN_META, post.body_source)]
    numbered = {address_key("/", f"{name}={wp_id}") for name in ("p", number_key(post))}
    current = {key_of_url(permalink(post)), *numbered}
    rows = db.session.scalars(
        db.select(OldAddress)
        .where(OldAddress.post_id == post.id, OldAddress.kind == "post")
        .order_by(OldAddress.path)
    )
    meta.extend(postmeta(OLD_URL_META, row.url) for row in rows if row.path not in current)
    return meta


def comments_of(post: Post, ids: ExportIds) -> list[str]:
    """The post's comments, trackbacks and pingbacks, oldest first, with their parents."""
    comments = db.session.scalars(
        db.select(Comment)
        .where(Comment.post_id == post.id)
        .order_by(Comment.created_at, Comment.id)
    ).all()
    by_id = {c.id: c for c in comments}
    return [comment_entry(c, ids, by_id.get(c.parent_id or 0)) for c in comments]


def comment_entry(comment: Comment, ids: ExportIds, parent: Comment | None) -> str:
    """One ``wp:comment``."""
    return (
        "<wp:comment>"
        + tag("wp:comment_id", ids.comment(comment), raw=True)
        + tag("wp:comment_author", stored(comment.author_name))
        + tag("wp:comment_author_email", comment.author_email)
        + tag("wp:comment_author_url", comment.author_url)
        + tag("wp:comment_author_IP", comment.author_ip)
        + tag("wp:comment_date", wp_time(comment.created_at, in_blog_zone=True))
        + tag("wp:comment_date_gmt", wp_time(comment.created_at))
        + tag("wp:comment_content", comment_content(comment))
        + tag("wp:comment_approved", _APPROVED.get(comment.status, "0"))
        + tag("wp:comment_type", comment.kind)
        + tag("wp:comment_parent", ids.comment(parent) if parent else 0, raw=True)
        + tag("wp:comment_user_id", comment.user_id or 0, raw=True)
        + "</wp:comment>"
    )


def comment_content(comment: Comment) -> str:
    """A comment's HTML as it is; a ping's title and text as WordPress stores a ping."""
    if comment.kind == "comment":
        return comment.body_source
    return ping_stored(ping_title(comment.body_html or ""), comment.body_source)


def attachment_items(ids: ExportIds) -> Iterator[str]:
    """One ``<item>`` per attachment kept from an import: its page and its file's address.

    An attachment whose file was brought home is written with the uploads instead.
    """
    rows = db.session.scalars(
        db.select(OldAddress).where(OldAddress.kind == "attachment").order_by(OldAddress.id)
    ).all()
    uploaded = set(db.session.scalars(db.select(Media.wp_id).where(Media.wp_id.is_not(None))))
    groups: dict[object, list[OldAddress]] = {}
    for row in rows:
        if row.wp_id in uploaded:
            continue
        groups.setdefault(row.wp_id if row.wp_id is not None else f"row{row.id}", []).append(row)
    for group in groups.values():
        yield attachment_item(group, ids)


def attachment_item(rows: list[OldAddress], ids: ExportIds) -> str:
    """An attachment as WordPress writes one; its link is the page address it had."""
    page = next((r for r in rows if "attachment_id=" not in r.path), rows[0])
    wp_id = page.wp_id if page.wp_id is not None else ids.post_offset + 1_000_000 + page.id
    parent = next((r.post for r in rows if r.post is not None), None)
    fields = [
        tag("title", page.title),
        tag("link", page.url, raw=True),
        f'<guid isPermaLink="false">{escape(page.target_url)}</guid>',
        tag("wp:post_id", wp_id, raw=True),
        tag("wp:status", "inherit"),
        tag("wp:post_parent", ids.post(parent) if parent else 0, raw=True),
        tag("wp:post_type", "attachment"),
        tag("wp:attachment_url", page.target_url),
    ]
    return "\t<item>\n" + "".join(f"\t\t{field}\n" for field in fields) + "\t</item>\n"
