"""Follow-up after issue: responses, progress, the coordinator's overview, closing the review,
and the stable reading of a recommendation for other features."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from peerreview.extensions import db
from peerreview.reports import followup
from peerreview.reports.models import Recommendation, RecommendationUpdate, Report, ReportVersion
from tests.reports_helpers import complete, rw  # noqa: F401  (rw is a fixture)


def _issue_without_rendering(rw):
    """The follow-up does not depend on the PDF: record an issued version directly."""
    from peerreview.reports import issuing

    complete(rw)
    report = db.session.scalars(select(Report)).one()
    digest = issuing.write_once(b"%PDF-1.4\n% follow-up test\n%%EOF\n")
    db.session.add(ReportVersion(report=report, number=1, sha256=digest, size=30, pages=1))
    report.state = "issued"
    rw.review.state = "issued"
    db.session.commit()
    return db.session.scalars(select(Recommendation).order_by(Recommendation.id)).all()


def test_host_responds_then_reports_progress(client, login, rw):
    recs = _issue_without_rendering(rw)
    first, second = recs
    base = f"{rw.base}/recommendations"
    login(rw.peer)
    assert client.post(f"{base}/{first.id}/response", data={f"r{first.id}-response": "accepted"}).status_code == 403
    page = client.get(f"{rw.base}/follow-up").get_data(as_text=True)
    assert "Book the intake at registration." in page and "Respond" not in page

    login(rw.member)
    # progress needs a response first
    res = client.post(f"{base}/{first.id}/progress",
                      data={f"p{first.id}-progress": "in_progress", f"p{first.id}-note": "Started."})
    assert res.status_code == 400 and "Record the city&#39;s response" in res.get_data(as_text=True)
    # "not accepted" needs a reason, shown next to the field
    res = client.post(f"{base}/{second.id}/response", data={f"r{second.id}-response": "not_accepted"})
    assert res.status_code == 400
    html = res.get_data(as_text=True)
    assert f'id="r{second.id}-reason-error"' in html and "Give the reason" in html
    assert client.post(f"{base}/{second.id}/response", data={
        f"r{second.id}-response": "not_accepted",
        f"r{second.id}-reason": "Evening classes are the region's task."}).status_code == 302
    res = client.post(f"{base}/{second.id}/progress",
                      data={f"p{second.id}-progress": "done", f"p{second.id}-note": "x"})
    assert res.status_code == 400 and "did not accept" in res.get_data(as_text=True)

    assert client.post(f"{base}/{first.id}/response", data={f"r{first.id}-response": "accepted"}).status_code == 302
    future = (date.today() + timedelta(days=3)).isoformat()
    res = client.post(f"{base}/{first.id}/progress", data={
        f"p{first.id}-progress": "in_progress", f"p{first.id}-note": "Pilot at two desks.",
        f"p{first.id}-on_date": future})
    assert res.status_code == 400 and "cannot be in the future" in res.get_data(as_text=True)
    assert client.post(f"{base}/{first.id}/progress", data={
        f"p{first.id}-progress": "done", f"p{first.id}-note": "Every desk books intakes now."}).status_code == 302
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.response, first.progress, first.progress_on) == ("accepted", "done", date.today())
    assert (second.response, second.progress) == ("not_accepted", None)
    kinds = [u.kind for u in db.session.scalars(select(RecommendationUpdate).order_by(RecommendationUpdate.id))]
    assert kinds == ["response", "response", "progress"]
    page = client.get(f"{rw.base}/follow-up").get_data(as_text=True)
    assert "Every desk books intakes now." in page and "Evening classes are the region" in page

    # the coordinator's page across all reviews
    login(rw.coordinator)
    page = client.get("/follow-up/").get_data(as_text=True)
    assert "Ghent" in page and "Accepted 1" in page and "Not accepted 1" in page and "Done 1" in page
    login(rw.contact)
    assert client.get("/follow-up/").status_code == 403


def test_close_needs_a_response_to_every_recommendation(client, login, rw):
    first, second = _issue_without_rendering(rw)
    login(rw.contact)
    assert client.post(f"/reviews/{rw.review.id}/step/follow_up", data={}).status_code == 302
    db.session.refresh(rw.review)
    assert rw.review.state == "follow_up"
    login(rw.coordinator)
    page = client.get(f"/reviews/{rw.review.id}").get_data(as_text=True)
    assert "the host city has not responded to 2 recommendations" in page
    client.post(f"/reviews/{rw.review.id}/step/close", data={})
    db.session.refresh(rw.review)
    assert rw.review.state == "follow_up"
    for rec in (first, second):
        followup.respond(rec, response="partly", reason="Budget is short.", actor=rw.contact)
    db.session.commit()
    client.post(f"/reviews/{rw.review.id}/step/close", data={})
    db.session.refresh(rw.review)
    assert rw.review.state == "closed"
    # closed: nothing more is recorded, the follow-up stays readable
    login(rw.contact)
    assert client.get(f"{rw.base}/follow-up").status_code == 200
    assert client.post(f"{rw.base}/recommendations/{first.id}/response",
                       data={f"r{first.id}-response": "accepted"}).status_code == 403


def test_a_recommendation_reads_as_a_goal_for_other_features(rw):
    first, _ = _issue_without_rendering(rw)
    goal = followup.as_goal(first.id)
    assert goal.recommendation_id == first.id and goal.review_id == rw.review.id
    assert goal.host_city_id == rw.review.host_city_id and goal.key_factor_code == "KF1"
    assert (goal.action, goal.priority, goal.timeframe_months) == ("Book the intake at registration.", "high", 6)
    assert followup.as_goal(987654) is None
