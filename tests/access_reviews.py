"""Access-matrix rows for reviews, documents, the team page and the self-assessment."""

from __future__ import annotations

import io
from datetime import date, timedelta

from tests.access import FORBIDDEN, OK, Route, roles

PDF = b"%PDF-1.4\n%%EOF\n"


def host_only(**extra):
    return roles(FORBIDDEN, host_member=OK, host_contact=OK, coordinator=OK, **extra)


def viewers(**extra):
    """Who sees a review: its host city, its team and the coordinator."""
    return host_only(peer_on_team=OK, **extra)


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
    entry = SelfAssessmentEntry(assessment=sa, key_factor=kf, narrative="", evidence="")
    evidence = EvidenceFile(entry=entry, file=stored, filename=name)
    far = City(name="Faraway", country="PT", timezone="Europe/Lisbon", description="")
    seat_user = User(email="seat@example.org", name="Seat Holder", city=far, languages=["en"])
    seat = TeamMember(review=accepted, user=seat_user, role="peer", status="invited")
    db_session.add_all([doc, sa, entry, evidence, far, seat_user, seat])
    db_session.flush()
    world.objects.update(theme=theme, kf=kf, draft_review=draft, requested_review=requested,
                         accepted_review=accepted, preparing_review=preparing, doc=doc,
                         evidence=evidence, seat=seat, seat_user=seat_user)


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
    # the host may see the review but only the coordinator may decline: the page explains why
    Route("reviews.step", "POST", lambda w: f"/reviews/{w.requested_review.id}/step/decline", viewers(),
          data=lambda w: {"reason": "No peers available."}),
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
          data=lambda w: {f"rating_{w.kf.id}": "2", f"narrative_{w.kf.id}": "Text"}),
    Route("assessment.submit", "POST",
          lambda w: f"/reviews/{w.preparing_review.id}/self-assessment/submit",
          roles(FORBIDDEN, host_contact=OK)),
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
