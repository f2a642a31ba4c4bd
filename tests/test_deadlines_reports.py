"""The report's deadlines (registered by peerreview/deadlines/report_sources.py when the report
feature is installed): the factual check, the draft, and the follow-up 6 and 12 months after."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from peerreview.extensions import db

pytest.importorskip("peerreview.reports.models")

TODAY = date(2031, 5, 12)


def _kinds(user, today=TODAY):
    from peerreview.deadlines.registry import collect

    return {d.kind: d for d in collect(user=user, today=today)}


def test_factual_check_is_due_from_the_host_and_ends_the_draft_deadline(
        app, make_review, make_city, make_user):
    from peerreview.reports.models import Report

    host = make_city("Ghent", "BE")
    contact, member = make_user(city=host, city_role="contact"), make_user(city=host)
    lead = make_user(city=make_city("Vienna", "AT"))
    review = make_review("reporting", host=host, visit_start=TODAY - timedelta(days=10),
                         team=[(lead, "lead")])
    report = Report(review=review, state="drafting")
    db.session.add(report)
    db.session.commit()
    assert {"review.report_draft", "review.report"} <= set(_kinds(lead))
    assert "report.factual_check" not in _kinds(contact)

    report.state, report.factual_check_deadline = "factual_check", TODAY + timedelta(days=5)
    db.session.commit()
    assert "review.report_draft" not in _kinds(lead)          # shared with the host already
    for person in (contact, member):
        check = _kinds(person)["report.factual_check"]
        assert check.due == TODAY + timedelta(days=5) and check.endpoint == "reports.show"


def test_follow_up_6_then_12_months_after_issue(app, make_review, make_city, make_user):
    from peerreview.reports.models import (
        Recommendation,
        RecommendationUpdate,
        Report,
        ReportVersion,
    )

    host = make_city("Rotterdam", "NL")
    contact = make_user(city=host, city_role="contact")
    review = make_review("issued", host=host, visit_start=TODAY - timedelta(days=220))
    issued = TODAY - timedelta(days=170)
    report = Report(review=review, state="issued")
    db.session.add(report)
    db.session.flush()
    db.session.add(ReportVersion(report=report, number=1, sha256="0" * 64, size=1,
                                 issued_at=datetime.combine(issued, time(10))))
    kf = review.benchmark.key_factors[0]
    open_rec = Recommendation(report=report, key_factor_id=kf.id, action="Train the staff",
                              response="accepted", progress="in_progress")
    declined = Recommendation(report=report, key_factor_id=kf.id, action="Something else",
                              response="not_accepted")
    db.session.add_all([open_rec, declined])
    db.session.commit()

    six = _kinds(contact)["report.follow_up"]
    assert six.due == issued + timedelta(days=183) and "6 months" in six.title
    assert six.title.startswith("Report progress on R1 (")   # by the code of the report
    assert six.endpoint == "reports.follow_up"

    db.session.add(RecommendationUpdate(recommendation=open_rec, kind="progress", status="in_progress",
                                        created_at=datetime.combine(TODAY, time(9))))
    db.session.commit()
    twelve = _kinds(contact)["report.follow_up"]
    assert twelve.due == issued + timedelta(days=365) and "12 months" in twelve.title

    open_rec.progress = "done"
    db.session.commit()
    assert "report.follow_up" not in _kinds(contact)


def test_follow_up_leaves_out_what_a_mentoring_action_carries(app, make_review, make_city, make_user):
    """A recommendation a mentoring action works on gets its progress from the action: the host
    city is not asked for it a second time."""
    from peerreview.mentoring.models import MentoringScheme, Mentorship
    from peerreview.mentoring.plan_models import MentoringAction
    from peerreview.reports.models import Recommendation, Report, ReportVersion

    host = make_city("Rotterdam", "NL")
    contact = make_user(city=host, city_role="contact")
    review = make_review("issued", host=host, visit_start=TODAY - timedelta(days=220))
    issued = TODAY - timedelta(days=170)
    kf = review.benchmark.key_factors[0]
    report = Report(review=review, state="issued")
    carried, own = (Recommendation(report=report, key_factor_id=kf.id, action=text, position=n, number=n,
                                   response="accepted", progress="in_progress") for n, text in
                    ((1, "Evening classes"), (2, "Publish waiting times")))
    scheme = MentoringScheme(name="S", theme_id=review.benchmark.theme_id, benchmark_id=review.benchmark_id,
                             starts_on=issued, ends_on=TODAY + timedelta(days=300))
    m = Mentorship(scheme=scheme, implementing_city=host, state="active", proposed_on=issued)
    action = MentoringAction(mentorship=m, number=1, key_factor_id=kf.id, description="Evening classes",
                             owner="Schools", deadline=TODAY + timedelta(days=90), status="in_progress",
                             recommendation=carried)
    db.session.add_all([report, carried, own, scheme, m, action,
                        ReportVersion(report=report, number=1, sha256="0" * 64, size=1,
                                      issued_at=datetime.combine(issued, time(10)))])
    db.session.commit()
    assert _kinds(contact)["report.follow_up"].title.startswith("Report progress on R2 (")
    own.progress = "done"
    db.session.commit()
    assert "report.follow_up" not in _kinds(contact)
