"""Builds a matching ``Problem`` from the database, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from peerreview.extensions import db
from peerreview.matching.models import ConflictOfInterest, PeerProfile, ReviewBid
from peerreview.matching.problem import LEVEL, Busy, Candidate, Problem, ReviewSpec

COMMITTED = ("invited", "accepted")          # seats that hold a peer's time
COUNTED_STATES = ("accepted", "team_forming", "preparing", "visit", "reporting", "issued",
                  "follow_up", "closed")     # reviews whose seats count towards a year's load


def _candidate(user, profile: PeerProfile | None, busy, load) -> Candidate:
    return Candidate(
        user_id=user.id, name=user.display_name, city_id=user.city_id or 0,
        city=user.city.name if user.city else "no city", country=user.city.country if user.city else "",
        languages=frozenset(user.languages or ()),
        expertise={e.theme_id: LEVEL[e.level] for e in (profile.expertise if profile else [])},
        trained=bool(profile and profile.trained),
        max_per_year=profile.max_reviews_per_year if profile else 2,
        unavailable=tuple((p.start, p.end, p.note) for p in (profile.unavailable if profile else [])),
        busy=tuple(busy), load=dict(load))


def build_problem(reviews: Iterable, *, extra_users: Iterable = ()) -> Problem:
    """The matching problem for ``reviews``: every active peer with a profile, plus the people
    already invited to or accepted on these reviews (and ``extra_users``) even without one.

    Invited and accepted seats on other reviews make a peer busy for those dates and count
    towards that year's load; proposed seats count for nothing.
    """
    from peerreview.auth.models import User
    from peerreview.reviews.models import Review, TeamMember

    reviews = sorted(reviews, key=lambda r: r.id)
    ids = [r.id for r in reviews]
    profiles = db.session.scalars(
        select(PeerProfile).join(PeerProfile.user)
        .where(User.active.is_(True), User.erased_at.is_(None), User.city_id.is_not(None))
        .options(selectinload(PeerProfile.user).selectinload(User.city),
                 selectinload(PeerProfile.expertise), selectinload(PeerProfile.unavailable))
        .order_by(PeerProfile.user_id)).all()
    by_user = {p.user_id: p for p in profiles}
    users = {p.user_id: p.user for p in profiles}
    wanted = {s.user_id for r in reviews for s in r.team} | {u.id for u in extra_users}
    missing = sorted(wanted - set(users))
    if missing:
        for u in db.session.scalars(select(User).where(User.id.in_(missing))
                                    .options(selectinload(User.city))):
            users[u.id] = u
    seats = db.session.execute(
        select(TeamMember.user_id, Review.id, Review.host_city_id, Review.visit_start, Review.visit_end,
               Review.benchmark_id)
        .join(Review, TeamMember.review_id == Review.id)
        .where(TeamMember.user_id.in_(list(users)), TeamMember.status.in_(COMMITTED),
               Review.state.in_(COUNTED_STATES), Review.id.not_in(ids or [0]),
               Review.visit_start.is_not(None))).all()
    titles = _titles({row[1] for row in seats})
    busy: dict[int, list[Busy]] = {}
    load: dict[int, dict[int, int]] = {}
    for user_id, review_id, _, start, end, _ in sorted(seats, key=lambda row: (row[0], row[1])):
        busy.setdefault(user_id, []).append(Busy(review_id, titles.get(review_id, f"review {review_id}"),
                                                 start, end or start))
        per_year = load.setdefault(user_id, {})
        per_year[start.year] = per_year.get(start.year, 0) + 1
    candidates = [_candidate(u, by_user.get(uid), busy.get(uid, ()), load.get(uid, {}))
                  for uid, u in sorted(users.items()) if u.city_id is not None]
    bids = db.session.execute(select(ReviewBid.review_id, ReviewBid.user_id, ReviewBid.kind)
                              .where(ReviewBid.review_id.in_(ids or [0]))).all()
    conflicts = db.session.execute(select(ConflictOfInterest.review_id, ConflictOfInterest.user_id,
                                          ConflictOfInterest.reason)
                                   .where(ConflictOfInterest.review_id.in_(ids or [0]))).all()
    specs = [_spec(r, bids, conflicts) for r in reviews]
    hosted = dict(db.session.execute(
        select(Review.host_city_id, func.count(Review.id))
        .where(Review.state.in_(COUNTED_STATES)).group_by(Review.host_city_id)).all())
    sent = dict(db.session.execute(
        select(User.city_id, func.count(TeamMember.id)).join(User, TeamMember.user_id == User.id)
        .join(Review, TeamMember.review_id == Review.id)
        .where(TeamMember.status.in_(COMMITTED), Review.state.in_(COUNTED_STATES),
               Review.id.not_in(ids or [0]), User.city_id.is_not(None))
        .group_by(User.city_id)).all())
    return Problem(specs, candidates, hosted, sent, shared_practices({r.theme_id for r in specs}))


def shared_practices(theme_ids: set[int]) -> dict[int, frozenset[int]]:
    """{city id: themes} where the city shares with the network (through the library's one
    visibility rule) a finding rated 3 on one of the themes' key factors."""
    from peerreview import permissions as perm
    from peerreview.library.models import LibraryItem

    if not theme_ids:
        return {}
    rows = db.session.execute(
        select(LibraryItem.city_id, LibraryItem.theme_id).where(
            LibraryItem.kind == "finding", LibraryItem.rating == "3",
            LibraryItem.theme_id.in_(sorted(theme_ids)), perm.shared_with_network()).distinct()).all()
    out: dict[int, set[int]] = {}
    for city_id, theme_id in rows:
        out.setdefault(city_id, set()).add(theme_id)
    return {c: frozenset(t) for c, t in out.items()}


def _titles(review_ids: set[int]) -> dict[int, str]:
    from peerreview.cities.models import City
    from peerreview.framework.models import Benchmark, Theme
    from peerreview.reviews.models import Review

    if not review_ids:
        return {}
    rows = db.session.execute(
        select(Review.id, City.name, Theme.name).join(City, Review.host_city_id == City.id)
        .join(Benchmark, Review.benchmark_id == Benchmark.id).join(Theme, Benchmark.theme_id == Theme.id)
        .where(Review.id.in_(sorted(review_ids)))).all()
    return {rid: f"{city}: {theme}" for rid, city, theme in rows}


def _spec(review, bids, conflicts) -> ReviewSpec:
    from peerreview.reviews.models import OUTSIDE_ROLES

    outside = frozenset(s.user_id for s in review.team if s.role in OUTSIDE_ROLES)
    # experts and staff hold seats outside the rules: not counted, never proposed as peers
    seats = sorted((s for s in review.team if s.role not in OUTSIDE_ROLES), key=lambda s: s.id)
    fixed = tuple(s.user_id for s in seats if s.status in COMMITTED)
    start = review.visit_start or review.preferred_start
    end = review.visit_end or review.preferred_end or start
    return ReviewSpec(
        review_id=review.id, title=review.title, host_city_id=review.host_city_id,
        theme_id=review.benchmark.theme_id, theme=review.benchmark.theme.name,
        start=start, end=end, team_min=review.team_min, team_max=review.team_max,
        min_countries=review.min_countries, languages=tuple(review.working_languages or ()),
        fixed=fixed,
        fixed_roles={s.user_id: s.role for s in seats if s.status in COMMITTED and s.role != "peer"},
        conflicts={u: reason for rid, u, reason in conflicts if rid == review.id},
        cannot=frozenset(u for rid, u, kind in bids if rid == review.id and kind == "cannot") | outside,
        wants=frozenset(u for rid, u, kind in bids if rid == review.id and kind == "join"),
        declined=frozenset(s.user_id for s in seats if s.status in ("declined", "removed")))
