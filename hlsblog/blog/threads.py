"""A post's comments as the page shows them: one query, then a tree built in memory."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..extensions import db
from ..models import Comment, Post


@dataclass
class Node:
    """A comment with its replies, at a depth (1 for top level)."""

    comment: Comment
    depth: int
    replies: list[Node] = field(default_factory=list)


def visible_comments(post: Post, own_held: list[int]) -> list[Comment]:
    """Approved comments, plus held ones the current reader wrote, oldest first."""
    condition = Comment.status == "approved"
    if own_held:
        condition = condition | (Comment.id.in_(own_held) & (Comment.status == "pending"))
    query = (
        db.select(Comment)
        .where(Comment.post_id == post.id, condition)
        .order_by(Comment.created_at, Comment.id)
    )
    return list(db.session.scalars(query))


def build_tree(comments: list[Comment]) -> list[Node]:
    """Nest replies under their parents; a reply whose parent isn't shown goes top level."""
    nodes = {c.id: Node(c, 1) for c in comments}
    roots = []
    for comment in comments:
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        if parent is None:
            roots.append(nodes[comment.id])
        else:
            parent.replies.append(nodes[comment.id])
    _set_depths(roots, 1)
    return roots


def _set_depths(nodes: list[Node], depth: int) -> None:
    for node in nodes:
        node.depth = depth
        _set_depths(node.replies, depth + 1)
