from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from peerreview.extensions import db
from peerreview.observations.models import Observation, PeerRating


def observations(review, *, key_factor=None, kind=None, session=None, author=None,
                 include_withdrawn=False) -> list[Observation]:
    return list(db.session.scalars(_observations(
        select(Observation), review, key_factor=key_factor, kind=kind, session=session, author=author,
        include_withdrawn=include_withdrawn)))


def newest_observations(review, limit: int, **filters) -> tuple[list[Observation], int]:
    """The ``limit`` newest notes and how many there are, in one query (the count rides along
    as a window over the same rows): the capture page shows 30 of a visit's hundreds."""
    rows = db.session.execute(_observations(
        select(Observation, func.count().over().label("total")), review, **filters).limit(limit)).all()
    return [obs for obs, _total in rows], (rows[0][1] if rows else 0)


def _observations(stmt, review, *, key_factor=None, kind=None, session=None, author=None,
                  include_withdrawn=False):
    stmt = (stmt.where(Observation.review_id == review.id)
            .options(selectinload(Observation.author), selectinload(Observation.key_factor),
                     selectinload(Observation.session))
            .order_by(Observation.created_at.desc(), Observation.id.desc()))
    if not include_withdrawn:
        stmt = stmt.where(Observation.withdrawn_at.is_(None))
    if key_factor == "general":
        stmt = stmt.where(Observation.key_factor_id.is_(None))
    elif key_factor:
        stmt = stmt.where(Observation.key_factor_id == key_factor)
    if kind:
        stmt = stmt.where(Observation.kind == kind)
    if session:
        stmt = stmt.where(Observation.session_id == session)
    if author:
        stmt = stmt.where(Observation.author_id == author)
    return stmt


def peer_ratings(review) -> list[PeerRating]:
    return list(db.session.scalars(
        select(PeerRating).where(PeerRating.review_id == review.id)
        .options(selectinload(PeerRating.user))))
