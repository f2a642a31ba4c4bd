"""Loading the peer pool and open calls for lists, with what they show loaded up front."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from peerreview.extensions import db
from peerreview.matching.loader import COMMITTED, COUNTED_STATES
from peerreview.matching.models import PeerExpertise, PeerProfile, ReviewBid
from peerreview.matching.problem import overlaps


@dataclass
class PoolFilters:
    theme_id: int | None = None
    level: str = "some"
    language: str = ""
    country: str = ""
    trained: str = ""
    free_from: date | None = None
    free_to: date | None = None


@dataclass
class PoolRow:
    profile: PeerProfile
    load: int
    busy: list[tuple[date, date]]


def pool(filters: PoolFilters, *, year: int) -> list[PoolRow]:
    from peerreview.auth.models import User
    from peerreview.cities.models import City
    from peerreview.reviews.models import Review, TeamMember

    stmt = (select(PeerProfile).join(PeerProfile.user).join(City, User.city_id == City.id)
            .where(User.active.is_(True), User.erased_at.is_(None))
            .options(selectinload(PeerProfile.user).selectinload(User.city),
                     selectinload(PeerProfile.expertise).selectinload(PeerExpertise.theme),
                     selectinload(PeerProfile.unavailable))
            .order_by(City.country, City.name, User.name, PeerProfile.id))
    if filters.theme_id:
        levels = ("expert",) if filters.level == "expert" else ("some", "expert")
        stmt = stmt.where(PeerProfile.id.in_(select(PeerExpertise.profile_id).where(
            PeerExpertise.theme_id == filters.theme_id, PeerExpertise.level.in_(levels))))
    if filters.country:
        stmt = stmt.where(City.country == filters.country)
    if filters.trained in ("yes", "no"):
        stmt = stmt.where(PeerProfile.trained.is_(filters.trained == "yes"))
    profiles = list(db.session.scalars(stmt))
    if filters.language:
        profiles = [p for p in profiles if filters.language in (p.user.languages or [])]
    ids = [p.user_id for p in profiles] or [0]
    seats = db.session.execute(
        select(TeamMember.user_id, Review.visit_start, Review.visit_end)
        .join(Review, TeamMember.review_id == Review.id)
        .where(TeamMember.user_id.in_(ids), TeamMember.status.in_(COMMITTED),
               Review.state.in_(COUNTED_STATES), Review.visit_start.is_not(None))).all()
    busy: dict[int, list[tuple[date, date]]] = {}
    for user_id, start, end in seats:
        busy.setdefault(user_id, []).append((start, end or start))
    rows = [PoolRow(p, sum(1 for s, _ in busy.get(p.user_id, []) if s.year == year),
                    sorted(busy.get(p.user_id, []))) for p in profiles]
    if filters.free_from or filters.free_to:
        start = filters.free_from or filters.free_to
        end = filters.free_to or filters.free_from
        rows = [r for r in rows
                if not any(overlaps(u.start, u.end, start, end) for u in r.profile.unavailable)
                and not any(overlaps(s, e, start, end) for s, e in r.busy)]
    return rows


def pool_countries() -> list[str]:
    from peerreview.auth.models import User
    from peerreview.cities.models import City

    return list(db.session.scalars(
        select(City.country).join(User, User.city_id == City.id).join(PeerProfile, PeerProfile.user_id == User.id)
        .group_by(City.country).order_by(City.country)))


def open_calls(user) -> list[tuple[object, ReviewBid | None]]:
    """Reviews forming their team that ``user`` may answer (not their own city's), with their
    answer so far."""
    from peerreview.framework.models import Benchmark
    from peerreview.reviews.models import Review

    if user.city_id is None:
        return []
    reviews = db.session.scalars(
        select(Review).where(Review.state == "team_forming", Review.host_city_id != user.city_id)
        .options(selectinload(Review.host_city), selectinload(Review.team),
                 selectinload(Review.benchmark).selectinload(Benchmark.theme))
        .order_by(Review.visit_start, Review.id)).all()
    bids = {b.review_id: b for b in db.session.scalars(select(ReviewBid).where(
        ReviewBid.user_id == user.id, ReviewBid.review_id.in_([r.id for r in reviews] or [0])))}
    return [(r, bids.get(r.id)) for r in reviews]


def bids_for(review) -> list[ReviewBid]:
    from peerreview.auth.models import User

    return list(db.session.scalars(
        select(ReviewBid).where(ReviewBid.review_id == review.id)
        .options(selectinload(ReviewBid.user).selectinload(User.city)).order_by(ReviewBid.id)))


def peers_outside(city_id: int):
    """Everyone in the pool who is not from ``city_id`` (for naming a conflict of interest)."""
    from peerreview.auth.models import User

    return list(db.session.scalars(
        select(User).join(PeerProfile, PeerProfile.user_id == User.id)
        .where(User.city_id.is_not(None), User.city_id != city_id, User.erased_at.is_(None))
        .options(selectinload(User.city)).order_by(User.name)))
