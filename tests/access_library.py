"""Access-matrix rows for the library: search and its CSV, a report's shared items, the host
city's publication page, the comparisons, and the public pages and feed.

The world has the reports feature's issued review (private: its report stays with the host
city, the team and the secretariat) and a shared one of the same host city, published as
public, whose recommendation R2 the host holds back.
"""

from __future__ import annotations

from datetime import date, timedelta

from tests.access import BAD, NOT_FOUND, OK, Route, everyone, roles

PDF = b"%PDF-1.4\n% library matrix\n%%EOF\n"


def readers(default=NOT_FOUND):
    """The people who read a private report: its city's members, its team, the secretariat."""
    return roles(default, host_member=OK, host_contact=OK, coordinator=OK, peer_on_team=OK)


def build_world(world, db_session):
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
    from peerreview.reviews.models import Review

    private = world.issued_review
    bench = private.benchmark
    kf = bench.key_factors[0]
    start = date.today() - timedelta(days=200)
    shared = Review(host_city=world.host_city, benchmark=bench, state="follow_up", working_languages=["en"],
                    visit_start=start, visit_end=start + timedelta(days=3))
    report = Report(review=shared, state="issued")
    db_session.add_all([shared, report,
                        Finding(report=report, key_factor=kf, rating="3", rationale="Shared finding."),
                        Recommendation(report=report, key_factor=kf, action="Shared recommendation.",
                                       number=1, issued_on=start + timedelta(days=30), position=1),
                        Recommendation(report=report, key_factor=kf, action="Held back recommendation.",
                                       number=2, issued_on=start + timedelta(days=30), position=2),
                        ReportSection(report=report, key="good_practices", body="- A shared practice."),
                        *(ReportSection(report=report, key=key, body="")
                          for key in ("executive_summary", "host_context", "follow_up"))])
    digest = issuing.write_once(PDF)
    db_session.add(ReportVersion(report=report, number=1, sha256=digest, size=len(PDF), pages=1))
    db_session.flush()
    db_session.expire(report, ["versions"])
    db_session.expire(private.report, ["versions"])
    index.index_report(private.report)
    index.publication_of(report).level = "public"
    db_session.add(WithheldItem(report_id=report.id, kind="recommendation", code="R2"))
    db_session.flush()
    index.index_report(report)
    world.objects.update(shared_review=shared, private_review=private, library_theme=bench.theme)


def _pub(w, review):
    return f"/reviews/{review.id}/publication"


ROUTES = [
    Route("library.index", "GET", lambda w: "/library/", roles(OK)),
    Route("library.index", "GET", lambda w: "/library/?q=recommendation&kind=recommendation", roles(OK)),
    # a year that is not a number: the form says so, nothing is searched
    Route("library.index", "GET", lambda w: "/library/?year=soon", roles(BAD)),
    Route("library.results_csv", "GET", lambda w: "/library/results.csv?q=shared", roles(OK)),
    Route("library.report", "GET", lambda w: f"/library/reviews/{w.shared_review.id}", roles(OK)),
    Route("library.report", "GET", lambda w: f"/library/reviews/{w.private_review.id}", readers()),
    Route("library.report", "GET", lambda w: "/library/reviews/999999", roles(NOT_FOUND)),
    # only the host city's contact decides how widely its report is published
    Route("library.publication", "GET", lambda w: _pub(w, w.shared_review), roles(403, host_contact=OK)),
    Route("library.publication", "GET", lambda w: _pub(w, w.private_review), roles(403, host_contact=OK)),
    Route("library.publication", "POST", lambda w: _pub(w, w.shared_review), roles(403, host_contact=OK),
          data=lambda w: {"level": "network", "withheld": ["R2", "P1"]}),
    Route("library.publication", "GET", lambda w: "/reviews/999999/publication", roles(NOT_FOUND)),
    Route("library.theme", "GET", lambda w: f"/library/themes/{w.library_theme.id}", roles(OK)),
    Route("library.theme", "GET", lambda w: "/library/themes/999999", roles(NOT_FOUND)),
    Route("library.city", "GET", lambda w: f"/library/cities/{w.host_city.id}", roles(OK)),
    Route("library.city", "GET", lambda w: "/library/cities/999999", roles(NOT_FOUND)),
    # public pages: the same for everyone, logged in or not
    Route("public.index", "GET", lambda w: "/public/", everyone()),
    Route("public.index", "GET", lambda w: "/public/?q=shared", everyone()),
    Route("public.report", "GET", lambda w: f"/public/reviews/{w.shared_review.id}", everyone()),
    Route("public.report", "GET", lambda w: f"/public/reviews/{w.private_review.id}", everyone(NOT_FOUND)),
    Route("public.item", "GET", lambda w: f"/public/reviews/{w.shared_review.id}/R1", everyone()),
    Route("public.item", "GET", lambda w: f"/public/reviews/{w.shared_review.id}/R2", everyone(NOT_FOUND)),
    Route("public.item", "GET", lambda w: f"/public/reviews/{w.private_review.id}/KF1", everyone(NOT_FOUND)),
    Route("public.feed", "GET", lambda w: "/public/practices.atom", everyone()),
]
