"""A small demo blog in our own words, for the README's first command."""

from __future__ import annotations

from datetime import timedelta

from .comment_status import recount
from .comments import render_comment
from .extensions import db
from .models import Comment, Post, User, utcnow
from .posts import save_post
from .settings import set_setting

POSTS = [
    (
        "Hello from hlsblog",
        "Welcome",
        "This is the first post of a fresh **hlsblog**. Posts are written in Markdown and "
        "rendered once, when they are saved.\n\n<!--more-->\n\n"
        "Comments below show threading: reply to one and your answer nests under it.\n\n"
        "- Share buttons, feeds, linkbacks and moderation are plugins.\n"
        "- Remove any of them and the blog keeps working.",
    ),
    (
        "Writing with Markdown",
        "Guides",
        "## Headings, lists and code\n\nA list:\n\n1. first\n2. second\n\n"
        "Some `inline code`, and a block:\n\n```\nflask --app app demo\n```\n\n"
        "| Feature | Where |\n|---|---|\n| Posts | core |\n| Feeds | plugin |\n",
    ),
    (
        "Moving in from another blog",
        "Guides",
        "Old addresses keep working: posts live at `/YYYY/MM/DD/slug/`, archives at "
        "`/category/slug/` and `/YYYY/MM/`, just as readers and search engines knew them.",
    ),
    (
        "A quiet evening with the comment form",
        "Notes",
        "Leave a comment below. You may use a few HTML tags; the line under the form says "
        "which, and it is made from the same list the sanitizer applies.",
    ),
]

ABOUT = (
    "A page, not a post: it lives at its own address, in the page list beside the posts, and"
    " never in the front page, the archives or the feed. Make more under **Admin → Pages**."
)

COMMENTS = [
    ("Ada", "ada@example.org", "Nice to see a blog engine this small.", None),
    ("Grace", "grace@example.org", "Agreed. <em>Threaded</em> replies too!", 0),
    ("Linus", "linus@example.org", "Does it import from WordPress?", None),
]


def add_demo_content(password: str) -> User:
    """An admin, four posts in three categories, a short comment thread and an About page."""
    set_setting("title", "hlsblog demo")
    set_setting("tagline", "A small, fast, safe blog engine")
    admin = User(username="admin", display_name="Admin", email="admin@example.org", role="admin")
    admin.set_password(password)
    db.session.add(admin)
    db.session.commit()
    start = utcnow() - timedelta(days=len(POSTS))
    posts = []
    for n, (title, category, body) in enumerate(POSTS):
        post = Post(
            title=title,
            body_source=body,
            author_id=admin.id,
            status="published",
            published_at=start + timedelta(days=n, hours=2),
            # Already announced, as imported posts are: sample content is nobody's news, so
            # no plugin reacts to its publication (no pings, no "no address" warnings).
            announced=True,
        )
        save_post(post, categories=category, tags="demo")
        posts.append(post)
    _add_comments(posts[-1])
    about = Post(
        kind="page",
        slug="about",
        title="About",
        body_source=ABOUT,
        author_id=admin.id,
        status="published",
        published_at=start,
        announced=True,
    )
    save_post(about)
    return admin


def _add_comments(post: Post) -> None:
    made: list[Comment] = []
    for n, (name, email, text, parent) in enumerate(COMMENTS):
        comment = Comment(
            post=post,
            author_name=name,
            author_email=email,
            body_source=text,
            status="approved",
            created_at=utcnow() - timedelta(hours=5 - n),
            parent_id=made[parent].id if parent is not None else None,
        )
        render_comment(comment)
        db.session.add(comment)
        db.session.flush()
        made.append(comment)
    recount(post)
    db.session.commit()
