"""A review in its reporting step with a team, a submitted self-assessment, a programme,
notes and suggested ratings; shared by the report tests."""

from __future__ import annotations

import hashlib
import subprocess
import uuid
from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest


@pytest.fixture
def rw(db_session, make_city, make_user, make_review, make_benchmark):
    from peerreview.observations.models import Observation, PeerRating
    from peerreview.reviews.models import SelfAssessment, SelfAssessmentEntry, VisitSession

    host = make_city("Ghent", "BE")
    lead = make_user("Lena Lead", city=make_city("Vienna", "AT", timezone="Europe/Vienna"))
    rapporteur = make_user("Rita Rapporteur", city=make_city("Lisbon", "PT", timezone="Europe/Lisbon"))
    peer = make_user("Pavel Peer", city=make_city("Riga", "LV", timezone="Europe/Riga"))
    invited = make_user("Ivo Invited", city=make_city("Tampere", "FI", timezone="Europe/Helsinki"))
    # the visit is over (a report is issued after it)
    review = make_review("reporting", host=host, benchmark=make_benchmark(key_factors=3),
                         visit_start=date.today() - timedelta(days=12),
                         team=[(lead, "lead"), (rapporteur, "rapporteur"), (peer, "peer")],
                         host_questions=["Why do so many learners drop out?"])
    from peerreview.reviews.models import TeamMember

    db_session.add(TeamMember(review=review, user=invited, role="peer", status="invited"))
    kfs = list(review.benchmark.key_factors)
    sa = SelfAssessment(review=review, status="submitted")
    for kf, rating in zip(kfs, ("2", "1", "0"), strict=True):
        sa.entries.append(SelfAssessmentEntry(key_factor=kf, rating=rating, narrative="We do our best.",
                                              evidence=""))
    session = VisitSession(review=review, day=review.visit_start, start_time=time(9), end_time=time(10),
                           title="Meeting the integration team", session_type="interview",
                           organisation_types=["city_department"], organisations="Integration team")
    db_session.add_all([sa, session])
    db_session.flush()
    notes = []
    for kf, kind, text in (
            (kfs[0], "gap", "Intake letters go out in Dutch only."),
            (kfs[0], "strength", "Every learner gets a written route."),
            (kfs[1], "evidence", "Forty percent leave within three months.")):
        notes.append(Observation(uuid=str(uuid.uuid4()), review=review, author_id=peer.id,
                                 session=session, key_factor=kf, kind=kind, text=text))
    db_session.add_all(notes)
    db_session.add(PeerRating(review_id=review.id, user_id=peer.id, key_factor_id=kfs[0].id, rating="2"))
    db_session.add(PeerRating(review_id=review.id, user_id=lead.id, key_factor_id=kfs[0].id, rating="1"))
    db_session.commit()
    return SimpleNamespace(
        review=review, kfs=kfs, notes=notes, lead=lead, rapporteur=rapporteur, peer=peer,
        invited=invited, contact=make_user("Host Contact", city=host, city_role="contact"),
        member=make_user("Host Member", city=host), coordinator=make_user("Coord Inator", coordinator=True),
        other=make_user("Other Contact", city=make_city("Genoa", "IT", timezone="Europe/Rome"),
                        city_role="contact"),
        base=f"/reviews/{review.id}/report")


def complete(rw, *, summary: str = "Ghent does a lot; drop-out is the main problem.") -> None:
    """Ratings for every key factor, texts and two recommendations (through the services)."""
    from peerreview.extensions import db
    from peerreview.reports import services as drafting

    report = drafting.get_or_create(rw.review)
    drafting.save_section(report, "executive_summary", summary, base_version=None, actor=rw.rapporteur)
    drafting.save_section(report, "host_context", "Ghent has 265,000 inhabitants.", base_version=None,
                          actor=rw.rapporteur)
    drafting.save_section(report, "answer_1", "Classes clash with shift work.", base_version=None,
                          actor=rw.rapporteur)
    drafting.save_section(report, "good_practices", "- Language houses in libraries.",
                          base_version=None, actor=rw.rapporteur)
    for f, rating in zip(drafting.findings_in_order(report), ("2", "1", "ne"), strict=True):
        drafting.save_finding(f, drafting.FindingInput(rationale=f"Rationale {f.key_factor.code}.",
                                                       strengths="Committed staff.",
                                                       improvements="Reach people earlier.",
                                                       rating=rating, rating_given=True),
                              base_version=None, actor=rw.lead, may_rate=True)
    drafting.add_recommendation(report, drafting.RecommendationInput(
        key_factor_id=rw.kfs[0].id, action="Book the intake at registration.", priority="high",
        owner="Civil Affairs", timeframe_months=6), actor=rw.rapporteur)
    drafting.add_recommendation(report, drafting.RecommendationInput(
        key_factor_id=rw.kfs[1].id, action="Offer evening classes in three districts.", priority="medium",
        owner="Education department", timeframe_months=12), actor=rw.rapporteur)
    db.session.commit()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdf_text(data: bytes, tmp_path, first: int | None = None, last: int | None = None) -> str:
    path = tmp_path / f"r-{uuid.uuid4().hex[:6]}.pdf"
    path.write_bytes(data)
    args = ["pdftotext", "-layout"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run([*args, str(path), "-"], check=True, capture_output=True, text=True).stdout
