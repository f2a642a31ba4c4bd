"""From recommendation to action to result: one record of progress, baselines from the review,
recommendations of any theme, mentors' proposals, mentoring e-mails, implementation figures."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from peerreview.deadlines.models import HeldMessage, NotificationPreference
from peerreview.extensions import db
from peerreview.mentoring.models import NeedsAssessment
from peerreview.mentoring.plan_models import MentoringAction
from peerreview.reports.models import (
    Finding,
    Recommendation,
    RecommendationUpdate,
    Report,
    ReportVersion,
)
from tests.mentoring_helpers import baseline, mw  # noqa: F401  (mw is a fixture)


def _issued(make_review, host, bench, *, ratings=(), recs=(), days_ago=60, state="issued"):
    """An issued review of ``host`` on ``bench``: team ratings per key factor, coded recommendations
    ((key factor index, action, response, progress, done after N days) each)."""
    today = datetime.now().date()
    review = make_review(state, host=host, benchmark=bench, visit_start=today - timedelta(days=days_ago + 35))
    kfs = list(bench.key_factors)
    issued_on = today - timedelta(days=days_ago)
    report = Report(review=review, state="issued")
    report.findings = [Finding(key_factor=kf, rating=r) for kf, r in zip(kfs, ratings, strict=False)]
    out = []
    for n, (i, action, response, progress, done_after) in enumerate(recs, 1):
        out.append(Recommendation(
            report=report, key_factor=kfs[i], action=action, owner="A department", priority="high",
            timeframe_months=6, position=n, number=n, issued_on=issued_on, response=response,
            progress=progress, done_on=issued_on + timedelta(days=done_after) if done_after else None))
    db.session.add_all([report, *out, ReportVersion(report=report, number=1, sha256="0" * 64, size=1, pages=1,
                                                    issued_at=datetime.combine(issued_on, time(11)))])
    db.session.commit()
    return review, out


def _page(res) -> str:
    return res.get_data(as_text=True)


def test_an_action_from_a_recommendation_carries_its_follow_up(client, login, mw, make_review):
    review, (r1, r2) = _issued(make_review, mw.riga_city, mw.bench, ratings=("1", "1", "2", "0"), recs=[
        (0, "Publish waiting times.", None, None, None), (1, "Call learners who miss two lessons.", None, None, None)])
    login(mw.mentee)
    base = f"/mentoring/{mw.riga.id}"
    res = client.post(f"{base}/actions/new", data={
        "key_factor_id": mw.kfs[1].id, "description": "Call learners who miss two lessons.",
        "owner": "Language schools", "deadline": (mw.today + timedelta(days=90)).isoformat(),
        "recommendation_id": str(r2.id)})
    assert res.status_code == 302
    action = db.session.scalar(select(MentoringAction))
    # taking it into the plan accepts the recommendation: nobody types that again
    assert (r2.response, r2.progress) == ("accepted", "not_started")
    note = db.session.scalar(select(RecommendationUpdate.note).where(RecommendationUpdate.kind == "response"))
    assert "A1 of the mentoring action plan" in note

    # the host city's follow-up page shows the action; progress is not typed there a second time
    login(mw.riga_member)
    follow = f"/reviews/{review.id}/report/follow-up"
    page = _page(client.get(follow))
    assert "Action A1 of Riga mentored by Vienna" in page and "Planned" in page
    assert "Progress follows action A1 of the mentoring plan" in page
    res = client.post(f"/reviews/{review.id}/report/recommendations/{r2.id}/progress",
                      data={f"p{r2.id}-progress": "done", f"p{r2.id}-note": "All called."})
    assert res.status_code == 400 and "comes from the mentoring action that works on it" in _page(res)
    res = client.post(f"/reviews/{review.id}/report/recommendations/{r2.id}/response",
                      data={f"r{r2.id}-response": "not_accepted", f"r{r2.id}-reason": "Changed our mind."})
    assert res.status_code == 400 and "Drop those actions first" in _page(res)

    # the mentee updates the action: the recommendation's follow-up moves with it
    login(mw.mentee)
    started = mw.today - timedelta(days=3)
    client.post(f"{base}/actions/{action.id}/updates", data={
        "on_date": started.isoformat(), "status": "in_progress", "note": "Two schools call now."})
    assert (r2.progress, r2.progress_on) == ("in_progress", started)
    client.post(f"{base}/actions/{action.id}/updates", data={
        "on_date": mw.today.isoformat(), "status": "done", "note": "All four schools call."})
    assert (r2.progress, r2.done_on) == ("done", mw.today)
    page = _page(client.get(follow.replace("/follow-up", "") + "/follow-up"))
    assert "Follows A1 of the mentoring action plan" in page and f'href="/mentoring/{mw.riga.id}/actions/{action.id}"' in page
    # the other recommendation is still the host's to report on
    assert r1.response is None and r1.progress is None


def test_recommendations_of_any_theme_are_offered_with_their_key_factor(client, login, mw, make_review,
                                                                        make_benchmark):
    other = make_benchmark("Anti-discrimination", key_factors=3)
    _issued(make_review, mw.riga_city, other, recs=[(1, "Train the front-office staff.", None, None, None)])
    login(mw.mentee)
    base = f"/mentoring/{mw.riga.id}"
    page = _page(client.get(f"{base}/actions/new"))
    assert f"Peer review of Riga ({other.theme.name})" in page and "Train the front-office staff." in page
    rec = db.session.scalar(select(Recommendation))
    page = _page(client.get(f"{base}/actions/new?recommendation={rec.id}"))
    assert "Key factor in the review: <span class=\"kf-code\">KF2</span> Key factor 2" in page
    assert "The review was on another theme" in page
    select_ = page[page.index('name="key_factor_id"'):]
    select_ = select_[:select_.index("</select>")]
    assert "selected" not in select_   # the person chooses the scheme's key factor


def test_mentors_propose_actions_and_the_city_decides(client, login, mw, outbox):
    base = f"/mentoring/{mw.riga.id}"
    login(mw.mentor)
    assert client.get(f"{base}/actions/propose").status_code == 200
    res = client.post(f"{base}/actions/propose", data={
        "key_factor_id": mw.kfs[0].id, "description": "Book the first talk at registration, as Vienna does.",
        "owner": "Residents' office", "deadline": (mw.today + timedelta(days=120)).isoformat()})
    assert res.status_code == 302
    action = db.session.scalar(select(MentoringAction))
    assert action.status == "proposed" and action.proposed_by_id == mw.mentor.id
    [mail] = outbox()
    assert mail["To"] == mw.mentee.email and "A mentor proposes action A1" in mail["Subject"]
    # a proposal is not part of the plan: no version of the plan can be saved from it
    login(mw.mentee)
    page = _page(client.get(f"{base}/plan"))
    assert "Proposed by the mentors" in page
    res = client.post(f"{base}/plan/versions", data={"note": "v1"}, follow_redirects=True)
    assert "The plan has no actions yet" in _page(res)
    # declining needs a reason; accepting makes it a planned action, and the mentor hears of it
    res = client.post(f"{base}/actions/{action.id}/decision", data={"decision": "decline", "reason": ""})
    assert res.status_code == 400 and "Say why the proposal is declined" in _page(res)
    res = client.post(f"{base}/actions/{action.id}/decision", data={"decision": "accept"})
    assert res.status_code == 302 and action.status == "planned"
    assert action.updates[-1].from_status == "proposed" and action.updates[-1].to_status == "planned"
    assert any(m["To"] == mw.mentor.email and "accepted" in m["Subject"] for m in outbox())
    res = client.post(f"{base}/actions/{action.id}/decision", data={"decision": "accept"}, follow_redirects=True)
    assert "is not a proposal waiting for an answer" in _page(res)


def test_mentoring_events_reach_the_people_as_they_chose(client, login, mw, outbox, runner):
    base = f"/mentoring/{mw.riga.id}"
    login(mw.mentor)
    day = mw.today + timedelta(days=30)
    res = client.post(f"{base}/visits/new", data={"kind": "mentoring", "starts_on": day.isoformat(),
                                                  "ends_on": day.isoformat(), "location": "Riga City Council",
                                                  "participants": [mw.mentor.id, mw.mentee.id]})
    assert res.status_code == 302
    [mail] = outbox()
    assert mail["To"] == mw.mentee.email and str(mail["Subject"]).strip().startswith("Visit planned: mentoring visit")
    # the mentee wants mentoring updates weekly: the progress review waits for the digest
    db.session.add(NotificationPreference(user_id=mw.mentee.id, kind="mentoring.updates", mode="weekly"))
    db.session.commit()
    baseline(mw)
    res = client.post(f"{base}/progress/new", data={"held_on": mw.today.isoformat(),
                                                    f"rating_{mw.kfs[0].id}": "2", "summary": "Moving."})
    assert res.status_code == 302 and len(outbox()) == 1
    held = db.session.scalars(select(HeldMessage).where(HeldMessage.user_id == mw.mentee.id)).one()
    assert held.kind == "mentoring.updates" and "Progress review" in held.subject

    # an action past its deadline: the mentees are reminded, the mentors told once
    login(mw.mentee)
    client.post(f"{base}/actions/new", data={"key_factor_id": mw.kfs[0].id, "description": "Open a desk.",
                                             "owner": "Welfare", "deadline": (mw.today - timedelta(days=1)).isoformat()})
    result = runner.invoke(args=["reminders", "send", "--today", mw.today.isoformat()])
    assert result.exit_code == 0, result.output
    to_mentor = [m for m in outbox() if m["To"] == mw.mentor.email and str(m["Subject"]).strip().startswith("Overdue")]
    assert len(to_mentor) == 1 and "Follow up with Riga: Action A1" in to_mentor[0]["Subject"]
    runner.invoke(args=["reminders", "send", "--today", mw.today.isoformat()])
    assert len([m for m in outbox() if m["To"] == mw.mentor.email and str(m["Subject"]).strip().startswith("Overdue")]) == 1


def test_a_mentorship_starts_from_the_reviews_team_ratings(client, login, mw, make_review):
    from peerreview.mentoring import services

    review, _ = _issued(make_review, mw.outsider.city, mw.bench, ratings=("2", "1", "ne", "0"), recs=[
        (0, "Publish waiting times.", "accepted", "not_started", None)])
    services.update_scheme(mw.scheme, values={"name": mw.scheme.name, "starts_on": mw.scheme.starts_on,
                                              "ends_on": mw.scheme.ends_on, "description": ""},
                           mentor_city_ids=[mw.vienna.id],
                           implementing_city_ids=[mw.riga_city.id, mw.athens_city.id, mw.outsider.city_id],
                           actor=mw.coordinator)
    m = services.create_mentorship(mw.scheme, implementing_city_id=mw.outsider.city_id, people=services.People(
        [mw.vienna.id], [mw.mentor.id], [mw.outsider.id]), actor=mw.coordinator)
    db.session.commit()
    needs = m.needs
    assert needs.source_review_id == review.id
    assert [(e.rating, e.from_review) for e in needs.entries] == [("2", True), ("1", True), ("ne", True), ("0", True)]
    login(mw.outsider)
    page = _page(client.get(f"/mentoring/{m.id}/needs"))
    assert "This baseline started from the team's ratings in the" in page and "from the review" in page
    # the city changes one rating: the review's rating stays shown next to it
    data = {"version": str(needs.version), "goals": "Reach people early.",
            "assessed_on": needs.assessed_on.isoformat()}
    data.update({f"rating_{kf.id}": r for kf, r in zip(mw.kfs, ("2", "2", "ne", "0"), strict=True)})
    assert client.post(f"/mentoring/{m.id}/needs", data=data).status_code == 302
    db.session.refresh(needs)
    assert [e.from_review for e in needs.entries] == [True, False, True, True]


def test_an_older_mentorship_without_baseline_is_offered_the_reviews_ratings(client, login, mw, make_review):
    review, _ = _issued(make_review, mw.athens_city, mw.bench, ratings=("1", "0", "1", "2"), recs=[
        (0, "Map where newcomers are reached.", "accepted", "not_started", None)])
    login(mw.mentee_athens)
    url = f"/mentoring/{mw.athens.id}/needs"
    page = _page(client.get(url))
    assert "The form starts from the team's ratings" in page
    assert f'name="from_review" value="{review.id}"' in page
    data = {"from_review": str(review.id), "goals": "", "assessed_on": mw.today.isoformat()}
    data.update({f"rating_{kf.id}": r for kf, r in zip(mw.kfs, ("1", "0", "1", "3"), strict=True)})
    assert client.post(url, data=data).status_code == 302
    needs = db.session.scalar(select(NeedsAssessment).where(NeedsAssessment.mentorship_id == mw.athens.id))
    assert needs.source_review_id == review.id
    assert [e.from_review for e in needs.entries] == [True, True, True, False]


def test_implementation_figures_for_the_network_and_for_a_city(client, login, mw, make_review, make_benchmark):
    from peerreview.mentoring.models import ProgressRating, ProgressReview
    from peerreview.reports import figures

    _issued(make_review, mw.riga_city, mw.bench, ratings=("1", "1", "2", "0"), days_ago=400, recs=[
        (0, "Publish waiting times.", "accepted", "done", 100),
        (1, "Call learners.", "partly", "in_progress", None),
        (2, "Open a funded track.", "not_accepted", None, None),
        (3, "Follow learners.", None, None, None)])
    other = make_benchmark("Anti-discrimination", key_factors=3)
    _issued(make_review, mw.athens_city, other, ratings=("1", "1", "1"), days_ago=10, recs=[
        (0, "Train the staff.", "accepted", "not_started", None)])
    # Riga's latest progress review rates KF1 3 (the review team said 1)
    baseline(mw, days_ago=300)
    pr = ProgressReview(mentorship=mw.riga, held_on=mw.today - timedelta(days=5), summary="")
    pr.ratings = [ProgressRating(key_factor=mw.kfs[0], rating="3")]
    db.session.add(pr)
    db.session.commit()

    impl = figures.implementation()
    n = impl.network
    assert n.total == 5 and n.responses == {"accepted": 2, "partly": 1, "not_accepted": 1, "none": 1}
    assert n.progress == {"not_started": 1, "in_progress": 1, "done": 1}
    assert n.within == {6: [1, 2], 12: [1, 2], 24: [0, 0]} and n.share(24) is None
    [move] = impl.moves
    assert (move.city, move.code, move.review_rating, move.latest, move.delta) == ("Riga", "KF1", "1", "3", 2)

    login(mw.coordinator)
    page = _page(client.get("/follow-up/"))
    assert "Implementation across the network" in page and 'class="impl-chart"' in page
    assert "50% (1 of 2)" in page and "<caption" in page
    csv = _page(client.get("/follow-up/figures.csv"))
    assert "Network,,,5,2,1,1,1,1,1,1,1,2,1,2,0,0" in csv
    assert "Rating of a key factor,Riga," in csv and ",KF1,1,3," in csv and csv.rstrip().endswith("+2")

    # a city's page shows its own figures to its people, and nothing to others
    login(mw.riga_member)
    page = _page(client.get(f"/cities/{mw.riga_city.id}"))
    assert "What Riga did with its recommendations" in page and "Courses" not in page
    assert "Train the staff" not in page and ">4<" in page
    assert client.get(f"/follow-up/cities/{mw.riga_city.id}/figures.csv").status_code == 200
    login(mw.mentee_athens)
    page = _page(client.get(f"/cities/{mw.riga_city.id}"))
    assert "What Riga did" not in page
    assert client.get(f"/follow-up/cities/{mw.riga_city.id}/figures.csv").status_code == 403


def test_greek_is_called_greek():
    from peerreview.forms_common import language_choices, language_name

    assert language_name("el") == "Greek" and language_name("nl") == "Dutch"
    assert all("(" not in name for _, name in language_choices())
