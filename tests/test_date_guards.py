"""Steps tied to the visit dates: too early by far they are refused with the date from which they
become possible; a little early they ask for a reason, which the review's history keeps."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from peerreview.extensions import db
from peerreview.formatting import date_range, full_day
from peerreview.reviews.models import (
    Review,
    ReviewEvent,
    SelfAssessment,
    SelfAssessmentEntry,
    VisitSession,
)


@pytest.fixture
def ready(make_city, make_user, make_review):
    """A review ready for its visit week (self-assessment submitted, a programme), whose visit
    starts ``days`` from today."""

    made = []

    def build(days: int, state: str = "preparing"):
        made.append(1)
        host = make_city(f"Ghent {len(made)}", "BE", timezone="Europe/Brussels")
        lead = make_user("Lena Lead", city=make_city(f"Vienna {len(made)}", "AT", timezone="Europe/Vienna"))
        review = make_review(state, host=host, visit_start=_today() + timedelta(days=days),
                             team=[(lead, "lead")])
        sa = SelfAssessment(review=review, status="submitted")
        db.session.add(sa)
        for kf in review.benchmark.key_factors:
            sa.entries.append(SelfAssessmentEntry(key_factor=kf, rating="2", narrative="Largely.", evidence=""))
        db.session.add_all([VisitSession(review=review, day=review.visit_start, start_time=time(9),
                                             end_time=time(10), title="Opening", session_type="workshop")])
        db.session.commit()
        return review, lead, make_user(coordinator=True)

    return build


def _today():
    from datetime import date

    return date.today()


def _state(review) -> str:
    db.session.expire_all()
    return db.session.get(Review, review.id).state


def test_the_visit_week_five_months_early_is_refused_with_the_date_it_becomes_possible(client, login, ready):
    review, lead, coordinator = ready(150)
    login(coordinator)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    earliest = full_day(review.visit_start - timedelta(days=7))
    assert f"the visit week can start from {earliest}" in page  # said before anyone clicks
    res = client.post(f"/reviews/{review.id}/step/start_visit", follow_redirects=True)
    assert res.status_code == 200 and res.request.path == f"/reviews/{review.id}"
    assert f"the visit week can start from {earliest}" in res.get_data(as_text=True)
    res = client.post(f"/reviews/{review.id}/step/start_visit", data={"reason": "Because."},
                      follow_redirects=True)
    assert _state(review) == "preparing"


def test_a_few_days_early_the_visit_week_asks_why_and_the_history_keeps_it(client, login, ready):
    review, lead, coordinator = ready(3)
    login(lead)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "starting the visit week now is ahead of the dates" in page
    assert 'id="reason-start_visit"' in page
    res = client.post(f"/reviews/{review.id}/step/start_visit", follow_redirects=True)
    assert "To go ahead, give the reason" in res.get_data(as_text=True)
    assert _state(review) == "preparing"
    res = client.post(f"/reviews/{review.id}/step/start_visit",
                      data={"reason": "The opening meeting moved to the Friday before."}, follow_redirects=True)
    assert "the review is now visit week" in res.get_data(as_text=True)
    assert _state(review) == "visit"
    event = db.session.scalars(select(ReviewEvent).where(ReviewEvent.review_id == review.id)
                               .order_by(ReviewEvent.id.desc())).first()
    assert event.to_state == "visit"
    dates = date_range(review.visit_start, review.visit_end)
    assert event.note == f"Ahead of the visit dates ({dates}): The opening meeting moved to the Friday before."
    assert event.note in client.get(f"/reviews/{review.id}").get_data(as_text=True)


def test_on_the_first_visit_day_no_reason_is_asked(client, login, ready):
    review, lead, coordinator = ready(0)
    login(lead)
    assert 'id="reason-start_visit"' not in client.get(f"/reviews/{review.id}").get_data(as_text=True)
    client.post(f"/reviews/{review.id}/step/start_visit")
    assert _state(review) == "visit"


def test_the_report_starts_once_the_visit_has_started_and_early_with_a_reason(client, login, ready):
    review, lead, coordinator = ready(10, state="visit")  # wrongly started long before
    login(coordinator)
    res = client.post(f"/reviews/{review.id}/step/start_reporting", data={"reason": "Done."},
                      follow_redirects=True)
    assert "the report can start from that day" in res.get_data(as_text=True)
    assert _state(review) == "visit"

    review, lead, _ = ready(-1, state="visit")  # the second of four visit days
    login(lead)
    res = client.post(f"/reviews/{review.id}/step/start_reporting", follow_redirects=True)
    assert "starting the report now ends the visit week early" in res.get_data(as_text=True)
    client.post(f"/reviews/{review.id}/step/start_reporting", data={"reason": "The last two days were cancelled."})
    assert _state(review) == "reporting"


def test_a_report_is_not_issued_before_the_visit_is_over(client, login, ready):
    review, lead, coordinator = ready(20, state="reporting")
    login(coordinator)
    res = client.post(f"/reviews/{review.id}/report/issue", follow_redirects=True)
    text = res.get_data(as_text=True)
    assert res.status_code == 200
    assert f"the report can be issued from {full_day(review.visit_end + timedelta(days=1))}" in text
    assert _state(review) == "reporting"
