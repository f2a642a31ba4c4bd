"""Bad input gets a clear message next to its field and changes nothing."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from peerreview import formatting
from peerreview.extensions import db
from peerreview.mentoring.models import NeedsAssessment, ProgressReview
from peerreview.mentoring.plan_models import MentoringAction
from tests.mentoring_helpers import baseline, mw  # noqa: F401  (fixture)


def _page(res) -> str:
    return html.unescape(res.get_data(as_text=True))


def _error(page: str, field: str) -> str:
    """The text of the error paragraph of ``field``."""
    marker = f'<p class="error" id="{field}-error">'
    assert marker in page, f"no error next to {field}"
    return page.split(marker, 1)[1].split("</p>", 1)[0]


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def _action(mw, **extra):
    data = {"key_factor_id": mw.kfs[0].id, "description": "Open evening groups.", "owner": "Education",
            "deadline": (mw.today + timedelta(days=30)).isoformat()}
    data.update(extra)
    return data


def test_a_deadline_before_the_scheme_starts(client, login, mw):
    login(mw.mentee)
    early = mw.scheme.starts_on - timedelta(days=1)
    res = client.post(f"/mentoring/{mw.riga.id}/actions/new", data=_action(mw, deadline=early.isoformat()))
    assert res.status_code == 400
    start = formatting.day(mw.scheme.starts_on)
    assert _error(_page(res), "deadline") == f"The deadline is before the scheme starts ({start}). Choose {start} or later."
    assert 'aria-invalid="true"' in _page(res)
    assert _count(MentoringAction) == 0


def test_an_action_without_an_owner(client, login, mw):
    login(mw.mentee)
    res = client.post(f"/mentoring/{mw.riga.id}/actions/new", data=_action(mw, owner="   ", description=""))
    page = _page(res)
    assert res.status_code == 400
    assert _error(page, "owner") == "Name who owns this action: a department, a team or a person."
    assert _error(page, "description") == "Say what will be done."
    assert _count(MentoringAction) == 0


def test_an_edit_that_removes_the_owner_changes_nothing(client, login, mw):
    from peerreview.mentoring import plan

    action = plan.add_action(mw.riga, plan.ActionInput(mw.kfs[0].id, "Do it.", "Integration unit",
                                                       mw.today + timedelta(days=5)), actor=mw.mentee)
    db.session.commit()
    login(mw.mentee)
    res = client.post(f"/mentoring/{mw.riga.id}/actions/{action.id}/edit",
                      data=_action(mw, owner="", description="Changed.", version=str(action.version)))
    assert res.status_code == 400 and _error(_page(res), "owner").startswith("Name who owns")
    action = db.session.get(MentoringAction, action.id)
    assert (action.description, action.owner) == ("Do it.", "Integration unit")


@pytest.mark.parametrize("bad", ["7", "-1", "1.5", "yes", "ne ne"])
def test_a_rating_outside_the_scale_in_the_needs_assessment(client, login, mw, bad):
    login(mw.mentee)
    kf1, kf2 = mw.kfs[:2]
    res = client.post(f"/mentoring/{mw.riga.id}/needs", data={
        "goals": "New goals.", f"rating_{kf1.id}": bad, f"rating_{kf2.id}": "2",
        f"narrative_{kf2.id}": "Fine."})
    page = _page(res)
    assert res.status_code == 400
    message = _error(page, f"rating_{kf1.id}")
    assert f"{bad!r} is not a rating." in message and "0 (Not in place)" in message and "ne (Not enough evidence)" in message
    assert f'id="rating_{kf1.id}" name="rating_{kf1.id}" aria-invalid="true"' in page
    assert "Nothing was saved." in page
    assert _count(NeedsAssessment) == 0


def test_a_rating_outside_the_scale_in_a_progress_review(client, login, mw):
    baseline(mw)
    login(mw.mentor)
    kf1, kf2 = mw.kfs[:2]
    res = client.post(f"/mentoring/{mw.riga.id}/progress/new", data={
        "held_on": mw.today.isoformat(), f"rating_{kf1.id}": "4", f"rating_{kf2.id}": "2"})
    assert res.status_code == 400
    assert "'4' is not a rating." in _error(_page(res), f"rating_{kf1.id}")
    assert _count(ProgressReview) == 0
    # the rejected value is shown back, marked as off the scale, the good one kept
    page = _page(res)
    assert '<option value="4" selected>4 (not on the scale)</option>' in page
    assert '<option value="2" selected>2 – Largely in place</option>' in page


def test_a_baseline_is_saved_and_a_stale_save_is_refused(client, login, mw):
    login(mw.mentee)
    kf1 = mw.kfs[0]
    res = client.post(f"/mentoring/{mw.riga.id}/needs", data={"goals": "Goals.", f"rating_{kf1.id}": "ne",
                                                             f"gap_{kf1.id}": "Know who comes."})
    assert res.status_code == 302
    needs = db.session.scalar(select(NeedsAssessment))
    assert needs.entry(kf1.id).rating == "ne" and needs.entry(kf1.id).gap == "Know who comes."
    stale = needs.version
    res = client.post(f"/mentoring/{mw.riga.id}/needs", data={"goals": "Other goals.", "version": str(stale),
                                                             f"rating_{kf1.id}": "1"})
    assert res.status_code == 302
    res = client.post(f"/mentoring/{mw.riga.id}/needs", data={"goals": "Mine.", "version": str(stale),
                                                             f"rating_{kf1.id}": "3"})
    assert res.status_code == 409 and "Someone else saved the needs assessment" in _page(res)
    assert db.session.scalar(select(NeedsAssessment)).goals == "Other goals."


def test_unreadable_dates_and_ids(client, login, mw):
    login(mw.mentee)
    res = client.post(f"/mentoring/{mw.riga.id}/actions/new", data=_action(mw, deadline="31/12/2026",
                                                                          key_factor_id="abc"))
    assert res.status_code == 400
    assert "Give a date as year-month-day" in _error(_page(res), "deadline")
    login(mw.coordinator)
    res = client.post(f"/mentoring/{mw.riga.id}/people", data={"mentors": ["x", str(mw.mentor.id)],
                                                              "mentor_cities": [str(mw.vienna.id)]})
    assert res.status_code in (302, 400)
    res = client.post("/mentoring/schemes/new", data={"name": "", "theme_id": str(mw.bench.theme_id),
                                                      "starts_on": "2027-05-01", "ends_on": "2027-01-01"})
    assert res.status_code == 400 and _error(_page(res), "name") == "Give the scheme a name."
    res = client.post("/mentoring/schemes/new", data={"name": "X", "theme_id": str(mw.bench.theme_id),
                                                      "starts_on": "2027-05-01", "ends_on": "2027-01-01"})
    assert _error(_page(res), "ends_on").startswith("The scheme must end after it starts")
    res = client.post("/mentoring/schemes/new", data={"name": "X", "theme_id": "x", "starts_on": "2027-05-01",
                                                      "ends_on": "2027-06-01"})
    assert res.status_code == 400 and 'id="theme_id-error"' in _page(res)
