"""My tasks and the notification preferences page."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from peerreview.audit.models import AuditEntry
from peerreview.deadlines.models import NotificationPreference
from peerreview.extensions import db


def _world(make_review, make_city, make_user):
    """A host member with an overdue self-assessment, who is also invited as a peer to another
    city's review (answer due in 7 days) and writes the report of a third (due later)."""
    home = make_city("Ghent", "BE")
    me = make_user("Lotte", city=home, city_role="contact")
    today = date.today()
    late = make_review("preparing", host=home, visit_start=today + timedelta(days=25))  # SA due 3 days ago
    other = make_review("team_forming", host=make_city("Genoa", "IT"),
                        visit_start=today + timedelta(days=60))
    from peerreview.reviews.models import TeamMember, VisitSession

    db.session.add(TeamMember(review=other, user=me, role="peer", status="invited",
                              created_at=datetime.combine(today, time(8))))
    db.session.add(VisitSession(review=late, day=late.visit_start, start_time=time(9),
                                end_time=time(10), title="Opening"))   # the programme is drafted
    reporting = make_review("reporting", host=make_city("Milan", "IT"),
                            visit_start=today - timedelta(days=5), team=[(me, "rapporteur")])
    from peerreview.people.models import SurveyResponse

    # the survey about that visit week is answered (otherwise it is a task too: tests/test_people.py)
    db.session.add(SurveyResponse(review=reporting, user_id=me.id, kind="visit", respondent="team",
                                  answers={"useful": 4, "organised": 4, "again": "yes"}))
    db.session.commit()
    return me, late, other, reporting


def test_my_tasks_lists_what_is_due_soonest_first_with_overdue_marked(
        client, login, make_review, make_city, make_user):
    me, late, other, reporting = _world(make_review, make_city, make_user)
    login(me)
    html = client.get("/tasks").get_data(as_text=True)
    links = re.findall(r'<h2 class="task-title"><a href="([^"]+)">', html)
    assert links[:2] == [
        f"/reviews/{late.id}/self-assessment",          # 3 days ago
        f"/reviews/{other.id}#team-h",                  # in 7 days
    ]
    # the draft report (in 14 days), the report (in 28 days): on the report's page
    assert len(links) == 4 and all(u.startswith(f"/reviews/{reporting.id}") for u in links[2:])
    titles = re.findall(r'<h2 class="task-title"><a href="[^"]+">([^<]+)</a>', html)
    # the rapporteur gets the draft ready; sending it to the host city is the secretariat's task
    assert titles[2] == "Finish the draft report for the factual check by the host city"
    assert titles[3] == "Finish the feedback report"
    items = re.findall(r'<li class="task([^"]*)">', html)
    assert items[0] == " task-overdue" and "task-overdue" not in "".join(items[1:])
    assert "Overdue by 3 days" in html and "1 overdue" in html
    assert "Draft the visit programme" not in html   # done: the programme has a session
    # the home page card says so too
    home = client.get("/").get_data(as_text=True)
    assert "4 tasks due, 1 overdue." in home and 'href="/tasks"' in home


def test_my_tasks_empty_state(client, login, make_user):
    login(make_user())
    html = client.get("/tasks").get_data(as_text=True)
    assert "Nothing is due from you." in html
    assert "task-list" not in html


def test_my_tasks_shows_only_my_own(client, login, make_review, make_city, make_user):
    me, late, other, reporting = _world(make_review, make_city, make_user)
    stranger = make_user(city=make_city("Riga", "LV"))
    login(stranger)
    html = client.get("/tasks").get_data(as_text=True)
    assert "Nothing is due from you." in html


def test_my_tasks_query_count_does_not_grow_with_the_data(client, login, make_review, make_city,
                                                          make_user):
    from sqlalchemy import event

    me, *_ = _world(make_review, make_city, make_user)

    def count_queries():
        n = []
        engine = db.engine
        listener = lambda *a: n.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get("/tasks").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(n)

    # every kind of deadline present once, so that the growth below only adds rows
    make_review("preparing", host=me.city, visit_start=date.today() + timedelta(days=19))
    login(me)
    before = count_queries()
    for n in range(5):
        make_review("preparing", host=me.city, visit_start=date.today() + timedelta(days=20 + n))
        make_review("reporting", host=make_city(f"Far {n}", "FR"),
                    visit_start=date.today() - timedelta(days=3), team=[(me, "lead")])
    assert count_queries() == before


def test_preferences_page_lists_every_kind(client, login, make_user):
    login(make_user())
    html = client.get("/account/notifications").get_data(as_text=True)
    for label in ("Self-assessment due", "Visit programme due", "Answer to an invitation",
                  "Draft report due", "Feedback report due", "Review updates"):
        assert label in html
    assert "Invitations to a review team" in html and "cannot be turned off" in html
    assert 'name="kind_review__team_invitation"' not in html
    assert len(re.findall(r'<input checked[^>]*value="immediate"', html)) >= 6


def test_saving_preferences_is_audited(client, login, make_user):
    user = make_user()
    login(user)
    res = client.post("/account/notifications", data={"kind_review__self_assessment": "weekly",
                                                        "kind_review__updates": "off"})
    assert res.status_code == 302
    stored = dict(db.session.execute(select(NotificationPreference.kind, NotificationPreference.mode)
                                     .where(NotificationPreference.user_id == user.id)).all())
    assert stored == {"review.self_assessment": "weekly", "review.updates": "off"}
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "notifications.preferences")).one()
    assert entry.actor_id == user.id and entry.changes["review.updates"] == ["immediate", "off"]
    html = client.get("/account/notifications").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*name="kind_review__self_assessment"[^>]*value="weekly"', html)
    # saving the same again changes nothing and writes no entry
    client.post("/account/notifications", data={"kind_review__self_assessment": "weekly",
                                                 "kind_review__updates": "off"})
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "notifications.preferences")) == 1


def test_bad_input_gets_a_clear_message_and_changes_nothing(client, login, make_user):
    user = make_user()
    login(user)
    res = client.post("/account/notifications", data={"kind_review__self_assessment": "sometimes",
                                                        "kind_review__updates": "off"})
    assert res.status_code == 400
    html = res.get_data(as_text=True)
    assert "Choose how you want these messages: immediately, in a weekly digest, or off." in html
    assert "Nothing was saved" in html
    assert db.session.scalar(select(func.count()).select_from(NotificationPreference)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "notifications.preferences")) == 0


def test_mandatory_kinds_cannot_be_turned_off(app, db_session, make_user):
    import pytest

    from peerreview.deadlines.preferences import set_preferences
    from peerreview.domain import DomainError

    user = make_user()
    with pytest.raises(DomainError):
        set_preferences(user, {"review.team_invitation": "off"}, actor=user)
    with pytest.raises(DomainError):
        set_preferences(user, {"account": "weekly"}, actor=user)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(NotificationPreference)) == 0


def test_account_page_links_to_the_preferences(client, login, make_user):
    login(make_user())
    assert 'href="/account/notifications"' in client.get("/account").get_data(as_text=True)


def test_my_data_includes_the_notification_choices(client, login, make_user):
    user = make_user()
    login(user)
    client.post("/account/notifications", data={"kind_review__updates": "weekly"})
    data = client.get("/account/data.json").get_json()
    assert data["notifications"]["preferences"] == {"review.updates": "weekly"}
    assert data["notifications"]["reminders_sent"] == []
