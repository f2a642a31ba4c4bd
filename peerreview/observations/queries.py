from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from peerreview.extensions import db
from peerreview.observations.models import Observation, PeerRating


def observations(review, *, key_factor=None, kind=None, session=None, author=None,
                 include_withdrawn=False) -> list[Observation]:
    return list(db.session.scalars(_observations(
        select(Observation), review, key_factor=key_factor, kind=kind, session=session, author=author,
        include_withdrawn=include_withdrawn)))


@dataclass(frozen=True)
class NoteRow:
    """A note as the capture page and the consolidation list it, read as columns (a visit has
    hundreds). ``review``, ``author_id`` and ``withdrawn_at`` are what
    ``permissions.can_edit_observation`` reads."""

    id: int
    uuid: str
    kind: str
    key_factor_id: int | None
    key_factor_code: str | None
    author_id: int | None
    author: str | None           # the author's name as shown ("former member" once erased)
    created_at: object
    session: str | None          # the session's title
    source_type: str | None
    text: str
    file_id: int | None
    filename: str | None
    withdrawn_at: object
    review: object


def note_rows(review, limit: int | None = None, **filters) -> tuple[list[NoteRow], int]:
    """The newest notes (all of them, or the ``limit`` newest; withdrawn ones left out unless the
    filters say) with the filters of :func:`observations`, and how many match, in one query of
    columns: the count rides along as a window over the same rows (the capture page shows 30 of
    a visit's hundreds)."""
    from peerreview.auth.models import User, shown_name
    from peerreview.framework.models import KeyFactor
    from peerreview.reviews.models import VisitSession

    o = Observation
    stmt = (select(o.id, o.uuid, o.kind, o.key_factor_id, KeyFactor.code, o.author_id, User.name,
                   User.erased_at, o.created_at, VisitSession.title, o.source_type, o.text, o.file_id,
                   o.filename, o.withdrawn_at, func.count().over())
            .outerjoin(KeyFactor, KeyFactor.id == o.key_factor_id)
            .outerjoin(User, User.id == o.author_id)
            .outerjoin(VisitSession, VisitSession.id == o.session_id))
    stmt = _filtered(stmt, review, **filters)
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = db.session.execute(stmt).all()
    notes = [NoteRow(nid, uuid, kind, kf_id, code, author_id, None if name is None else shown_name(name, erased),
                     created, session, source, text, file_id, filename, withdrawn, review)
             for (nid, uuid, kind, kf_id, code, author_id, name, erased, created, session, source, text, file_id,
                  filename, withdrawn, _total) in rows]
    return notes, (rows[0][-1] if rows else 0)


def _observations(stmt, review, **filters):
    return _filtered(stmt.options(selectinload(Observation.author), selectinload(Observation.key_factor),
                                  selectinload(Observation.session)), review, **filters)


def _filtered(stmt, review, *, key_factor=None, kind=None, session=None, author=None,
              include_withdrawn=False):
    """The notes of ``review`` that the filters keep, newest first."""
    stmt = (stmt.where(Observation.review_id == review.id)
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
