"""Demo tasks: invitations waiting for an answer, so that My tasks and the reminders show an
overdue and an upcoming item besides the review deadlines (Helsinki's overdue self-assessment,
its programme, the Ghent report). Idempotent."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from peerreview.demo import data
from peerreview.extensions import db
from peerreview.timeutil import utcnow

# Helsinki asked for experts for its visit: (person, role, invited how many days ago).
# Ghent's contact has not answered for 9 days (overdue); Gothenburg's peer was asked 2 days ago.
HELSINKI_EXPERTS = [("host_contact", "expert", 9), ("peer", "expert", 2)]


def _review(key: str):
    from peerreview.cities.models import City
    from peerreview.framework.models import Benchmark, Theme
    from peerreview.reviews.models import Review

    _, city_name, slug, *_ = next(r for r in data.REVIEWS if r[0] == key)
    return db.session.scalar(
        select(Review).join(Benchmark, Review.benchmark_id == Benchmark.id)
        .join(Theme, Benchmark.theme_id == Theme.id)
        .join(City, Review.host_city_id == City.id)
        .where(Theme.slug == slug, City.name == city_name).order_by(Review.id).limit(1))


def load_tasks(tally, people: dict) -> None:
    from peerreview.reviews.models import TeamMember

    review = _review("helsinki_preparing")
    if review is None or review.state != "preparing":
        return
    for key, role, days_ago in HELSINKI_EXPERTS:
        user = people.get(key)
        if user is None or user.city_id == review.host_city_id:
            continue
        seat = db.session.scalar(select(TeamMember).where(TeamMember.review_id == review.id,
                                                          TeamMember.user_id == user.id))
        tally.seen(seat is None)
        if seat is None:
            db.session.add(TeamMember(review=review, user=user, role=role, status="invited",
                                      created_at=utcnow() - timedelta(days=days_ago)))
    db.session.flush()
