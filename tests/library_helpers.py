"""Issued reports for the library tests, made directly (no PDF rendering): a review in
follow-up, its findings, coded recommendations and good practices, a stored version 1, the
library's copy, and the publication the host chose."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

PDF = b"%PDF-1.4\n% library test\n%%EOF\n"


def issued_report(db_session, *, host, benchmark, issued_on: date, findings=None, recs=(), practices="",
                  level="private", withheld=(), self_ratings=None, team=()):
    """``findings``: {kf index (0-based): (rating, rationale)}; ``recs``: [(kf index, action,
    response, progress, done_on)]."""
    from peerreview.library import index
    from peerreview.library.models import WithheldItem
    from peerreview.reports import issuing
    from peerreview.reports.models import (
        Finding,
        Recommendation,
        Report,
        ReportSection,
        ReportVersion,
    )
    from peerreview.reviews.models import Review, SelfAssessment, SelfAssessmentEntry, TeamMember

    kfs = list(benchmark.key_factors)
    start = issued_on - timedelta(days=40)
    review = Review(host_city=host, benchmark=benchmark, state="follow_up", working_languages=["en"],
                    visit_start=start, visit_end=start + timedelta(days=3))
    report = Report(review=review, state="issued")
    db_session.add_all([review, report])
    for user in team:
        db_session.add(TeamMember(review=review, user=user, role="peer", status="accepted"))
    for i, (rating, rationale) in (findings or {}).items():
        db_session.add(Finding(report=report, key_factor=kfs[i], rating=rating, rationale=rationale))
    for n, (i, action, response, progress, done_on) in enumerate(recs, 1):
        db_session.add(Recommendation(report=report, key_factor=kfs[i], action=action, number=n,
                                      issued_on=issued_on, position=n, response=response,
                                      progress=progress, done_on=done_on))
    db_session.add(ReportSection(report=report, key="good_practices", body=practices))
    for key in ("executive_summary", "host_context", "follow_up"):
        db_session.add(ReportSection(report=report, key=key, body=""))
    if self_ratings:
        sa = SelfAssessment(review=review, status="submitted")
        for i, (rating, narrative) in self_ratings.items():
            sa.entries.append(SelfAssessmentEntry(key_factor=kfs[i], rating=rating, narrative=narrative,
                                                  evidence=""))
        db_session.add(sa)
    digest = issuing.write_once(PDF)
    db_session.add(ReportVersion(report=report, number=1, sha256=digest, size=len(PDF), pages=1,
                                 issued_at=datetime.combine(issued_on, time(11))))
    db_session.flush()
    db_session.expire(report, ["versions", "findings", "recommendations", "sections"])
    index.index_report(report)
    index.publication_of(report).level = level
    for code in withheld:
        kind = {"R": "recommendation", "P": "practice", "K": "finding"}[code[0]]
        db_session.add(WithheldItem(report_id=report.id, kind=kind, code=code))
    db_session.flush()
    index.apply_publication(report)
    db_session.commit()
    return review
