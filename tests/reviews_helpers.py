"""Factories for reviews, shared by the review, programme, assessment and access tests."""

from __future__ import annotations

from datetime import date, timedelta

import pytest


@pytest.fixture
def make_benchmark(db_session):
    from peerreview.framework.models import Benchmark, KeyFactor, Theme

    counter = iter(range(1, 10_000))

    def make(name: str = "Anti-discrimination", key_factors: int = 4, status: str = "published"):
        n = next(counter)
        theme = Theme(slug=f"theme-{n}", name=name if n == 1 else f"{name} {n}", description="")
        bench = Benchmark(theme=theme, standard="Everyone is treated fairly.", version=1,
                          status=status, source_note="test")
        db_session.add_all([theme, bench])
        for i in range(1, key_factors + 1):
            db_session.add(KeyFactor(benchmark=bench, code=f"KF{i}", title=f"Key factor {i}",
                                     description="", position=i, charter_roles=["policy_maker"]))
        db_session.commit()
        return bench

    return make


@pytest.fixture
def make_review(db_session, make_benchmark, make_city, make_user):
    from peerreview.reviews.models import Review, ReviewEvent, TeamMember

    def make(state: str = "requested", *, host=None, benchmark=None, visit_start: date | None = None,
             days: int = 4, team=(), **kw):
        benchmark = benchmark or make_benchmark()
        host = host or make_city("Hostville", "BE")
        start = visit_start or (date.today() + timedelta(days=60))
        review = Review(host_city=host, benchmark=benchmark, state=state,
                        preferred_start=start, preferred_end=start + timedelta(days=days - 1),
                        working_languages=["en"], **kw)
        if state not in ("draft", "requested", "declined"):
            review.visit_start, review.visit_end = start, start + timedelta(days=days - 1)
            review.self_assessment_due = start - timedelta(days=28)
            review.programme_due = start - timedelta(days=14)
            review.report_due = review.visit_end + timedelta(days=30)
        db_session.add(review)
        db_session.add(ReviewEvent(review=review, to_state=state))
        for user, role in team:
            db_session.add(TeamMember(review=review, user=user, role=role, status="accepted"))
        db_session.commit()
        return review

    return make
