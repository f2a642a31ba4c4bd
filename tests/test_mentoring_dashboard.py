"""The mentor dashboard: the 60-day silence flag, sorting without JavaScript, a query count that
does not grow with the number of mentorships; who sees what; mentoring deadlines."""

from __future__ import annotations

import html
import re
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from peerreview.extensions import db
from peerreview.mentoring import dashboard
from peerreview.mentoring.models import (
    MentoringVisit,
    MentorshipEvent,
    NeedsAssessment,
    ProgressReview,
    SchemeCity,
)
from peerreview.mentoring.plan_models import ActionUpdate, MentoringAction, PlanVersion
from tests.mentoring_helpers import baseline, mw  # noqa: F401  (fixture)
from tests.query_helpers import statements_for


def _at(day):
    return datetime.combine(day, time(10))


def _old_action(mw, m, days_ago=100, **kw):
    day = mw.today - timedelta(days=days_ago)
    values = {"number": len(m.actions) + 1, "key_factor": mw.kfs[0], "description": "Old action.",
              "owner": "Unit", "deadline": mw.today + timedelta(days=100), "status": "planned",
              "created_at": _at(day), "updated_at": _at(day)}
    values.update(kw)
    a = MentoringAction(mentorship=m, **values)
    db.session.add(a)
    return a


def _rows(mw, user=None):
    return {r.mentorship.id: r for r in dashboard.rows_for(user or mw.mentor, today=mw.today)}


ACTIVITY = {
    "action update": lambda mw, m, day: db.session.add(ActionUpdate(
        action=_old_action(mw, m), on_date=day, note="Still going.", created_at=_at(day))),
    "visit held": lambda mw, m, day: db.session.add(MentoringVisit(
        mentorship=m, kind="mentoring", starts_on=day, ends_on=day, created_at=_at(day), updated_at=_at(day))),
    "progress review": lambda mw, m, day: db.session.add(ProgressReview(mentorship=m, held_on=day)),
    "plan version": lambda mw, m, day: db.session.add(PlanVersion(mentorship=m, number=1, created_at=_at(day))),
    "action changed": lambda mw, m, day: _old_action(mw, m, days_ago=(mw.today - day).days),
}


@pytest.mark.parametrize("kind", sorted(ACTIVITY))
def test_a_city_silent_for_60_days_is_flagged(mw, kind):
    rows = _rows(mw)
    assert rows[mw.riga.id].silent_days == 100 and rows[mw.athens.id].silent_days == 100
    ACTIVITY[kind](mw, mw.riga, mw.today - timedelta(days=59))
    ACTIVITY[kind](mw, mw.athens, mw.today - timedelta(days=60))
    db.session.commit()
    rows = _rows(mw)
    assert rows[mw.riga.id].last_activity == mw.today - timedelta(days=59)
    assert not rows[mw.riga.id].silent
    assert rows[mw.athens.id].silent and rows[mw.athens.id].silent_days == 60


def test_the_flag_shows_on_the_dashboard_and_the_mentorship_page(client, login, mw):
    baseline(mw, mw.riga, days_ago=10)   # Riga did something ten days ago; Athens nothing for 100
    login(mw.mentor)
    page = client.get("/mentoring/").get_data(as_text=True)
    assert "1 silent for 60 days or more" in page
    athens_row = page.split(f'href="/mentoring/{mw.athens.id}"', 1)[1].split("</tr>", 1)[0]
    riga_row = page.split(f'href="/mentoring/{mw.riga.id}"', 1)[1].split("</tr>", 1)[0]
    assert "Silent for 100 days" in athens_row and "Silent" not in riga_row
    # the silent city comes first when sorting by what needs attention
    assert page.index(f'href="/mentoring/{mw.athens.id}"') < page.index(f'href="/mentoring/{mw.riga.id}"')
    assert "Silent for 100 days." in client.get(f"/mentoring/{mw.athens.id}").get_data(as_text=True)
    assert "Silent for" not in client.get(f"/mentoring/{mw.riga.id}").get_data(as_text=True)
    # a completed mentorship is never flagged
    from peerreview.mentoring import services

    services.transition(mw.athens, "complete", actor=mw.coordinator)
    db.session.commit()
    assert not _rows(mw)[mw.athens.id].silent


def test_sorting_works_with_links(client, login, mw):
    # Athens: two overdue actions; Riga: one done this quarter and movement
    for _ in range(2):
        _old_action(mw, mw.athens, deadline=mw.today - timedelta(days=3))
    _old_action(mw, mw.riga, status="done", done_on=mw.today)
    db.session.commit()
    login(mw.mentor)

    def order(query):
        page = client.get("/mentoring/" + query).get_data(as_text=True)
        return [int(i) for i in re.findall(r'<th scope="row" class="mn-city">\s*<a href="/mentoring/(\d+)"', page)]

    assert order("?sort=city") == [mw.athens.id, mw.riga.id]
    assert order("?sort=city&dir=desc") == [mw.riga.id, mw.athens.id]
    assert order("?sort=overdue") == [mw.athens.id, mw.riga.id]
    assert order("?sort=done") == [mw.riga.id, mw.athens.id]
    assert order("?sort=nonsense") == order("")
    page = html.unescape(client.get("/mentoring/?sort=overdue").get_data(as_text=True))
    assert 'aria-current="true">Overdue actions' in page and "(sorted descending)" in page
    assert '<option value="overdue" selected>' in page


def test_dashboard_query_count_does_not_grow_with_mentorships(client, login, mw, make_city, make_user):
    from peerreview.mentoring import activity, plan, services

    def add(n):
        for i in range(n):
            city = make_city()
            mentee = make_user(city=city)
            mw.scheme.participants.append(SchemeCity(city=city, role="implementing"))
            db.session.flush()
            m = services.create_mentorship(mw.scheme, implementing_city_id=city.id, people=services.People(
                [mw.vienna.id], [mw.mentor.id], [mentee.id]), actor=mw.coordinator)
            services.transition(m, "start", actor=mw.coordinator)
            services.save_needs(m, entries=[services.NeedsInput(kf.id, "1", "", "") for kf in mw.kfs],
                                goals="", assessed_on=mw.today - timedelta(days=5), version=None, actor=mentee)
            a = plan.add_action(m, plan.ActionInput(mw.kfs[0].id, f"Action {i}", "Unit",
                                                    mw.today - timedelta(days=1)), actor=mentee)
            plan.add_update(a, on=mw.today, note="", status="in_progress", actor=mentee)
            activity.add_visit(m, activity.VisitInput("mentoring", mw.today + timedelta(days=i + 1),
                                                      mw.today + timedelta(days=i + 1),
                                                      participant_ids=[mw.mentor.id]), actor=mw.mentor)
            activity.record_progress(m, held_on=mw.today, ratings=[activity.RatingInput(kf.id, "2")
                                                                   for kf in mw.kfs],
                                     summary="", next_review_on=None, actor=mw.mentor)
        db.session.commit()

    def count():
        return statements_for(client, "/mentoring/")

    login(mw.mentor)
    add(1)
    small, _ = count()
    add(9)
    large, page = count()
    assert page.count('class="mn-city"') == 12
    assert large == small, f"{small} queries for 3 mentorships, {large} for 12"
    login(mw.coordinator)
    assert count()[0] <= small   # the coordinator skips the "has a mentorship" look-up of the menu


def test_other_cities_see_nothing(client, login, mw):
    from peerreview.mentoring import plan

    baseline(mw)
    action = plan.add_action(mw.riga, plan.ActionInput(mw.kfs[0].id, "Confidential plan text.", "Unit",
                                                       mw.today + timedelta(days=9)), actor=mw.mentee)
    db.session.commit()
    base = f"/mentoring/{mw.riga.id}"
    for user in (mw.outsider, mw.riga_member, mw.vienna_member, mw.mentee_athens):
        login(user)
        for url in (base, f"{base}/plan", f"{base}/needs", f"{base}/actions/{action.id}",
                    f"{base}/progress-report.pdf", f"{base}/plan/versions/1"):
            res = client.get(url)
            assert res.status_code == 403, (user.name, url)
            assert "Confidential plan text." not in res.get_data(as_text=True)
            assert "Narrative KF1" not in res.get_data(as_text=True)
        page = client.get("/mentoring/").get_data(as_text=True)
        assert f'href="{base}"' not in page
    # the mentee of Athens sees Athens only
    login(mw.mentee_athens)
    page = client.get("/mentoring/").get_data(as_text=True)
    assert f'href="/mentoring/{mw.athens.id}"' in page and f'href="{base}"' not in page
    login(mw.coordinator)
    page = client.get("/mentoring/").get_data(as_text=True)
    assert f'href="{base}"' in page and f'href="/mentoring/{mw.athens.id}"' in page
    assert client.get("/mentoring/999999").status_code == 404


def test_mentoring_deadlines(mw):
    from peerreview.deadlines import registry
    from peerreview.mentoring import plan

    a = plan.add_action(mw.riga, plan.ActionInput(mw.kfs[0].id, "Write the standards.", "Contracts unit",
                                                  mw.today + timedelta(days=7)), actor=mw.mentee)
    mw.riga.next_review_on = mw.today + timedelta(days=30)
    db.session.commit()
    mine = registry.collect(user=mw.mentee, today=mw.today)
    assert [(d.kind, d.due, d.title) for d in mine] == [
        ("mentoring.action", mw.today + timedelta(days=7), "Action A1: Write the standards.")]
    assert mine[0].absolute_url == f"http://localhost/mentoring/{mw.riga.id}/actions/{a.id}"
    theirs = [d for d in registry.collect(user=mw.mentor, today=mw.today) if d.kind.startswith("mentoring.")]
    assert [(d.kind, d.due) for d in theirs] == [("mentoring.progress_review", mw.today + timedelta(days=30))]
    assert not [d for d in registry.collect(user=mw.outsider, today=mw.today) if d.kind.startswith("mentoring.")]
    plan.add_update(a, on=mw.today, note="", status="done", actor=mw.mentee)
    db.session.commit()
    assert not [d for d in registry.collect(user=mw.mentee, today=mw.today) if d.kind == "mentoring.action"]
    kinds = {k.key for k in registry.kinds()}
    assert {"mentoring.action", "mentoring.progress_review"} <= kinds


def test_events_and_needs_count_as_activity(mw):
    assert db.session.scalar(select(MentorshipEvent.id)) is not None
    baseline(mw, mw.athens, days_ago=30)
    needs = db.session.scalar(select(NeedsAssessment).where(NeedsAssessment.mentorship_id == mw.athens.id))
    needs.updated_at = _at(mw.today - timedelta(days=30))
    db.session.commit()
    assert _rows(mw)[mw.athens.id].last_activity == mw.today - timedelta(days=30)


def test_mentorship_page_query_count_does_not_grow_with_its_visits_and_reviews(client, login, mw):
    """A mentorship's page loads each of its lists once: more visits (each with participants),
    progress reviews, actions and events add no query."""
    from peerreview.mentoring import activity, plan

    m = mw.riga
    baseline(mw, m, days_ago=90)

    def add(n, start):
        for i in range(start, start + n):
            day = mw.today - timedelta(days=80 - i)
            activity.add_visit(m, activity.VisitInput("mentoring", day, day,
                                                      participant_ids=[mw.mentor.id, mw.mentee.id]),
                               actor=mw.mentor)
            activity.record_progress(m, held_on=day, ratings=[activity.RatingInput(kf.id, "2") for kf in mw.kfs],
                                     summary=f"Review {i}", next_review_on=None, actor=mw.mentor)
            plan.add_action(m, plan.ActionInput(mw.kfs[0].id, f"Action {i}", "Unit",
                                                mw.today - timedelta(days=1)), actor=mw.mentee)
        db.session.commit()

    def count():
        return statements_for(client, f"/mentoring/{m.id}")

    login(mw.mentor)
    add(1, 0)
    small, _ = count()
    add(5, 1)
    large, page = count()
    assert page.count('class="panel mn-visit') == 6 and "Review 5" in page
    assert large == small, f"{small} queries for one visit, {large} for six"
