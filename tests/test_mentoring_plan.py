"""The implementing city keeps its action plan: actions, dated updates with status changes,
versions and the administration's endorsement; actions imported from a peer review's
recommendations link back to them."""

from __future__ import annotations

import html
from datetime import timedelta

from sqlalchemy import func, select

from peerreview.audit.models import AuditEntry
from peerreview.extensions import db
from peerreview.mentoring.plan_models import (
    ActionUpdate,
    MentoringAction,
    PlanEndorsement,
    PlanVersion,
)
from tests.mentoring_helpers import mw  # noqa: F401  (fixture)


def _action(mw, **extra):
    data = {"key_factor_id": mw.kfs[1].id, "description": "Open two evening groups with childcare.",
            "owner": "Education department", "deadline": (mw.today + timedelta(days=60)).isoformat(),
            "resources": "Two teachers", "indicator": "Both groups full after three months"}
    data.update(extra)
    return data


def _page(res) -> str:
    return html.unescape(res.get_data(as_text=True))


def test_implementing_city_maintains_its_action_plan(client, login, mw):
    login(mw.mentee)
    base = f"/mentoring/{mw.riga.id}"
    assert client.post(f"{base}/actions/new", data=_action(mw)).status_code == 302
    assert client.post(f"{base}/actions/new", data=_action(mw, description="Welcome letter in four languages.",
                                                          key_factor_id=mw.kfs[0].id)).status_code == 302
    a1, a2 = db.session.scalars(select(MentoringAction).order_by(MentoringAction.number)).all()
    assert (a1.code, a2.code, a1.status) == ("A1", "A2", "planned")

    # version 1, then its endorsement by the administration (recorded by a mentee)
    assert client.post(f"{base}/plan/versions", data={"note": "For the council"}).status_code == 302
    v1 = db.session.scalar(select(PlanVersion))
    assert v1.number == 1 and [a["code"] for a in v1.snapshot] == ["A1", "A2"]
    res = client.post(f"{base}/plan/versions", data={}, follow_redirects=True)
    assert "The plan has not changed since version 1." in _page(res)
    assert db.session.scalar(select(func.count(PlanVersion.id))) == 1
    res = client.post(f"{base}/plan/versions/1/endorse", data={
        "endorsed_by": "Marta Ozola, Deputy Mayor", "body": "City Council", "endorsed_on": mw.today.isoformat()})
    assert res.status_code == 302
    e = db.session.scalar(select(PlanEndorsement))
    assert (e.endorsed_by, e.recorded_by_id, e.version.number) == ("Marta Ozola, Deputy Mayor", mw.mentee.id, 1)

    # updates over time, with status changes; done stamps the day
    upd = f"{base}/actions/{a1.id}/updates"
    assert client.post(upd, data={"on_date": (mw.today - timedelta(days=20)).isoformat(),
                                  "status": "in_progress", "note": "Teachers found."}).status_code == 302
    assert client.post(upd, data={"on_date": mw.today.isoformat(), "status": "",
                                  "note": "First group opened."}).status_code == 302
    assert client.post(upd, data={"on_date": mw.today.isoformat(), "status": "done", "note": ""}).status_code == 302
    a1 = db.session.get(MentoringAction, a1.id)
    assert a1.status == "done" and a1.done_on == mw.today
    assert [(u.from_status, u.to_status) for u in a1.updates] == [
        ("planned", "in_progress"), (None, None), ("in_progress", "done")]
    page = _page(client.get(f"{base}/actions/{a1.id}"))
    assert "First group opened." in page and "In progress → Done" in page

    # dropping needs a reason: a clear message next to the field, nothing changes
    res = client.post(f"{base}/actions/{a2.id}/updates", data={"status": "dropped", "note": "No budget."})
    page = _page(res)
    assert res.status_code == 400
    assert 'id="reason-error"' in page and "a dropped action needs a reason" in page
    assert db.session.get(MentoringAction, a2.id).status == "planned"
    assert db.session.scalar(select(func.count(ActionUpdate.id)).where(ActionUpdate.action_id == a2.id)) == 0
    res = client.post(f"{base}/actions/{a2.id}/updates", data={
        "status": "dropped", "note": "", "reason": "The council cut the translation budget."})
    assert res.status_code == 302
    a2 = db.session.get(MentoringAction, a2.id)
    assert a2.status == "dropped" and a2.drop_reason == "The council cut the translation budget."
    assert "Reason for dropping: The council cut" in a2.updates[-1].note

    # an edit, then version 2; the plan page shows both versions and the endorsement
    res = client.post(f"{base}/actions/{a1.id}/edit", data=_action(mw, owner="Education and Sports",
                                                                  version=str(a1.version)))
    assert res.status_code == 302 and db.session.get(MentoringAction, a1.id).owner == "Education and Sports"
    assert client.post(f"{base}/plan/versions", data={"note": "After the summer"}).status_code == 302
    v2 = db.session.scalar(select(PlanVersion).where(PlanVersion.number == 2))
    assert [a["status"] for a in v2.snapshot] == ["done", "dropped"]
    page = _page(client.get(f"{base}/plan"))
    assert "Version 2" in page and "Version 1" in page and "Endorsed" in page and "not endorsed" in page
    assert "Marta Ozola, Deputy Mayor" in page
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"mentoring.action_create", "mentoring.action_update", "mentoring.action_edit",
            "mentoring.plan_version", "mentoring.plan_endorse"} <= actions


def test_mentors_follow_the_plan_but_do_not_change_it(client, login, mw):
    from peerreview.mentoring import plan

    action = plan.add_action(mw.riga, plan.ActionInput(mw.kfs[0].id, "Do it.", "Integration unit",
                                                       mw.today + timedelta(days=5)), actor=mw.mentee)
    plan.save_version(mw.riga, note="", actor=mw.mentee)
    db.session.commit()
    login(mw.mentor)
    base = f"/mentoring/{mw.riga.id}"
    page = _page(client.get(f"{base}/plan"))
    assert "Do it." in page and "Add an action" not in page and "Record the endorsement" not in page
    assert client.post(f"{base}/actions/new", data=_action(mw)).status_code == 403
    assert client.post(f"{base}/actions/{action.id}/updates", data={"note": "x"}).status_code == 403
    assert client.post(f"{base}/plan/versions/1/endorse", data={
        "endorsed_by": "Someone", "endorsed_on": mw.today.isoformat()}).status_code == 403
    # ...and see what needs attention: due within 14 days and not done
    page = _page(client.get(base))
    assert "at risk" in page and "Do it." in page


def test_a_concurrent_edit_shows_both_texts_and_saves_nothing(client, login, mw):
    from peerreview.mentoring import plan

    action = plan.add_action(mw.riga, plan.ActionInput(mw.kfs[0].id, "Original text.", "Integration unit",
                                                       mw.today + timedelta(days=30)), actor=mw.mentee)
    db.session.commit()
    old_version = action.version
    plan.update_action(action, plan.ActionInput(mw.kfs[0].id, "Their text.", "Integration unit",
                                                mw.today + timedelta(days=30)), version=None, actor=mw.coordinator)
    db.session.commit()
    login(mw.mentee)
    res = client.post(f"/mentoring/{mw.riga.id}/actions/{action.id}/edit",
                      data=_action(mw, description="My text.", version=str(old_version)))
    page = _page(res)
    assert res.status_code == 409
    assert "Someone else saved this action" in page and "Their text." in page and "My text." in page
    assert db.session.get(MentoringAction, action.id).description == "Their text."


def test_actions_can_come_from_the_review_recommendations(client, login, mw, make_review):
    from peerreview.reports.models import Recommendation, Report

    review = make_review("issued", host=mw.riga_city, benchmark=mw.bench)
    report = Report(review=review, state="issued")
    recs = [Recommendation(report=report, key_factor=mw.kfs[i], action=text, owner=owner, priority="high",
                           timeframe_months=6, position=i, number=i + 1, issued_on=mw.today)
            for i, (text, owner) in enumerate([("Publish waiting times.", "Integration unit"),
                                               ("Call learners who miss two lessons.", "Language schools")])]
    db.session.add_all([report, *recs])
    db.session.commit()
    login(mw.mentee)
    base = f"/mentoring/{mw.riga.id}"
    page = _page(client.get(f"{base}/actions/new"))
    assert "Import from a peer review's recommendations" in page
    assert "Call learners who miss two lessons." in page
    page = _page(client.get(f"{base}/actions/new?recommendation={recs[1].id}"))
    assert f"From: Peer review of Riga ({mw.bench.theme.name}), R2" in page
    assert 'value="Language schools"' in page and f'name="recommendation_id" type="hidden" value="{recs[1].id}"' in page
    res = client.post(f"{base}/actions/new", data={
        "key_factor_id": mw.kfs[1].id, "description": "Call learners who miss two lessons.",
        "owner": "Language schools", "deadline": (mw.today + timedelta(days=180)).isoformat(),
        "recommendation_id": str(recs[1].id)})
    assert res.status_code == 302
    action = db.session.scalar(select(MentoringAction))
    assert action.recommendation_id == recs[1].id
    page = _page(client.get(f"{base}/actions/{action.id}"))
    assert f"Peer review of Riga ({mw.bench.theme.name}), R2" in page and f"/reviews/{review.id}" in page
    # a recommendation of another city's review cannot be attached
    res = client.post(f"{base}/actions/new", data=_action(mw, recommendation_id="999999"))
    assert res.status_code == 400 and "Choose a recommendation of an issued peer review" in _page(res)
