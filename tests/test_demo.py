"""The demo holds together: what a network's secretariat sees first must not contradict itself.

The demo is built relative to today; this suite runs at a frozen moment that
PEERREVIEW_TEST_NOW changes (try a Sunday, 2026-12-31, 2028-02-29). The date rules themselves
are checked below over several whole years.
"""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from peerreview.demo import dates
from peerreview.extensions import db


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return result


def _priority_labels(app, language: str) -> str:
    """"HIGH|MEDIUM|LOW" in the report's language (the PDF writes them in capitals)."""
    from flask_babel import gettext

    from peerreview.i18n import use_locale
    from peerreview.reports.models import PRIORITIES

    with app.test_request_context("/"):
        with use_locale("en"):
            english = [str(label) for label in PRIORITIES.values()]
        with use_locale(language):
            return "|".join(re.escape(gettext(label).upper()) for label in english)


def _pdf_text(path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


def test_the_demo_obeys_its_own_rules(demo, app, client, login, today):
    from peerreview.auth.models import User
    from peerreview.mentoring import plan
    from peerreview.mentoring.followup import derived_progress, tracking_actions
    from peerreview.mentoring.plan_models import MentoringAction
    from peerreview.observations.models import Observation, PeerRating
    from peerreview.reports import issuing
    from peerreview.reports.models import Recommendation, ReportVersion
    from peerreview.reviews.models import Review, SelfAssessmentEntry, VisitSession
    from peerreview.timeutil import utcnow

    now = utcnow()
    reviews = db.session.scalars(select(Review)).all()
    assert {r.state for r in reviews} >= {"visit", "follow_up", "closed", "preparing", "team_forming"}
    for r in reviews:
        kf_ids = {kf.id for kf in r.benchmark.key_factors}
        events = list(r.events)
        assert [e.at for e in events] == sorted(e.at for e in events), r.title
        assert all(e.at <= now for e in events), r.title
        if r.visit_start is None:
            continue
        days = (r.visit_end - r.visit_start).days + 1
        # the visit week falls on working days: not a weekend, not over Christmas
        assert dates.fits(r.visit_start, days), (r.title, r.visit_start, r.visit_end)
        for s in db.session.scalars(select(VisitSession).where(VisitSession.review_id == r.id)):
            assert r.visit_start <= s.day <= r.visit_end and dates.is_working_day(s.day), s.title
            assert {kf.id for kf in s.key_factors} <= kf_ids
        # the history's "visit week" entry is the visit's first day; the report comes after
        steps = {e.to_state: e.at.date() for e in events}
        if "visit" in steps:
            assert steps["visit"] == r.visit_start, r.title
        if "reporting" in steps:
            assert steps["reporting"] >= r.visit_end, r.title
        # the self-assessment is submitted before the visit
        sa = r.self_assessment
        if sa is not None and sa.status == "submitted":
            assert sa.submitted_at.date() < r.visit_start, r.title
        # every issued report is dated after its visit, and so is its history entry
        report = r.report
        if report is not None and report.versions:
            for v in report.versions:
                assert v.issued_at.date() > r.visit_end, (r.title, v.number)
            assert steps["issued"] == report.versions[0].issued_at.date()
            assert report.factual_check_deadline < report.versions[0].issued_at.date()
            numbers = sorted(rec.number for rec in report.recommendations)
            assert numbers == list(range(1, len(numbers) + 1)), r.title
            for rec in report.recommendations:
                assert rec.key_factor_id in kf_ids
                assert rec.issued_on >= report.versions[0].issued_at.date()
            for f in report.findings:
                assert f.key_factor_id in kf_ids
        # every note's and every rating's key factor belongs to the review's benchmark
        for o in db.session.scalars(select(Observation).where(Observation.review_id == r.id)):
            assert o.key_factor_id is None or o.key_factor_id in kf_ids
            assert o.created_at <= now and (o.session is None or o.session.day <= today)
        for pr in db.session.scalars(select(PeerRating).where(PeerRating.review_id == r.id)):
            assert pr.key_factor_id in kf_ids
        if sa is not None:
            assert all(e.key_factor_id in kf_ids for e in sa.entries)

    # no self-assessment text appears under two themes
    themes_of: dict[str, set[int]] = {}
    for e in db.session.scalars(select(SelfAssessmentEntry)):
        review = e.assessment.review
        themes_of.setdefault(e.narrative, set()).add(review.benchmark.theme_id)
    assert themes_of and all(len(t) == 1 for t in themes_of.values())

    # a corrected version added a recommendation with the next free code
    barcelona = next(r for r in reviews if r.host_city.name == "Barcelona")
    assert [v.number for v in barcelona.report.versions] == [1, 2]
    added = next(rec for rec in barcelona.report.recommendations if rec.number == 7)
    assert added.key_factor.code == "KF2" and added.issued_on == barcelona.report.versions[1].issued_at.date()

    # every action from a recommendation shows the code the report gives it, and carries its follow-up
    linked = db.session.scalars(select(MentoringAction).where(MentoringAction.recommendation_id.is_not(None))).all()
    assert len(linked) >= 3
    coordinator = db.session.scalar(select(User).where(User.email == "coordinator@demo.peerreview.eu"))
    login(coordinator)
    texts = {}
    for a in linked:
        rec = a.recommendation
        assert plan.source_text(a).endswith(f", {rec.code}")
        version = rec.report.versions[-1]
        if version.id not in texts:
            texts[version.id] = _pdf_text(issuing.path_for(version))
        words = r"\s+".join(re.escape(w) for w in rec.action.split()[:6])
        # the priority as the report's language writes it (Rotterdam's report is in Dutch)
        prio = _priority_labels(app, rec.report.review.report_language)
        if rec.report.review.report_language == "nl":
            # the running footer too is in the report's language
            assert re.search(r"Pagina 2 van \d+", texts[version.id]) and "Page 2 of" not in texts[version.id]
        assert re.search(rf"\b{rec.code}\s+(\S+:? )?({prio})( \S+)?\s+{words}", texts[version.id]), rec.code
        page = client.get(f"/mentoring/{a.mentorship_id}/actions/{a.id}").get_data(as_text=True)
        assert f", {rec.code}</a>" in page
        follow = client.get(f"/reviews/{rec.report.review_id}/report/follow-up").get_data(as_text=True)
        assert f'<span class="rec-num">{rec.code}</span>' in follow
        csv = client.get(f"/reviews/{rec.report.review_id}/report/follow-up.csv").get_data(as_text=True)
        assert re.search(rf"^{rec.code},", csv, re.M)
        if a.status != "proposed":   # a mentor's proposal is not part of the plan yet
            assert f"Action {a.code}</a>" in follow and f"{a.code} {a.status_label.lower()}" in csv
            assert rec.response is not None
            assert rec.progress == derived_progress(x.status for x in tracking_actions(rec))

    # the follow-up figures of the network show both reviews, with a chart and a table
    page = client.get("/follow-up/").get_data(as_text=True)
    assert "Implementation across the network" in page and "<svg" in page and "Barcelona" in page
    assert "1 of 6" in page  # Barcelona: 1 of 6 accepted recommendations done within 6 months

    # wording and vocabularies
    helsinki = next(r for r in reviews if r.host_city.name == "Helsinki")
    city_page = client.get(f"/cities/{helsinki.host_city_id}").get_data(as_text=True)
    assert "Integrating Cities Charter" in city_page and "integration charter" not in city_page.lower()
    from peerreview.forms_common import language_choices

    assert ("el", "Greek") in language_choices()
    focus_groups = db.session.scalars(select(VisitSession).where(VisitSession.session_type == "focus_group")).all()
    assert focus_groups and all("residents" in s.organisation_types for s in focus_groups)
    assert db.session.scalar(select(ReportVersion).limit(1)) is not None
    assert db.session.scalar(select(Recommendation).where(Recommendation.number.is_(None))) is None


@pytest.mark.parametrize("start", [date(2026, 1, 1), date(2027, 6, 1), date(2028, 1, 1)])
def test_visit_weeks_fall_on_working_days_whatever_the_day(start):
    """Over whole years, including 29 February 2028, New Year's Eve and every Sunday."""
    for n in range(366):
        today = start + timedelta(days=n)
        for offset, days in ((-75, 4), (24, 3), (70, 4), (-830, 4), (12, 3), (-140, 3)):
            s = dates.visit_start(today + timedelta(days=offset), days)
            assert dates.fits(s, days) and abs((s - (today + timedelta(days=offset))).days) <= 21
        for days in (3, 4):
            s = dates.current_visit_start(today, days)
            assert dates.fits(s, days) and s < today
            covering = [today - timedelta(days=b) for b in range(1, days)
                        if dates.fits(today - timedelta(days=b), days)]
            if covering:   # a visit going on today is possible: that is the one chosen
                assert s in covering
        assert dates.is_working_day(dates.working_day(today)) and dates.working_day_before(today) < today


def test_holidays_and_weekends():
    assert not dates.fits(date(2026, 12, 21), 4)      # Christmas week
    assert not dates.fits(date(2026, 6, 19), 2)       # Friday to Saturday
    assert dates.fits(date(2028, 2, 28), 4)           # Monday 28 February to Thursday 2 March 2028
    assert dates.visit_start(date(2026, 12, 31), 4) == date(2027, 1, 11)
    assert dates.current_visit_start(date(2026, 6, 21), 4) == date(2026, 6, 16)  # a Sunday
