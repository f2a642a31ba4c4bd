from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from peerreview.extensions import db
from peerreview.observations.models import Observation, PeerRating


def observations(review, *, key_factor=None, kind=None, session=None, author=None,
                 include_withdrawn=False) -> list[Observation]:
    stmt = (select(Observation).where(Observation.review_id == review.id)
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
    return list(db.session.scalars(stmt))


def peer_ratings(review) -> list[PeerRating]:
    return list(db.session.scalars(
        select(PeerRating).where(PeerRating.review_id == review.id)
        .options(selectinload(PeerRating.user))))
