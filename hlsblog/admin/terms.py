"""Categories and tags: rename them, or delete one after a question that says what it costs."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for

from ..audit import record
from ..extensions import db
from ..models import Category, Post, Tag
from ..numbers import stranger_int
from . import admin_required, bp

KINDS: dict[str, Any] = {"category": Category, "tag": Tag}


@bp.route("/terms/", methods=["GET", "POST"])
@admin_required
def terms() -> Any:
    """Categories and tags: see them, rename one, or go to the question before deleting one."""
    if request.method == "POST":
        kind = "category" if request.form.get("kind") == "category" else "tag"
        term = db.get_or_404(KINDS[kind], _number(request.form.get("id", "")))
        if request.form.get("action") == "delete":  # a form from before deleting asked first
            return redirect(url_for("admin.delete_term", kind=kind, term_id=term.id), 303)
        _rename(kind, term, request.form.get("name", "").strip()[:200])
        return redirect(url_for("admin.terms"))
    categories = db.session.scalars(db.select(Category).order_by(Category.name)).all()
    tags = db.session.scalars(db.select(Tag).order_by(Tag.name)).all()
    return render_template("admin/terms.html", categories=categories, tags=tags)


def _number(text: str) -> int:
    number = stranger_int(text)
    if number is None:
        abort(404)
    return number


def _rename(kind: str, term: Any, name: str) -> None:
    if not name or name == term.name:
        return
    record(f"{kind} renamed", term.name, f"to {name}")
    term.name = name
    db.session.commit()


@bp.route("/terms/<kind>/<int:term_id>/delete", methods=["GET", "POST"])
@admin_required
def delete_term(kind: str, term_id: int) -> Any:
    """GET asks "Delete category X? N posts will lose it"; POST deletes it (posts stay)."""
    if kind not in KINDS:
        abort(404)
    term = db.get_or_404(KINDS[kind], term_id)
    if request.method == "GET":
        return render_template("admin/delete_term.html", kind=kind, term=term, posts=_uses(term))
    name, uses = term.name, _uses(term)
    db.session.delete(term)
    db.session.commit()
    record(f"{kind} deleted", name, f"{uses} posts lost it")
    flash(f"Deleted {kind} “{name}”.", "info")
    return redirect(url_for("admin.terms"))


def _uses(term: Category | Tag) -> int:
    """How many posts (drafts and the Trash too) carry the term."""
    relation = Post.categories if isinstance(term, Category) else Post.tags
    query = db.select(db.func.count(Post.id)).where(relation.any(id=term.id))
    return int(db.session.scalar(query) or 0)
