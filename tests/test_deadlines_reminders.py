"""Deadline reminders and the weekly digest: each goes out exactly once, at the right stage,
to the people who chose to get it, also when two copies of the command run at once."""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from peerreview.deadlines.models import HeldMessage, NotificationPreference, ReminderSent
from peerreview.extensions import db

TODAY = date(2031, 5, 12)  # a Monday


def _count(model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _run(runner, *args):
    db.session.commit()
    res = runner.invoke(args=["reminders", *args])
    assert res.exit_code == 0, res.output
    db.session.expire_all()
    return res.output


def _send(runner, day: date, *extra):
    return _run(runner, "send", "--today", day.isoformat(), *extra)


@pytest.fixture
def hosted(make_review, make_city, make_user):
    """A review preparing its visit: the self-assessment is due in 7 days (TODAY + 7), the
    programme in 21 days. The host city has a contact and a member."""
    host = make_city("Ghent", "BE")
    review = make_review("preparing", host=host, visit_start=TODAY + timedelta(days=35))
    contact = make_user("Host Contact", city=host, city_role="contact")
    member = make_user("Host Member", city=host)
    return review, contact, member


# --- the stages -------------------------------------------------------------------------------

def test_stage_for():
    from peerreview.deadlines.reminders import stage_for

    due = TODAY
    assert stage_for(due, due - timedelta(days=8)) is None
    assert stage_for(due, due - timedelta(days=7)) == "week"
    assert stage_for(due, due - timedelta(days=2)) == "week"
    assert stage_for(due, due - timedelta(days=1)) == "day"
    assert stage_for(due, due) == "day"
    assert stage_for(due, due + timedelta(days=1)) == "overdue"
    assert stage_for(due, due + timedelta(days=30)) == "overdue"


def test_stages_picked_by_today(runner, hosted, outbox):
    review, contact, member = hosted
    due = review.self_assessment_due
    assert due == TODAY + timedelta(days=7)
    expected = [  # (today, new reminders to each of the two people)
        (due - timedelta(days=8), 0),
        (due - timedelta(days=7), 1),   # 7 days before
        (due - timedelta(days=3), 0),   # the week reminder went out already
        (due - timedelta(days=1), 1),   # 1 day before
        (due, 0),
        (due + timedelta(days=1), 1),   # the day after: missed
        (due + timedelta(days=9), 0),
    ]
    total = 0
    for day, new in expected:
        _send(runner, day)
        total += 2 * new
        sa_mails = [m for m in outbox() if "self-assessment" in m["Subject"]]
        assert len(sa_mails) == total, day
    stages = db.session.execute(select(ReminderSent.stage, func.count()).where(
        ReminderSent.kind == "review.self_assessment").group_by(ReminderSent.stage)).all()
    assert dict(stages) == {"week": 2, "day": 2, "overdue": 2}
    subjects = [m["Subject"].strip() for m in outbox() if "self-assessment" in m["Subject"]]
    assert subjects[0].startswith("Due in 7 days: Complete and submit the self-assessment")
    assert subjects[2].startswith("Due tomorrow:") and subjects[4].startswith("Overdue:")


def test_catch_up_sends_only_the_most_urgent_stage(runner, hosted, outbox):
    review, contact, member = hosted
    _send(runner, review.self_assessment_due + timedelta(days=2))   # the cron was down all week
    assert {m["To"] for m in outbox()} == {contact.email, member.email}
    assert all(m["Subject"].strip().startswith("Overdue:") for m in outbox())
    assert _count(ReminderSent) == 2


# --- exactly once -------------------------------------------------------------------------------

def test_send_twice_sends_each_reminder_once(runner, hosted, outbox):
    review, contact, member = hosted
    first = _send(runner, TODAY)
    assert "Sent 2 reminder(s)" in first
    second = _send(runner, TODAY)
    assert "Sent 0 reminder(s)" in second and "2 sent before" in second
    mails = outbox()
    assert sorted(m["To"] for m in mails) == sorted([contact.email, member.email])
    assert _count(ReminderSent) == 2


def test_the_mail_links_straight_to_the_page_and_has_text_and_html(app, runner, hosted, outbox):
    review, contact, member = hosted
    _send(runner, TODAY)
    mail = next(m for m in outbox() if m["To"] == contact.email)
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    link = f"http://localhost/reviews/{review.id}/self-assessment"
    assert link in text and f'href="{link}"' in html
    assert "Hello Host Contact" in text and review.title in text
    assert "http://localhost/account/notifications" in text


def test_a_record_already_there_stops_the_mail(app, runner, hosted, outbox, monkeypatch):
    """Another copy recorded the reminder after this one read what was sent: the insert fails
    on the unique key and this copy skips it."""
    from peerreview.deadlines import reminders

    review, contact, member = hosted
    db.session.add(ReminderSent(kind="review.self_assessment", object_type="review",
                                object_id=review.id, user_id=contact.id, stage="week",
                                due=review.self_assessment_due))
    db.session.commit()
    monkeypatch.setattr(reminders, "_already_sent", lambda items: set())
    out = _send(runner, TODAY)
    assert "Sent 1 reminder(s)" in out and "1 sent before" in out
    assert [m["To"] for m in outbox()] == [member.email]
    assert _count(ReminderSent) == 2


def test_two_copies_at_the_same_time_send_each_reminder_once(app, db_kind, make_review, make_city,
                                                              make_user, outbox, monkeypatch):
    from peerreview.deadlines import reminders

    people = []
    for n, country in enumerate(["BE", "NL", "FI"]):
        host = make_city(f"Host {n}", country)
        make_review("preparing", host=host, visit_start=TODAY + timedelta(days=35))
        people += [make_user(city=host, city_role="contact"), make_user(city=host),
                   make_user(city=host)]
    db.session.commit()
    # Both copies must rely on the unique key, not on having read the other's records.
    monkeypatch.setattr(reminders, "_already_sent", lambda items: set())
    if db_kind == "postgresql":
        # Make the race real: both copies plan before either records anything. (SQLite
        # serialises writers with BEGIN IMMEDIATE, so there the copies take turns.)
        barrier = threading.Barrier(2, timeout=30)
        real_plan = reminders.plan

        def plan_then_wait(today, deadlines=None):
            out = real_plan(today, deadlines)
            db.session.commit()
            barrier.wait()
            return out

        monkeypatch.setattr(reminders, "plan", plan_then_wait)
    start = threading.Barrier(2, timeout=30)
    results, errors = [], []

    def copy():
        with app.app_context():
            try:
                start.wait()
                results.append(reminders.send_reminders(TODAY))
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=copy) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sum(len(r.sent) for r in results) == len(people)   # 9 in total, between the two
    assert sum(r.already for r in results) == len(people)
    assert sorted(m["To"] for m in outbox()) == sorted(p.email for p in people)
    assert _count(ReminderSent) == len(people)


def test_dry_run_sends_and_records_nothing(runner, hosted, outbox):
    review, contact, member = hosted
    out = _send(runner, TODAY, "--dry-run")
    assert "Would send 2 reminder(s)" in out and contact.email in out
    assert outbox() == []
    assert _count(ReminderSent) == 0
    assert "Sent 2 reminder(s)" in _send(runner, TODAY)


def test_a_moved_deadline_gets_fresh_reminders(runner, hosted, outbox):
    review, contact, member = hosted
    _send(runner, TODAY)
    assert len(outbox()) == 2
    review.self_assessment_due = review.self_assessment_due + timedelta(days=14)
    db.session.commit()
    _send(runner, TODAY)                              # 21 days ahead now: nothing
    assert len(outbox()) == 2
    _send(runner, TODAY + timedelta(days=14))         # 7 days before the new date
    assert len([m for m in outbox() if "self-assessment" in m["Subject"]]) == 4
    dues = set(db.session.scalars(select(ReminderSent.due).where(
        ReminderSent.stage == "week", ReminderSent.kind == "review.self_assessment")))
    assert dues == {TODAY + timedelta(days=7), TODAY + timedelta(days=21)}


def test_done_work_is_not_reminded(runner, hosted, outbox):
    from peerreview.reviews.models import SelfAssessment

    review, contact, member = hosted
    db.session.add(SelfAssessment(review=review, status="submitted",
                                  submitted_at=datetime.combine(TODAY, time(9))))
    db.session.commit()
    _send(runner, TODAY)
    assert outbox() == []


# --- the sources ------------------------------------------------------------------------------

def test_sources_name_who_must_act(app, make_review, make_city, make_user):
    from peerreview.deadlines.registry import collect
    from peerreview.reviews.models import TeamMember

    host = make_city("Ghent", "BE")
    contact = make_user(city=host, city_role="contact")
    member = make_user(city=host)
    lead, rapporteur, peer, invited = (make_user(city=make_city(f"Peer city {n}", "AT"))
                                       for n in range(4))
    preparing = make_review("preparing", host=host, visit_start=TODAY + timedelta(days=5))
    visiting = make_review("reporting", host=make_city("Genoa", "IT"),
                           visit_start=TODAY - timedelta(days=10),
                           team=[(lead, "lead"), (rapporteur, "rapporteur"), (peer, "peer")])
    seat = TeamMember(review=preparing, user=invited, role="peer", status="invited",
                      created_at=datetime.combine(TODAY - timedelta(days=1), time(12)))
    db.session.add(seat)
    db.session.commit()
    by_kind = {}
    for d in collect(today=TODAY):
        by_kind.setdefault(d.kind, []).append(d)
    [sa] = by_kind["review.self_assessment"]
    assert set(sa.users) == {contact, member} and sa.due == preparing.self_assessment_due
    [prog] = by_kind["review.programme"]
    with app.test_request_context():
        assert prog.users == (contact,) and prog.url == f"/reviews/{preparing.id}/programme"
        assert answer_url(by_kind) == f"/reviews/{preparing.id}#team-h"
    [answer] = by_kind["review.invitation_answer"]
    # 7 days after the invitation, but the visit is sooner: the day before it
    assert answer.users == (invited,) and answer.due == TODAY + timedelta(days=4)
    [draft] = by_kind["review.report_draft"]
    [report] = by_kind["review.report"]
    assert set(report.users) == {lead, rapporteur} and report.due == visiting.report_due
    assert draft.due == visiting.report_due - timedelta(days=14)
    # the visit week is over: the peer's one task is the survey about it
    assert [d.kind for d in collect(user=peer, today=TODAY)] == ["survey.visit"]
    assert {d.kind for d in collect(user=contact, today=TODAY)} == {
        "review.self_assessment", "review.programme"}
    assert {d.kind for d in collect(user=member, today=TODAY)} == {"review.self_assessment"}


def answer_url(by_kind):
    return by_kind["review.invitation_answer"][0].url


def test_programme_due_defaults_to_two_weeks_before_the_visit(app, make_review, make_city, make_user):
    from peerreview.deadlines.registry import collect

    host = make_city("Ghent", "BE")
    contact = make_user(city=host, city_role="contact")
    review = make_review("accepted", host=host, visit_start=TODAY + timedelta(days=40))
    review.programme_due = None
    db.session.commit()
    [prog] = [d for d in collect(user=contact, today=TODAY) if d.kind == "review.programme"]
    assert prog.due == TODAY + timedelta(days=26)


def test_a_feature_registers_a_source_with_one_call(app, make_user):
    from peerreview.deadlines import registry
    from peerreview.deadlines.registry import Deadline, deadline_source

    user = make_user()
    try:
        @deadline_source("test.thing", "Thing due", "A test kind.", group="Tests")
        def things(*, user=None, today):
            return [Deadline(kind="test.thing", due=today, obj=user_obj, users=(user_obj,),
                             title="Do the thing", subject="The thing", endpoint="auth.account")]

        user_obj = user
        assert [d.title for d in registry.collect(user=user, today=TODAY)] == ["Do the thing"]
        assert "test.thing" in {k.key for k in registry.kinds()}
    finally:
        registry.SOURCES.pop("test.thing", None)
        registry.KINDS.pop("test.thing", None)


# --- preferences ----------------------------------------------------------------------------------

def _prefer(user, kind, mode):
    db.session.add(NotificationPreference(user_id=user.id, kind=kind, mode=mode))
    db.session.commit()


def test_off_and_weekly_are_respected(runner, hosted, outbox):
    review, contact, member = hosted
    _prefer(contact, "review.self_assessment", "off")
    _prefer(member, "review.self_assessment", "weekly")
    out = _send(runner, TODAY)
    assert "Sent 0 reminder(s)" in out and "2 left to the weekly digest or turned off" in out
    assert outbox() == [] and _count(ReminderSent) == 0
    # the member gets it in the digest; the contact, who turned it off, gets nothing
    out = _run(runner, "digest", "--today", TODAY.isoformat())
    assert "Sent 1 digest(s)" in out
    [digest] = outbox()
    assert digest["To"] == member.email
    body = digest.get_body(("plain",)).get_content()
    assert "Complete and submit the self-assessment" in body
    assert f"http://localhost/reviews/{review.id}/self-assessment" in body


def test_digest_goes_out_once_a_week(runner, hosted, outbox):
    review, contact, member = hosted
    _prefer(member, "review.self_assessment", "weekly")
    _run(runner, "digest", "--today", TODAY.isoformat())
    _run(runner, "digest", "--today", TODAY.isoformat())
    out = _run(runner, "digest", "--today", (TODAY + timedelta(days=4)).isoformat())
    assert "Sent 0 digest(s)" in out and "1 sent before" in out
    assert len(outbox()) == 1
    _run(runner, "digest", "--today", (TODAY + timedelta(days=7)).isoformat())   # next week
    assert len(outbox()) == 2
    assert _count(ReminderSent, ReminderSent.kind == "digest") == 2


def test_digest_dry_run_records_nothing(runner, hosted, outbox):
    review, contact, member = hosted
    _prefer(member, "review.self_assessment", "weekly")
    out = _run(runner, "digest", "--today", TODAY.isoformat(), "--dry-run")
    assert "Would send 1 digest(s)" in out and member.email in out
    assert outbox() == [] and _count(ReminderSent) == 0


def test_review_updates_follow_the_preference_and_mandatory_mail_always_goes(
        app, runner, hosted, make_user, outbox):
    from peerreview.notifications.queue import queue_mail
    from peerreview.reviews import workflow

    review, contact, member = hosted
    coordinator = make_user("Coordinator", coordinator=True)
    for kind in ("review.updates", "review.self_assessment", "review.programme"):
        _prefer(contact, kind, "weekly")
    review.state = "team_forming"
    db.session.commit()
    workflow.transition(review, "cancel", coordinator, reason="The visit cannot take place.")
    db.session.commit()
    assert [m["To"] for m in outbox()] == []         # the contact chose weekly
    [held] = db.session.scalars(select(HeldMessage)).all()
    assert held.user_id == contact.id and "Cancelled" in held.subject
    # a mandatory message goes out at once whatever the person chose
    for kind in ("review.updates",):
        db.session.execute(NotificationPreference.__table__.update()
                           .where(NotificationPreference.user_id == contact.id,
                                  NotificationPreference.kind == kind).values(mode="off"))
    db.session.commit()
    queue_mail(contact.email, "team_invitation", user=contact, review=review,
               seat=type("Seat", (), {"role": "peer"})(), link="http://localhost/x")
    queue_mail(contact.email, "password_reset", user=contact, link="http://localhost/y")
    db.session.commit()
    assert len(outbox()) == 2
    # the held update arrives in the weekly digest, once
    _run(runner, "digest", "--today", TODAY.isoformat())
    digest = outbox()[-1]
    assert digest["To"] == contact.email and "1 update" in digest["Subject"]
    assert "Cancelled" in digest.get_body(("plain",)).get_content()
    assert db.session.scalars(select(HeldMessage.digest_week)).all() == [TODAY]
    # turned off: dropped
    workflow_mail_count = len(outbox())
    queue_mail(contact.email, "review_state", user=contact, review=review, actor=None,
               before="A", after="B", reason="", link="http://localhost/z")
    db.session.commit()
    assert len(outbox()) == workflow_mail_count and _count(HeldMessage) == 1


def test_reminders_in_the_users_language_fall_back_to_english(app, runner, hosted, outbox, tmp_path):
    """A language is added by copying the mail templates to templates/mail/<code>/."""
    from jinja2 import ChoiceLoader, DictLoader

    review, contact, member = hosted
    contact.languages = ["fi", "en"]
    db.session.commit()
    original = app.jinja_loader
    fi = {f"mail/fi/reminder.{ext}": f"FI {ext} {{{{ item.title }}}}"
          for ext in ("subject.txt", "txt", "html")}
    app.jinja_env.loader = ChoiceLoader([DictLoader(fi), original])
    try:
        _send(runner, TODAY)
    finally:
        app.jinja_env.loader = original
        app.jinja_env.cache.clear()
    by_to = {m["To"]: m for m in outbox()}
    assert by_to[contact.email]["Subject"].strip().startswith("FI subject.txt")
    assert by_to[member.email]["Subject"].strip().startswith("Due in 7 days")


def test_erasing_an_account_drops_the_messages_kept_for_its_digest(app, make_user):
    from peerreview.auth.services import erase

    person, coordinator = make_user("Kept"), make_user(coordinator=True)
    db.session.add(HeldMessage(user_id=person.id, kind="review.updates", subject="Hello Kept",
                               body="Hello Kept, the review moved on."))
    db.session.commit()
    erase(person, actor=coordinator)
    db.session.commit()
    assert _count(HeldMessage) == 0
