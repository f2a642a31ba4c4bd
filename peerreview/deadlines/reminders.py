"""Reminders: each goes out once, 7 days before a deadline, 1 day before, and the day after it
was missed.

``send_reminders()`` is safe to run every hour, and by two copies at once: for each reminder
it first inserts its ReminderSent row inside a savepoint, together with the message in the
mail outbox (``peerreview.notifications.outbox``), and commits both. The row's unique key
(kind, object, recipient, stage, due date) refuses a second copy (IntegrityError: skipped).
Then the outbox is delivered: a message counts as sent only once the mail server accepted it;
one that failed (server down, address refused for now) stays in the outbox and is tried
again by the next run, after a growing pause. Each reminder's Message-ID is made from its
key, so it is the same on every attempt and in every copy of the command.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from jinja2 import TemplateNotFound
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from peerreview.deadlines import preferences
from peerreview.deadlines.models import ReminderSent
from peerreview.deadlines.registry import KINDS, Deadline, collect
from peerreview.extensions import db
from peerreview.timeutil import utcnow

STAGES = {"week": "7 days before", "day": "1 day before", "overdue": "the day after"}


def stage_for(due: date, today: date) -> str | None:
    """The reminder due ``today`` for a deadline on ``due``, catching up a missed run: from 7
    to 2 days before "week", 1 day before or on the day "day", after it "overdue"."""
    days = (due - today).days
    if days < 0:
        return "overdue"
    if days <= 1:
        return "day"
    if days <= 7:
        return "week"
    return None


@dataclass(frozen=True)
class Planned:
    """One reminder to one person, as plain values (they survive the commits of the run)."""

    kind: str
    kind_label: str
    object_type: str
    object_id: int
    due: date
    stage: str
    user_id: int
    email: str
    name: str
    languages: tuple[str, ...]
    title: str
    subject: str
    link: str
    days_left: int

    @property
    def key(self) -> tuple:
        return (self.kind, self.object_id, self.user_id, self.stage, self.due)


@dataclass
class Failed:
    """A message the mail server did not accept in this run."""

    to: str
    subject: str
    error: str
    attempts: int
    next_attempt_at: object = None      # datetime, or None when given up
    given_up: bool = False


@dataclass
class Outcome:
    sent: list[Planned] = field(default_factory=list)       # accepted by the mail server now
    failed: list[tuple[Planned, Failed]] = field(default_factory=list)
    waiting: list[Planned] = field(default_factory=list)    # in the outbox, tried again later
    already: int = 0               # recorded before, or by another copy running now
    not_wanted: int = 0            # the person chose a weekly digest or off for this kind
    other_sent: int = 0            # other messages of the outbox delivered in this run
    other_failed: list[Failed] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.other_failed


def reminder_message_id(item: Planned) -> str:
    """The same Message-ID for a reminder on every attempt and in every copy of the command."""
    from peerreview.notifications.mail import message_domain

    return (f"<reminder.{item.kind}.{item.object_type}.{item.object_id}.{item.user_id}."
            f"{item.stage}.{item.due:%Y%m%d}@{message_domain()}>")


def deliver_outbox(planned: dict[str, object], outcome) -> dict[str, object]:
    """Deliver everything due in the outbox; sort ``planned`` ({message_id: thing}) into
    ``outcome.sent``, ``.failed``, ``.waiting`` and ``.already``; count the other messages
    delivered in ``outcome.other_sent``/``.other_failed``."""
    from peerreview.notifications import outbox

    report = outbox.deliver()
    sent = {d.message_id for d in report.sent}
    failed = {d.message_id: d for d in report.failed}
    rest = [mid for mid in planned if mid not in sent and mid not in failed]
    db.session.rollback()
    status = outbox.status_of(rest)
    now = utcnow()
    for mid, thing in planned.items():
        if mid in sent:
            outcome.sent.append(thing)
        elif mid in failed:
            d = failed[mid]
            outcome.failed.append((thing, Failed(d.to, d.subject, d.error, d.attempts,
                                                 d.next_attempt_at, d.given_up)))
        else:
            row = status.get(mid)
            if row is None or row.sent_at is not None or row.given_up_at is not None or (
                    row.claimed_until is not None and row.claimed_until > now):
                outcome.already += 1   # sent before, or being sent by another copy now
            else:
                outcome.waiting.append(thing)
    outcome.other_sent += len(sent - set(planned))
    outcome.other_failed += [Failed(d.to, d.subject, d.error, d.attempts, d.next_attempt_at,
                                    d.given_up) for mid, d in failed.items() if mid not in planned]
    return planned


def plan(today: date, deadlines: list[Deadline] | None = None) -> list[Planned]:
    """Every reminder due today, to everyone who must act, whatever was sent before."""
    out = []
    for d in deadlines if deadlines is not None else collect(today=today):
        stage = stage_for(d.due, today)
        if stage is None:
            continue
        link = d.absolute_url
        label = KINDS[d.kind].label
        for user in d.users:
            if not user.is_active or not user.email:
                continue
            out.append(Planned(
                kind=d.kind, kind_label=label, object_type=d.object_type, object_id=d.object_id,
                due=d.due, stage=stage, user_id=user.id, email=user.email, name=user.name,
                languages=tuple(user.languages or ()), title=d.title, subject=d.subject,
                link=link, days_left=(d.due - today).days))
    return out


def localised(template: str, languages) -> str:
    """``<lang>/<template>`` for the person's first language that has the mail templates under
    templates/mail/<lang>/, else the English default ``<template>``."""
    for lang in languages:
        try:
            current_app.jinja_env.get_template(f"mail/{lang}/{template}.txt")
        except TemplateNotFound:
            continue
        return f"{lang}/{template}"
    return template


def _already_sent(items: list[Planned]) -> set[tuple]:
    if not items:
        return set()
    dues = {p.due for p in items}
    kinds = {p.kind for p in items}
    rows = db.session.execute(select(
        ReminderSent.kind, ReminderSent.object_id, ReminderSent.user_id, ReminderSent.stage,
        ReminderSent.due).where(ReminderSent.kind.in_(kinds), ReminderSent.due.in_(dues))).all()
    return {tuple(r) for r in rows}


def claim(key_kind: str, object_type: str, object_id: int, user_id: int, stage: str, due: date) -> bool:
    """Insert the record of a message about to go out; False if it exists (sent already, or
    being sent right now by another copy: the unique key decides)."""
    try:
        with db.session.begin_nested():
            db.session.add(ReminderSent(kind=key_kind, object_type=object_type, object_id=object_id,
                                        user_id=user_id, stage=stage, due=due))
    except IntegrityError:
        return False
    return True


def send_reminders(today: date | None = None, *, dry_run: bool = False) -> Outcome:
    """Send every reminder due ``today`` that has not gone out, and whatever else waits in the
    outbox. ``dry_run``: only report, send and record nothing."""
    from peerreview.notifications.queue import manual_delivery, queue_mail
    from peerreview.urls import absolute_url

    today = today or date.today()
    items = plan(today)
    stored = preferences.modes_for_users(p.user_id for p in items)
    sent_before = _already_sent(items)
    prefs_link = absolute_url("deadlines.preferences")
    tasks_link = absolute_url("deadlines.tasks")
    outcome = Outcome()
    planned: dict[str, Planned] = {}
    with manual_delivery():
        for item in items:
            if preferences.mode_for(item.user_id, item.kind, stored) != "immediate":
                outcome.not_wanted += 1
                continue
            if dry_run:
                if item.key in sent_before:
                    outcome.already += 1
                else:
                    outcome.sent.append(item)
                continue
            message_id = reminder_message_id(item)
            # recorded before (perhaps still waiting in the outbox), or recorded now
            planned[message_id] = item
            if item.key in sent_before:
                continue
            if not claim(item.kind, item.object_type, item.object_id, item.user_id, item.stage,
                         item.due):
                continue
            queue_mail(item.email, localised("reminder", item.languages), message_id=message_id,
                       item=item, name=item.name, today=today, prefs_link=prefs_link,
                       tasks_link=tasks_link)
            db.session.commit()  # the record and the message, together
    db.session.rollback()  # a dry run's reads, or nothing
    if not dry_run:
        from peerreview.notifications.outbox import purge_sent

        deliver_outbox(planned, outcome)
        purge_sent()
        db.session.commit()
    return outcome
