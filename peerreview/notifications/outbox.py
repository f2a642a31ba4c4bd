"""The mail outbox: a message is a row until the mail server has accepted it.

- ``enqueue()`` adds the row to the caller's transaction: a change that rolls back leaves no
  mail behind, and a committed change always leaves its mail.
- ``deliver()`` sends what is due, in a database session of its own, one message at a time:
  it first *claims* a row (a conditional UPDATE that only one sender can win, so two copies
  of a command running at once never send the same row), sends it, and marks it sent only
  after the server accepted it. A failure leaves the row waiting, with the error and the time
  of the next attempt (backoff: 5 minutes, doubling up to 6 hours); after ``MAX_ATTEMPTS``,
  or when the server refuses the address for good, the row is given up and reported.
- If a sender dies between the server's acceptance and the mark, its claim lapses after
  ``CLAIM`` and the message goes again with the same Message-ID, which mail programs use to
  show it once.

Mail asked for during a web request is delivered after the response has been sent (see
``peerreview.notifications.queue``); ``flask reminders send`` and ``flask mail send`` deliver
whatever is due, retries included.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from peerreview.extensions import db
from peerreview.notifications import mail
from peerreview.notifications.models import OutgoingMail
from peerreview.text import strip_bidi_controls
from peerreview.timeutil import utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(minutes=5)
LONGEST_WAIT = timedelta(hours=6)
CLAIM = timedelta(minutes=10)
KEEP_SENT = timedelta(days=30)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


def enqueue(to: str, subject: str, text: str, html: str | None = None, *,
            message_id: str | None = None, user_id: int | None = None,
            attachments: list[dict] | None = None) -> OutgoingMail:
    """Put a message in the outbox, inside the caller's transaction (flushed, not committed)."""
    from peerreview.auth.models import User, normalise_email

    if user_id is None:
        user_id = db.session.scalar(select(User.id).where(User.email == normalise_email(to)))
    row = OutgoingMail(message_id=message_id or mail.new_message_id(), user_id=user_id,
                       to_address=to,
                       subject=" ".join(strip_bidi_controls(subject or "").split())[:300],
                       body_text=text, body_html=html, next_attempt_at=utcnow(),
                       attachments=attachments or None)
    db.session.add(row)
    db.session.flush()
    return row


@dataclass
class Delivered:
    id: int
    message_id: str
    to: str
    subject: str
    error: str = ""
    attempts: int = 0
    next_attempt_at: datetime | None = None
    given_up: bool = False


@dataclass
class DeliveryReport:
    sent: list[Delivered] = field(default_factory=list)
    failed: list[Delivered] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def _session() -> Session:
    return Session(db.engine, expire_on_commit=False)


def _claim(session: Session, ids: list[int] | None, limit: int | None) -> list[OutgoingMail]:
    """Claim the due rows (or those of ``ids`` that are due), in id order, one conditional
    UPDATE each; returns the rows this sender won."""
    now = utcnow()
    due = (OutgoingMail.sent_at.is_(None), OutgoingMail.given_up_at.is_(None),
           OutgoingMail.next_attempt_at <= now,
           or_(OutgoingMail.claimed_until.is_(None), OutgoingMail.claimed_until <= now))
    stmt = select(OutgoingMail.id).where(*due).order_by(OutgoingMail.id)
    if ids is not None:
        if not ids:
            return []
        stmt = stmt.where(OutgoingMail.id.in_(ids))
    if limit:
        stmt = stmt.limit(limit)
    candidates = list(session.scalars(stmt))
    session.commit()
    won = []
    for row_id in candidates:
        result = session.execute(update(OutgoingMail).where(OutgoingMail.id == row_id, *due)
                                 .values(claimed_until=now + CLAIM,
                                         attempts=OutgoingMail.attempts + 1))
        if result.rowcount == 1:
            won.append(row_id)
        session.commit()  # each claim is visible to other senders at once
    if not won:
        return []
    return list(session.scalars(select(OutgoingMail).where(OutgoingMail.id.in_(won))
                                .order_by(OutgoingMail.id)))


def _record(session: Session, row: OutgoingMail, exc: BaseException | None) -> Delivered:
    now = utcnow()
    item = Delivered(id=row.id, message_id=row.message_id, to=row.to_address,
                     subject=row.subject, attempts=row.attempts)
    if exc is None:
        row.sent_at, row.claimed_until, row.last_error = now, None, ""
    else:
        item.error = row.last_error = mail.describe(exc)[:2000]
        row.claimed_until = None
        if mail.is_permanent(exc) or row.attempts >= MAX_ATTEMPTS:
            row.given_up_at = now
            item.given_up = True
        else:
            row.next_attempt_at = item.next_attempt_at = now + backoff(row.attempts)
    session.commit()
    return item


def deliver(ids: list[int] | None = None, *, limit: int | None = None) -> DeliveryReport:
    """Send the messages that are due (only those of ``ids``, if given); see the module's
    docstring. Never raises for a mail failure: the report says what failed."""
    report = DeliveryReport()
    session = _session()
    try:
        rows = _claim(session, ids, limit)
        if not rows:
            return report
        with mail.Transport() as transport:
            for n, row in enumerate(rows):
                msg = mail.build_message(row.to_address, row.subject, row.body_text, row.body_html,
                                         message_id=row.message_id, attachments=row.attachments)
                try:
                    transport.send(msg)
                except mail.ServerUnreachable as exc:
                    # nothing can go out now: every claimed message waits for the next run
                    log.warning("Mail not sent, %s; %d message(s) wait for the next run",
                                exc, len(rows) - n)
                    for waiting in rows[n:]:
                        report.failed.append(_record(session, waiting, exc))
                    break
                except Exception as exc:  # noqa: BLE001 - one message's failure, reported
                    log.warning("Mail to %s not sent: %s", row.to_address, mail.describe(exc))
                    report.failed.append(_record(session, row, exc))
                else:
                    report.sent.append(_record(session, row, None))
    finally:
        session.close()
    return report


def deliver_quietly(ids: list[int]) -> None:
    """Deliver these messages now, logging instead of raising (after a commit, after a
    response): whatever fails stays in the outbox for the next run."""
    try:
        deliver(ids)
    except Exception:  # noqa: BLE001 - the change is committed; the outbox keeps the mail
        log.exception("Mail delivery failed; the messages stay in the outbox")


def purge_sent(now: datetime | None = None) -> int:
    """Forget messages sent more than ``KEEP_SENT`` ago (they hold names and addresses)."""
    cutoff = (now or utcnow()) - KEEP_SENT
    result = db.session.execute(delete(OutgoingMail).where(OutgoingMail.sent_at.is_not(None),
                                                           OutgoingMail.sent_at < cutoff))
    return result.rowcount or 0


def waiting() -> list[OutgoingMail]:
    """Messages not sent yet (waiting for their next attempt or given up), oldest first."""
    return list(db.session.scalars(select(OutgoingMail).where(OutgoingMail.sent_at.is_(None))
                                   .order_by(OutgoingMail.id)))


def status_of(message_ids: list[str]) -> dict[str, OutgoingMail]:
    if not message_ids:
        return {}
    return {m.message_id: m for m in db.session.scalars(
        select(OutgoingMail).where(OutgoingMail.message_id.in_(message_ids)))}
