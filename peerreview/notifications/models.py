"""The mail outbox: every e-mail is a row first, and is marked sent only once the mail server
has accepted it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from peerreview.extensions import db
from peerreview.timeutil import utcnow


class OutgoingMail(db.Model):
    """One e-mail to one person. Written in the same transaction as the change it tells about
    (a rolled-back change leaves no mail behind), delivered afterwards. ``message_id`` is the
    Message-ID header; it is stable for reminders, so that a message sent twice (the server
    accepted it but the answer was lost) is recognised as one by mail programs."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    # the person it is for, when the address belongs to an account (erasure removes the row)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                                index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    # files sent with the message: [{"filename", "content_type", "content"}] (text only: .ics)
    attachments: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # not tried before this moment (backoff after a failure)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    # a sender working on it: nobody else takes it before this moment
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    # given up: the server refused the address for good, or too many failed attempts
    given_up_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")

    @property
    def state(self) -> str:
        if self.sent_at is not None:
            return "sent"
        if self.given_up_at is not None:
            return "given up"
        return "waiting"
