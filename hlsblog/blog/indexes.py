"""The indexes every listing and archive walks, declared with the tables' metadata.

Each listing reads its page straight off an index in the order it shows posts, so a page
costs the same with 100 posts as with 100,000: the front page (sticky first, then newest), an
author's archive, and a category's or tag's posts found from the term's side of the link.
"""

from __future__ import annotations

from sqlalchemy import Index

from ..models import Post, post_categories, post_tags

FRONT_PAGE = Index("ix_post_front_page", Post.status, Post.sticky, Post.published_at, Post.id)
AUTHOR_ARCHIVE = Index("ix_post_author_listing", Post.author_id, Post.status, Post.published_at)
CATEGORY_POSTS = Index(
    "ix_post_categories_category", post_categories.c.category_id, post_categories.c.post_id
)
TAG_POSTS = Index("ix_post_tags_tag", post_tags.c.tag_id, post_tags.c.post_id)
