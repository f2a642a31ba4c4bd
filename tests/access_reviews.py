"""Access-matrix rows for reviews, documents, the team page, the self-assessment, and every
workflow step of a review, role by role."""

from __future__ import annotations

import io
from datetime import date, time, timedelta

from tests.access import FORBIDDEN, OK, Route, roles

PDF = b"%PDF-1.4\n%%EOF\n"


def host_only(**extra):
    return roles(FORBIDDEN, host_member=OK, host_contact=OK, coordinator=OK, **extra)


def viewers(**extra):
    """Who sees a review: its host city, its team (accepted seats), the peers invited to it
    (to decide) and the coordinator."""
    return host_only(**{"peer_on_team": OK, "seat_invited": OK, **extra})


def step_takers(*names):
    """A workflow step: OK for ``names``; refused for everyone else logged in (with a 403 for
    those who cannot see the review, with a message for those who can)."""
    return roles(FORBIDDEN, **{n: OK for n in names})


def build_world(world, db_session):
    from peerreview.auth.models import User
    from peerreview.cities.models import City
    from peerreview.files.services import store_bytes
    from peerreview.framework.models import Benchmark, KeyFactor, Theme
    from peerreview.reviews.models import (
        EvidenceFile,
        Review,
        ReviewDocument,
        SelfAssessment,
        SelfAssessmentEntry,
        TeamMember,
    )

    theme = Theme(slug="access-theme", name="Access theme", description="")
    bench = Benchmark(theme=theme, version=1, status="published", standard="A standard.")
    kf = KeyFactor(benchmark=bench, code="KF1", title="First", position=1, charter_roles=["employer"])
    db_session.add_all([theme, bench, kf])
    start = date.today() + timedelta(days=60)

    def review(state):
        r = Review(host_city=world.host_city, benchmark=bench, state=state, working_languages=["en"],
                   preferred_start=start, preferred_end=start + timedelta(days=3))
        if state not in ("draft", "requested"):
            r.visit_start, r.visit_end = start, start + timedelta(days=3)
            r.self_assessment_due, r.programme_due = start - timedelta(28), start - timedelta(14)
            r.report_due = start + timedelta(days=33)
        db_session.add(r)
        return r

    draft, requested, accepted, preparing = (review(s) for s in ("draft", "requested", "accepted", "preparing"))
    db_session.flush()
    stored, name = store_bytes(PDF, "plan.pdf")
    doc = ReviewDocument(review=requested, title="Plan", file=stored, filename=name)
    sa = SelfAssessment(review=preparing, status="draft")
    entry = SelfAssessmentEntry(assessment=sa, key_factor=kf, rating="2", narrative="Largely there.",
                                evidence="")
    evidence = EvidenceFile(entry=entry, file=stored, filename=name)
    far = City(name="Faraway", country="PT", timezone="Europe/Lisbon", description="")
    seat_user = User(email="seat@example.org", name="Seat Holder", city=far, languages=["en"])
    seat = TeamMember(review=accepted, user=seat_user, role="peer", status="invited")
    db_session.add_all([doc, sa, entry, evidence, far, seat_user, seat])
    db_session.flush()
    world.objects.update(theme=theme, kf=kf, draft_review=draft, requested_review=requested,
                         accepted_review=accepted, preparing_review=preparing, doc=doc,
                         evidence=evidence, seat=seat, seat_user=seat_user)
    _step_reviews(world, db_session, bench, kf)


def _step_reviews(world, db_session, bench, kf):
    """One review for each workflow step, in the state the step starts from, with everything
    the step needs, so that the only question is who takes it."""
    from peerreview.reviews.models import (
        Review,
        SelfAssessment,
        SelfAssessmentEntry,
        TeamMember,
        VisitSession,
    )

    today = date.today()

    def review(state, start_in=30):
        start = today + timedelta(days=start_in)
        r = Review(host_city=world.host_city, benchmark=bench, state=state, working_languages=["en"],
                   preferred_start=start, preferred_end=start + timedelta(days=3),
                   visit_start=start, visit_end=start + timedelta(days=3), team_min=3,
                   self_assessment_due=start - timedelta(28), programme_due=start - timedelta(14),
                   report_due=start + timedelta(days=33))
        db_session.add(r)
        return r

    steps = {
        "decline": review("requested"),
        "form_team": review("accepted"),
        "prepare": review("team_forming"),
        "start_visit": review("preparing", start_in=0),
        "start_reporting": review("visit", start_in=-3),
        "follow_up": review("issued", start_in=-60),
        "close": review("follow_up", start_in=-200),
        "cancel": review("requested"),
        "cancel_later": review("preparing"),
    }
    ready = steps["start_visit"]
    sa = SelfAssessment(review=ready, status="submitted")
    sa.entries = [SelfAssessmentEntry(key_factor=kf, rating="2", narrative="Largely.", evidence="")]
    db_session.add_all([sa, VisitSession(review=ready, day=ready.visit_start, start_time=time(9),
                                         end_time=time(10), title="Opening", session_type="workshop")])
    # The team of "prepare" is complete: the world adds its accepted peer, lead and rapporteur
    # seats, and no open invitation.
    db_session.add(TeamMember(review=steps["prepare"], user=world.objects["seat_user"], role="peer",
                              status="declined"))
    db_session.flush()
    world.objects["step_reviews"] = steps
    world.objects.setdefault("no_pending_seats", set()).add(steps["prepare"].id)


def _step(name, review_key=None):
    return lambda w: f"/reviews/{w.step_reviews[review_key or name].id}/step/{name}"


_REASON = {"reason": "The city asked for it in writing."}


def _upload(w):
    return {"title": "New doc", "file": (io.BytesIO(PDF), "new.pdf")}


ROUTES = [
    Route("reviews.index", "GET", lambda w: "/reviews/", roles(OK)),
    Route("reviews.create", "GET", lambda w: "/reviews/new",
          roles(FORBIDDEN, other_city=OK, host_contact=OK)),
    Route("reviews.create", "POST", lambda w: "/reviews/new",
          roles(FORBIDDEN, other_city=OK, host_contact=OK),
          data=lambda w: {"theme_id": w.theme.id, "preferred_start": "2027-05-01",
                          "preferred_end": "2027-05-30", "working_languages": ["en"]}),
    Route("reviews.show", "GET", lambda w: f"/reviews/{w.requested_review.id}", viewers()),
    Route("reviews.show", "GET", lambda w: "/reviews/999999", roles(404)),
    Route("reviews.edit", "GET", lambda w: f"/reviews/{w.draft_review.id}/edit",
          roles(FORBIDDEN, host_contact=OK, coordinator=OK)),
    Route("reviews.edit", "POST", lambda w: f"/reviews/{w.draft_review.id}/edit",
          roles(FORBIDDEN, host_contact=OK, coordinator=OK),
          data=lambda w: {"question_1": "Changed?", "working_languages": ["en"]}),
    Route("reviews.accept", "GET", lambda w: f"/reviews/{w.requested_review.id}/accept",
          roles(FORBIDDEN, coordinator=OK)),
    Route("reviews.accept", "POST", lambda w: f"/reviews/{w.requested_review.id}/accept",
          roles(FORBIDDEN, coordinator=OK),
          data=lambda w: {"visit_start": "2027-06-07", "visit_end": "2027-06-10",
                          "team_min": 4, "team_max": 8}),
    Route("reviews.schedule", "GET", lambda w: f"/reviews/{w.accepted_review.id}/schedule",
          roles(FORBIDDEN, coordinator=OK)),
    Route("reviews.schedule", "POST", lambda w: f"/reviews/{w.accepted_review.id}/schedule",
          roles(FORBIDDEN, coordinator=OK),
          data=lambda w: {"visit_start": "2027-06-07", "visit_end": "2027-06-10",
                          "self_assessment_due": "2027-05-01", "programme_due": "2027-05-20",
                          "report_due": "2027-07-10"}),
    # --- the workflow steps, role by role (permissions.can_transition decides)
    Route("reviews.step", "POST", lambda w: f"/reviews/{w.draft_review.id}/step/submit",
          step_takers("host_contact")),
    Route("reviews.step", "POST", _step("decline"), step_takers("coordinator"), data=lambda w: _REASON),
    Route("reviews.step", "POST", _step("form_team"), step_takers("coordinator")),
    Route("reviews.step", "POST", _step("prepare"), step_takers("coordinator")),
    Route("reviews.step", "POST", _step("start_visit"), step_takers("coordinator", "team_lead")),
    Route("reviews.step", "POST", _step("start_reporting"), step_takers("coordinator", "team_lead")),
    Route("reviews.step", "POST", _step("follow_up"), step_takers("coordinator", "host_contact")),
    Route("reviews.step", "POST", _step("close"), step_takers("coordinator")),
    Route("reviews.step", "POST", _step("cancel"), step_takers("coordinator", "host_contact"),
          data=lambda w: _REASON),
    Route("reviews.step", "POST", _step("cancel", "cancel_later"), step_takers("coordinator"),
          data=lambda w: _REASON),
    # the report is issued from the report page, never as a plain step
    Route("reviews.step", "POST", _step("issue", "follow_up"), roles(FORBIDDEN, **{
        r: 404 for r in ("host_member", "host_contact", "coordinator", "peer_on_team", "seat_invited")})),
    Route("reviews.add_document", "POST", lambda w: f"/reviews/{w.requested_review.id}/documents",
          host_only(), data=_upload),
    Route("reviews.document", "GET", lambda w: f"/reviews/{w.requested_review.id}/documents/{w.doc.id}",
          viewers()),
    Route("reviews.delete_document", "POST",
          lambda w: f"/reviews/{w.requested_review.id}/documents/{w.doc.id}/delete", host_only()),
    Route("reviews.team", "GET", lambda w: f"/reviews/{w.accepted_review.id}/team",
          roles(FORBIDDEN, coordinator=OK)),
    Route("reviews.team", "POST", lambda w: f"/reviews/{w.accepted_review.id}/team",
          roles(FORBIDDEN, coordinator=OK),
          data=lambda w: {"user_id": w.users["other_city"].id, "role": "peer"}),
    Route("reviews.seat_action", "POST",
          lambda w: f"/reviews/{w.accepted_review.id}/team/{w.seat.id}/lead",
          roles(FORBIDDEN, coordinator=OK)),
    Route("assessment.show", "GET", lambda w: f"/reviews/{w.preparing_review.id}/self-assessment",
          host_only()),
    Route("assessment.save", "POST", lambda w: f"/reviews/{w.preparing_review.id}/self-assessment",
          roles(FORBIDDEN, host_member=OK, host_contact=OK),
          data=lambda w: {f"rating_{w.kf.id}": "2", f"narrative_{w.kf.id}": "Text",
                          f"version_{w.kf.id}": "1"}),
    Route("assessment.submit", "POST",
          lambda w: f"/reviews/{w.preparing_review.id}/self-assessment/submit",
          roles(FORBIDDEN, host_contact=OK), data=lambda w: {"confirm_submit": "1"}),
    Route("assessment.upload", "POST",
          lambda w: f"/reviews/{w.preparing_review.id}/self-assessment/{w.kf.id}/files",
          roles(FORBIDDEN, host_member=OK, host_contact=OK),
          data=lambda w: {"file": (io.BytesIO(PDF), "evidence.pdf")}),
    Route("assessment.download", "GET",
          lambda w: f"/reviews/{w.preparing_review.id}/self-assessment/files/{w.evidence.id}",
          host_only()),
    Route("assessment.delete_file", "POST",
          lambda w: f"/reviews/{w.preparing_review.id}/self-assessment/files/{w.evidence.id}/delete",
          roles(FORBIDDEN, host_member=OK, host_contact=OK)),
]
