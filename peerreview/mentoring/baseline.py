"""A mentorship's baseline from a peer review: the team's agreed ratings, not typed again.

When the implementing city had an issued peer review on the scheme's theme, the mentorship
starts with that review's team ratings as its needs-assessment baseline (key factors matched by
code, so a later version of the same benchmark works too). The source is kept on the needs
assessment; each entry says whether its rating is still the review's. The city edits the
baseline as any other, and the pages show the review's rating next to a changed one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from peerreview.audit.services import record
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.mentoring.models import Mentorship, NeedsAssessment, NeedsEntry

ISSUED = ("issued", "follow_up", "closed")


@dataclass
class Source:
    review: object
    issued_on: date | None
    ratings: dict[int, str]      # {key factor id of the mentorship's benchmark: team rating}

    @property
    def label(self) -> str:
        return _("Peer review of %(city)s (%(theme)s)", city=self.review.host_city.name,
                 theme=self.review.benchmark.theme.name)


def _issued_on(review) -> date | None:
    report = review.report
    if report is None or not report.versions:
        return None
    return report.versions[0].issued_at.date()


def ratings_of(m: Mentorship, review) -> dict[int, str]:
    """The review's team ratings on the mentorship's key factors (matched by code)."""
    if review.report is None:
        return {}
    by_code = {f.key_factor.code: f.rating for f in review.report.findings if f.rating}
    return {kf.id: by_code[kf.code] for kf in m.benchmark.key_factors if kf.code in by_code}


def review_source(m: Mentorship, review_id: int | None = None) -> Source | None:
    """The issued review a baseline comes (or would come) from: ``review_id`` if given, else the
    city's latest issued review on the scheme's theme with team ratings."""
    from peerreview.framework.models import Benchmark
    from peerreview.reports.models import Finding, Report
    from peerreview.reviews.models import Review

    stmt = (select(Review).join(Benchmark, Benchmark.id == Review.benchmark_id)
            .where(Review.host_city_id == m.implementing_city_id, Review.state.in_(ISSUED),
                   Benchmark.theme_id == m.scheme.theme_id)
            .options(selectinload(Review.report).selectinload(Report.findings).selectinload(Finding.key_factor),
                     selectinload(Review.report).selectinload(Report.versions),
                     selectinload(Review.host_city), selectinload(Review.benchmark).selectinload(Benchmark.theme))
            .order_by(Review.visit_start.desc(), Review.id.desc()))
    if review_id is not None:
        stmt = stmt.where(Review.id == review_id)
    for review in db.session.scalars(stmt):
        ratings = ratings_of(m, review)
        if ratings:
            return Source(review, _issued_on(review), ratings)
    return None


def start_from_review(m: Mentorship, *, actor) -> NeedsAssessment | None:
    """Create the needs assessment from the review's team ratings, if there is such a review and
    no needs assessment yet (flushes)."""
    if m.needs is not None:
        return None
    source = review_source(m)
    if source is None:
        return None
    assessed_on = min(source.issued_on or date.today(), date.today())
    needs = NeedsAssessment(mentorship=m, source_review_id=source.review.id, goals="",
                            assessed_on=assessed_on, updated_by_id=getattr(actor, "id", None))
    needs.entries = [NeedsEntry(key_factor_id=kf.id, rating=source.ratings.get(kf.id), narrative="",
                                gap="", from_review=kf.id in source.ratings)
                     for kf in m.benchmark.key_factors]
    db.session.add(needs)
    db.session.flush()
    codes = {kf.id: kf.code for kf in m.benchmark.key_factors}
    record("mentoring.needs_from_review", m, actor=actor, changes={
        "review": source.review.id, "assessed_on": assessed_on,
        "ratings": {codes[k]: v for k, v in source.ratings.items()}})
    return needs


def mark_entries(m: Mentorship, needs: NeedsAssessment) -> None:
    """Each entry's ``from_review``: its rating is still the source review's team rating."""
    if needs.source_review_id is None:
        for e in needs.entries:
            e.from_review = False
        return
    source = review_source(m, needs.source_review_id)
    ratings = source.ratings if source else {}
    for e in needs.entries:
        e.from_review = e.rating is not None and ratings.get(e.key_factor_id) == e.rating
