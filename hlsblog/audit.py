"""The audit trail: who published, deleted, approved or changed what in the admin, and when."""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from .extensions import db
from .models import AuditEntry


def record(action: str, target: str = "", detail: str = "") -> None:
    """Store one admin action by the current user (none for a command), committed at once."""
    user = current_user if current_user and current_user.is_authenticated else None
    db.session.add(
        AuditEntry(
            user_id=user.id if user else None,
            username=user.username if user else "",
            action=action[:60],
            target=target[:500],
            detail=detail[:2000],
            ip=(request.remote_addr or "")[:100] if has_request_context() else "",  # a command
        )
    )
    db.session.commit()


def recent(limit: int = 200) -> list[AuditEntry]:
    """The latest entries, newest first."""
    query = db.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    return list(db.session.scalars(query.limit(limit)))
