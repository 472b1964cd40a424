"""What the linkback plugin stores: pings it sent, pings received waiting to be verified, and
when each host may next be pinged."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hlsblog import db, utcnow


class OutboundPing(db.Model):  # type: ignore[name-defined]
    """One link of one of our posts and what pinging it came to."""

    __tablename__ = "linkback_outbound"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(2000))
    protocol: Mapped[str] = mapped_column(String(20), default="")
    endpoint: Mapped[str] = mapped_column(String(2000), default="")
    # pending, sent, no-endpoint, failed
    status: Mapped[str] = mapped_column(String(20), default="pending")
    message: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_linkback_outbound_post", "post_id", "updated_at"),)


class IncomingWebmention(db.Model):  # type: ignore[name-defined]
    """A Webmention accepted with 202 and verified later; its id is the status page's address."""

    __tablename__ = "linkback_webmention"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: uuid.uuid4().hex)
    source: Mapped[str] = mapped_column(String(2000))
    target: Mapped[str] = mapped_column(String(2000))
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    ip: Mapped[str] = mapped_column(String(100), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    # queued, accepted, updated, deleted, refused
    status: Mapped[str] = mapped_column(String(20), default="queued")
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PendingTrackBack(db.Model):  # type: ignore[name-defined]
    """A TrackBack answered at once and verified later, with the words its sender gave."""

    __tablename__ = "linkback_trackback"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: uuid.uuid4().hex)
    source: Mapped[str] = mapped_column(String(2000))
    target: Mapped[str] = mapped_column(String(2000))
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300), default="")
    excerpt: Mapped[str] = mapped_column(Text, default="")
    blog_name: Mapped[str] = mapped_column(String(255), default="")
    ip: Mapped[str] = mapped_column(String(100), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    # queued, accepted, refused
    status: Mapped[str] = mapped_column(String(20), default="queued")
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class HostTurn(db.Model):  # type: ignore[name-defined]
    """When a host may next be pinged: one row per host, shared by every consumer of the blog."""

    __tablename__ = "linkback_host_turn"

    host: Mapped[str] = mapped_column(String(255), primary_key=True)
    next_at: Mapped[datetime] = mapped_column()
