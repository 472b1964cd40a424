"""Generate a blog of any size quickly: bulk inserts through SQLAlchemy core.

Post and comment HTML is rendered once per distinct body with the same functions the app uses
when it saves, and stored as the app stores it, so pages read exactly what a real blog holds.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, text

from hlsblog.database import init_db
from hlsblog.extensions import db
from hlsblog.models import (
    Category,
    Comment,
    Post,
    Setting,
    Tag,
    User,
    post_categories,
    post_tags,
    utcnow,
)
from hlsblog.rendering import (
    POLICY_VERSION,
    clean_post_html,
    comment_text_to_html,
    markdown_to_html,
)
from hlsblog.settings import GENERATION_KEY

CATEGORIES = 10
TAGS = 30
COMMENTS_PER_POST = 3  # on average; the benchmarked post gets exactly BIG_THREAD
BIG_THREAD = 50
CHUNK = 5000
ADJECTIVES = [
    "quiet",
    "bright",
    "early",
    "late",
    "small",
    "broad",
    "quick",
    "slow",
    "green",
    "cold",
    "warm",
    "open",
]
NOUNS = [
    "harbour",
    "lantern",
    "meadow",
    "river",
    "garden",
    "kettle",
    "bicycle",
    "orchard",
    "bridge",
    "canal",
    "library",
    "market",
    "tower",
    "window",
    "valley",
    "forest",
    "island",
    "ladder",
    "mirror",
    "compass",
]
FILLER = [*ADJECTIVES, "the", "a", "of", "and", "to", "in", "with", "from", "under", "over"]
SEARCH_WORD = "lantern"  # in one post of every len(NOUNS): the search row finds many


@dataclass(frozen=True)
class Blog:
    """Where the benchmark finds things in the generated blog."""

    posts: int
    post_url: str  # the post with BIG_THREAD comments
    comment_url: str  # the post that takes the benchmark's comments
    category_url: str
    deep_url: str  # the category archive's page 500, or its last page on a smaller blog
    search_url: str


def _paragraphs(rng: random.Random, count: int) -> str:
    # Titles hold the nouns; bodies never do, so a search for one finds a known share of posts.
    return "\n\n".join(
        " ".join(rng.choice(FILLER) for _ in range(rng.randint(40, 90))).capitalize() + "."
        for _ in range(count)
    )


def _bodies(rng: random.Random) -> list[tuple[str, str]]:
    """A few Markdown bodies with their stored HTML, rendered as save_post renders."""
    bodies = []
    for n in range(12):
        source = f"## Part {n}\n\n{_paragraphs(rng, 4)}\n\n- one *item*\n- [a link](/about/)\n"
        bodies.append((source, clean_post_html(markdown_to_html(source))))
    return bodies


def _post_rows(total: int, author_id: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    bodies = _bodies(rng)
    now = utcnow()
    for i in range(total):
        source, html = bodies[i % len(bodies)]
        when = now - timedelta(hours=2 * (total - i))
        noun = NOUNS[i % len(NOUNS)]
        yield {
            "id": i + 1,
            "slug": f"post-{i + 1}",
            "title": f"The {ADJECTIVES[i % len(ADJECTIVES)]} {noun}, part {i + 1}",
            "body_source": source,
            "body_html": html,
            "teaser_html": "",
            "excerpt": "",
            "source_format": "markdown",
            "render_version": POLICY_VERSION,
            "status": "published",
            "published_at": when,
            "created_at": when,
            "updated_at": when,
            "announced": True,
            "sticky": False,
            "comments_open": True,
            "pings_open": True,
            "comment_count": 0,
            "author_id": author_id,
        }


def _comment_counts(total: int, big: int, rng: random.Random) -> dict[int, int]:
    counts = {pid: rng.randint(0, 2 * COMMENTS_PER_POST) for pid in range(1, total + 1)}
    counts[big] = BIG_THREAD
    return counts


def _comment_rows(counts: dict[int, int], rng: random.Random) -> Iterator[dict[str, Any]]:
    bodies = [(t, comment_text_to_html(t)) for t in (_paragraphs(rng, 1) for _ in range(8))]
    next_id = 1
    now = utcnow()
    for post_id, count in counts.items():
        for n in range(count):
            source, html = bodies[next_id % len(bodies)]
            yield {
                "id": next_id,
                "post_id": post_id,
                "parent_id": next_id - 1 if n % 4 == 3 else None,  # some threads
                "kind": "comment",
                "author_name": f"Reader {next_id % 97}",
                "author_email": f"reader{next_id % 97}@example.org",
                "author_url": "",
                "author_ip": "127.0.0.1",
                "user_agent": "bench",
                "source_url": "",
                "body_source": source,
                "body_html": html,
                "render_version": POLICY_VERSION,
                "status": "approved",
                "verdict_rule": "",
                "verdict_reason": "",
                "created_at": now - timedelta(minutes=len(counts) - post_id) + timedelta(seconds=n),
            }
            next_id += 1


def _bulk(table: Any, rows: Iterator[dict[str, Any]]) -> int:
    batch: list[dict[str, Any]] = []
    done = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            db.session.execute(insert(table), batch)
            done += len(batch)
            batch = []
    if batch:
        db.session.execute(insert(table), batch)
        done += len(batch)
    return done


def reset_schema(uri: str) -> None:
    """Start from an empty database (PostgreSQL: the public schema is dropped)."""
    if uri.startswith("postgresql"):
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


def _terms(total: int, rng: random.Random) -> None:
    db.session.execute(
        insert(Category.__table__),
        [
            {"id": n + 1, "name": f"Topic {n}", "slug": f"topic-{n}", "description": ""}
            for n in range(CATEGORIES)
        ],
    )
    db.session.execute(
        insert(Tag.__table__),
        [{"id": n + 1, "name": f"tag {n}", "slug": f"tag-{n}"} for n in range(TAGS)],
    )
    _bulk(
        post_categories,
        ({"post_id": i, "category_id": i % CATEGORIES + 1} for i in range(1, total + 1)),
    )
    _bulk(
        post_tags,
        (
            {"post_id": i, "tag_id": t}
            for i in range(1, total + 1)
            for t in sorted({i % TAGS + 1, (i * 7) % TAGS + 1})
        ),
    )


def _settings() -> None:
    values = {
        GENERATION_KEY: "generated",
        # The benchmark posts many comments from one address: the flood and first-comment
        # rules would (rightly) refuse or hold them and the row would measure a refusal.
        "plugin:moderation:flood_seconds": 0,
        "plugin:moderation:hold_first": False,
    }
    db.session.execute(
        insert(Setting.__table__), [{"key": k, "value": v} for k, v in values.items()]
    )


def generate(uri: str, total: int, seed: int = 1) -> Blog:
    """Fill a fresh database at ``uri`` (inside an app context) with ``total`` posts."""
    rng = random.Random(seed)
    reset_schema(uri)
    init_db()
    author = User(username="writer", display_name="A Writer", role="admin", email="w@example.org")
    author.set_password("bench-password")
    db.session.add(author)
    db.session.flush()
    _bulk(Post.__table__, _post_rows(total, author.id, rng))
    big = max(1, total // 2)
    counts = _comment_counts(total, big, rng)
    _bulk(Comment.__table__, _comment_rows(counts, rng))
    _recount()
    _terms(total, rng)
    _date_links()
    _settings()
    db.session.commit()
    _analyze(uri)
    return _describe(total, big)


def _date_links() -> None:
    # The links carry their post's date (hlsblog/term_dates.py), as the app's saves give them.
    for link in (post_categories, post_tags):
        published = db.select(Post.published_at).where(
            Post.id == link.c.post_id, Post.status == "published", Post.kind == "post"
        )
        db.session.execute(db.update(link).values(published_at=published.scalar_subquery()))


def _recount() -> None:
    approved = (
        db.select(db.func.count(Comment.id))
        .where(Comment.post_id == Post.id, Comment.status == "approved")
        .scalar_subquery()
    )
    db.session.execute(db.update(Post).values(comment_count=approved))


def _analyze(uri: str) -> None:
    with db.engine.begin() as conn:
        if uri.startswith("postgresql"):
            # Rows went in with their ids: move each id sequence past them, as inserts would.
            for table in ("post", "comment", "category", "tag", "user"):
                sequence = f"pg_get_serial_sequence('\"{table}\"', 'id')"
                latest = f'SELECT max(id) FROM "{table}"'  # noqa: S608  (our own table names)
                conn.execute(text(f"SELECT setval({sequence}, ({latest}))"))
        conn.execute(text("ANALYZE"))


def _describe(total: int, big: int) -> Blog:
    post = db.session.get_one(Post, big)
    other = db.session.get_one(Post, min(total, big + 1))
    per_category = -(-total // CATEGORIES)
    last_page = max(1, -(-per_category // 10))
    category = f"/category/topic-{big % CATEGORIES}/"
    return Blog(
        posts=total,
        post_url=_address(post),
        comment_url=_address(other),
        category_url=category,
        deep_url=f"{category}page/{min(500, last_page)}/" if last_page > 1 else category,
        search_url=f"/search?q={SEARCH_WORD}",
    )


def _address(post: Post) -> str:
    when = post.published_at or post.created_at
    return f"/{when:%Y/%m/%d}/{post.slug}/"
