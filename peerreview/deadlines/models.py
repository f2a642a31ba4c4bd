"""What the reminders remember: what was sent, people's choices, messages kept for the digest."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from peerreview.extensions import db
from peerreview.timeutil import utcnow


class ReminderSent(db.Model):
    """One reminder (or one weekly digest) that went out. The unique key is what makes every
    reminder go out once, even when two copies of the command run at the same time: the row is
    inserted first, and the e-mail leaves only after it is committed. The due date is part of
    the key, so a deadline that moves gets its reminders again."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("kind", "object_id", "user_id", "stage", "due"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))          # a deadline kind, or "digest"
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(10))         # "week", "day", "overdue", "weekly"
    due: Mapped[date] = mapped_column(Date)                # the deadline; a digest's Monday
    sent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class NotificationPreference(db.Model):
    """How a person wants one kind of message: "immediate", "weekly" or "off". No row means
    immediately."""

    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    mode: Mapped[str] = mapped_column(String(10), default="immediate")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class HeldMessage(db.Model):
    """A message a person chose to get in the weekly digest, kept until the digest takes it."""

    __tablename__ = "held_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    digest_week: Mapped[date | None] = mapped_column(Date, index=True)  # set when sent
