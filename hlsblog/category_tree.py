"""Categories under categories: what a category's archive and feed hold, as WordPress's do."""

from __future__ import annotations

from .extensions import db
from .models import Category


def with_descendants(category_id: int) -> list[int]:
    """``category_id`` and the ids of every category below it (one query, loops cut)."""
    children: dict[int | None, list[int]] = {}
    for cid, parent in db.session.execute(db.select(Category.id, Category.parent_id)):
        children.setdefault(parent, []).append(cid)
    found, todo = [category_id], [category_id]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.append(child)
                todo.append(child)
    return found
