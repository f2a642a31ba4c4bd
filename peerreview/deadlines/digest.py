"""The weekly digest: one e-mail per person with everything they chose to get weekly.

It lists the deadlines of the kinds set to "weekly digest" that are overdue or due within the
next two weeks (read fresh, so work already done is not mentioned), and the messages of
other kinds kept for the digest since the last one. Each person gets at most one digest per
ISO week: like a reminder, the digest is recorded first (kind "digest", due = the week's
Monday) and the unique key refuses a second one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from peerreview.auth.models import User
from peerreview.deadlines import preferences
from peerreview.deadlines.models import HeldMessage, ReminderSent
from peerreview.deadlines.registry import KINDS, collect
from peerreview.deadlines.reminders import claim, deliver_outbox, localised
from peerreview.extensions import db

HORIZON_DAYS = 14


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class DigestItem:
    kind_label: str
    title: str
    subject: str
    due: date
    days_left: int
    link: str


@dataclass(frozen=True)
class HeldItem:
    id: int
    subject: str
    body: str
    created_at: datetime


@dataclass
class Digest:
    user_id: int
    email: str
    name: str
    languages: tuple[str, ...]
    items: list[DigestItem] = field(default_factory=list)
    held: list[HeldItem] = field(default_factory=list)

    @property
    def overdue(self) -> list[DigestItem]:
        return [i for i in self.items if i.days_left < 0]

    @property
    def upcoming(self) -> list[DigestItem]:
        return [i for i in self.items if i.days_left >= 0]


@dataclass
class DigestOutcome:
    sent: list[Digest] = field(default_factory=list)
    failed: list = field(default_factory=list)     # (Digest, reminders.Failed)
    waiting: list[Digest] = field(default_factory=list)
    already: int = 0
    other_sent: int = 0
    other_failed: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.other_failed


def digest_message_id(user_id: int, week: date) -> str:
    from peerreview.notifications.mail import message_domain

    return f"<digest.{user_id}.{week:%Y%m%d}@{message_domain()}>"


def plan_digests(today: date) -> list[Digest]:
    deadlines = [d for d in collect(today=today) if (d.due - today).days <= HORIZON_DAYS]
    held_rows = db.session.scalars(select(HeldMessage).where(HeldMessage.digest_week.is_(None))
                                   .order_by(HeldMessage.id)).all()
    user_ids = {u.id for d in deadlines for u in d.users} | {h.user_id for h in held_rows}
    stored = preferences.modes_for_users(user_ids)
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))} \
        if user_ids else {}
    digests: dict[int, Digest] = {}

    def digest_of(user) -> Digest:
        if user.id not in digests:
            digests[user.id] = Digest(user.id, user.email, user.name, tuple(user.languages or ()))
        return digests[user.id]

    for d in deadlines:
        link = None
        for user in d.users:
            if not user.is_active or preferences.mode_for(user.id, d.kind, stored) != "weekly":
                continue
            link = link or d.absolute_url
            digest_of(user).items.append(DigestItem(KINDS[d.kind].label, d.title, d.subject,
                                                    d.due, (d.due - today).days, link))
    held: dict[int, list[HeldItem]] = defaultdict(list)
    for h in held_rows:
        held[h.user_id].append(HeldItem(h.id, h.subject, h.body, h.created_at))
    for user_id, items in held.items():
        user = users.get(user_id)
        if user is not None and user.is_active:
            digest_of(user).held.extend(items)
    return [digests[k] for k in sorted(digests)]


def send_digests(today: date | None = None, *, dry_run: bool = False) -> DigestOutcome:
    from peerreview.notifications.queue import manual_delivery, queue_mail
    from peerreview.urls import absolute_url

    today = today or date.today()
    week = week_of(today)
    plans = plan_digests(today)
    done = set(db.session.scalars(select(ReminderSent.user_id).where(
        ReminderSent.kind == "digest", ReminderSent.due == week)))
    prefs_link = absolute_url("deadlines.preferences")
    tasks_link = absolute_url("deadlines.tasks")
    outcome = DigestOutcome()
    planned: dict[str, Digest] = {}
    with manual_delivery():
        for digest in plans:
            if dry_run:
                if digest.user_id in done:
                    outcome.already += 1
                else:
                    outcome.sent.append(digest)
                continue
            message_id = digest_message_id(digest.user_id, week)
            planned[message_id] = digest
            if digest.user_id in done:
                continue
            if not claim("digest", "user_account", digest.user_id, digest.user_id, "weekly", week):
                continue
            if digest.held:
                db.session.execute(update(HeldMessage)
                                   .where(HeldMessage.id.in_([h.id for h in digest.held]),
                                          HeldMessage.digest_week.is_(None))
                                   .values(digest_week=week))
            queue_mail(digest.email, localised("digest", digest.languages), message_id=message_id,
                       digest=digest, name=digest.name, week=week, today=today,
                       prefs_link=prefs_link, tasks_link=tasks_link)
            db.session.commit()
    db.session.rollback()
    if not dry_run:
        deliver_outbox(planned, outcome)
    return outcome
