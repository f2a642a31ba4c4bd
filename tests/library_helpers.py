"""Issued reports for the library tests, made directly (no PDF rendering): a review in
follow-up, its findings, coded recommendations and good practices, a stored version 1, the
library's copy, and the publication the host chose; and ``lib``, the library's fixture: four
cities' reports (shared, private, public, being drafted) with a word planted in each text that
must stay private."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest

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


# one unique word planted in each text that must stay private
PRIVATE_WORDS = {
    "withheld recommendation": "quokkawithheld",
    "withheld good practice": "pangolinwithheld",
    "withheld finding": "narwhalwithheld",
    "private recommendation": "axolotlprivate",
    "private finding": "okapiprivate",
    "private good practice": "tapirprivate",
    "private self-assessment": "capybaraprivate",
    "team comment": "ibexcomment",
    "observation": "marmotnote",
    "correction not yet issued": "toucandraft",
    "report being drafted": "wombatdrafting",
    "network-only recommendation": "lynxnetwork",   # private to anonymous people only
}


@pytest.fixture
def lib(db_session, make_city, make_user, make_benchmark, make_review, today):
    from peerreview.observations.models import Observation
    from peerreview.reports.models import Recommendation, Report, ReportComment, ReportSection

    bench = make_benchmark("Language courses", key_factors=3)
    kfs = list(bench.key_factors)
    ghent, tampere, lisbon = make_city("Ghent", "BE"), make_city("Tampere", "FI"), make_city("Lisbon", "PT")
    genoa = make_city("Genoa", "IT")
    w = PRIVATE_WORDS
    shared = issued_report(
        db_session, host=ghent, benchmark=bench, issued_on=today - timedelta(days=400), level="network",
        findings={0: ("1", "Intake letters go out in one language only."),
                  1: ("2", "Evening classes are full."),
                  2: ("3", f"The register of complaints is {w['withheld finding']} thorough.")},
        recs=[(0, f"Translate the intake letters into five languages {w['network-only recommendation']}.",
               "accepted", "done", today - timedelta(days=100)),
              (1, f"Pay providers for results {w['withheld recommendation']}.", "accepted", "in_progress", None),
              (1, "Open evening classes in three districts.", None, None, None)],
        practices=f"- Language houses in eleven libraries.\n- A {w['withheld good practice']} mentor scheme.",
        withheld=("R2", "P2", "KF3"), self_ratings={0: ("2", "We translate some letters.")})
    # a correction being written after issue, and the team's own discussion
    report = shared.report
    db_session.add(Recommendation(report=report, key_factor=kfs[2], action=f"Add {w['correction not yet issued']}.",
                                  position=9))
    db_session.add(ReportComment(report=report, section="executive_summary", kind="team",
                                 body=f"Shorter {w['team comment']}."))
    private = issued_report(
        db_session, host=tampere, benchmark=bench, issued_on=today - timedelta(days=200),
        findings={0: ("0", f"No intake at all {w['private finding']}.")},
        recs=[(0, f"Start an intake desk {w['private recommendation']}.", "accepted", "not_started", None)],
        practices=f"- The {w['private good practice']} welcome walk.",
        self_ratings={0: ("1", f"We {w['private self-assessment']} try.")})
    db_session.add(Observation(uuid="8d3c1f0e-0000-4000-8000-000000000001", review=private,
                               author_id=make_user("Note Taker").id, kind="gap", key_factor=kfs[0],
                               text=f"Queue at the desk {w['observation']}."))
    public = issued_report(
        db_session, host=lisbon, benchmark=bench, issued_on=today - timedelta(days=30), level="public",
        findings={0: ("3", "Intake for every newcomer: the intake is booked at registration and the intake team calls."), 1: ("3", "Classes at night.")},
        recs=[(0, "Publish the intake figures every quarter.", "accepted", "done", today - timedelta(days=5))],
        practices="- Intake booked at the registration desk, the same day.\n- Night classes in the port.")
    drafting = make_review("reporting", host=ghent, benchmark=bench, visit_start=today - timedelta(days=20))
    rep = Report(review=drafting, state="drafting")
    db_session.add_all([rep, ReportSection(report=rep, key="good_practices",
                                           body=f"- {w['report being drafted']} idea.")])
    db_session.commit()
    return SimpleNamespace(
        bench=bench, kfs=kfs, shared=shared, private=private, public=public, drafting=drafting,
        ghent=ghent, tampere=tampere, lisbon=lisbon, genoa=genoa,
        ghent_contact=make_user("Ghent Contact", city=ghent, city_role="contact"),
        ghent_member=make_user("Ghent Member", city=ghent),
        tampere_member=make_user("Tampere Member", city=tampere),
        genoa_member=make_user("Genoa Member", city=genoa),
        coordinator=make_user("Coordinator", coordinator=True))
