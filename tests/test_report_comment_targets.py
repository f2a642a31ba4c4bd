"""Factual-check comments attach to one finding or one recommendation, not to "the
recommendations" as a whole; the team sees where each one belongs."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from peerreview.extensions import db
from peerreview.reports.models import Recommendation, ReportComment
from tests.reports_helpers import complete, rw  # noqa: F401  (fixture)


def _start_check(client, login, rw):  # noqa: F811
    complete(rw)
    login(rw.coordinator)
    deadline = date.today() + timedelta(days=10)
    assert client.post(f"{rw.base}/factual-check", data={"deadline": deadline.isoformat()}).status_code == 302


def test_the_host_comments_on_one_recommendation_and_one_finding(client, login, rw, outbox):  # noqa: F811
    _start_check(client, login, rw)
    recs = db.session.scalars(select(Recommendation).order_by(Recommendation.position, Recommendation.id)).all()
    second = recs[1]
    login(rw.member)
    page = client.get(rw.base).get_data(as_text=True)
    # the places come in groups: texts, findings one by one, recommendations one by one
    assert '<optgroup label="Recommendations, one by one">' in page
    assert f'value="rec:{second.id}"' in page and f'value="kf:{rw.kfs[0].id}"' in page
    assert 'value="recommendations"' not in page
    res = client.post(f"{rw.base}/comments", data={"place": f"rec:{second.id}",
                                                   "body": "The department was renamed in 2025."})
    assert res.status_code == 302
    client.post(f"{rw.base}/comments", data={"place": f"kf:{rw.kfs[0].id}",
                                             "body": "We offer courses in nine districts, not two."})
    by_rec, by_finding = db.session.scalars(select(ReportComment).order_by(ReportComment.id)).all()
    assert (by_rec.recommendation_id, by_rec.finding_id) == (second.id, None)
    assert by_finding.finding_id is not None and by_finding.recommendation_id is None
    assert by_finding.section == f"kf:{rw.kfs[0].id}"
    # the team is told which recommendation
    mail = [m for m in outbox() if "commented on the draft report" in m["Subject"]][0]
    assert "R2" in mail.get_content()

    login(rw.lead)
    page = client.get(rw.base).get_data(as_text=True)
    assert "The department was renamed in 2025." in page
    assert "<em>R2 " in page  # the comment names its recommendation
    # a comment link on each recommendation preselects it in the team's comment form
    form = client.get(f"{rw.base}?place=rec:{second.id}").get_data(as_text=True)
    assert f'<option selected value="rec:{second.id}">' in form


def test_a_place_that_is_not_in_this_report_is_refused(client, login, rw):  # noqa: F811
    _start_check(client, login, rw)
    login(rw.member)
    res = client.post(f"{rw.base}/comments", data={"place": "rec:999999", "body": "Hm."}, follow_redirects=True)
    assert "Choose the part of the report you comment on." in res.get_data(as_text=True)
    res = client.post(f"{rw.base}/comments", data={"place": "recommendations", "body": "Hm."},
                      follow_redirects=True)
    assert "Choose the part of the report you comment on." in res.get_data(as_text=True)
    assert db.session.scalars(select(ReportComment)).all() == []
