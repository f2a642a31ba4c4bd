from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.constraints import one_of, rating
from peerreview.extensions import db
from peerreview.i18n import lazy_gettext as _l
from peerreview.timeutil import utcnow

if TYPE_CHECKING:
    from peerreview.auth.models import User
    from peerreview.files.models import StoredFile
    from peerreview.framework.models import KeyFactor
    from peerreview.reviews.models import Review, VisitSession

KINDS = {
    "strength": _l("Strength"),
    "gap": _l("Gap"),
    "good_practice": _l("Good practice worth sharing"),
    "evidence": _l("Evidence or quote"),
    "question": _l("Question to follow up"),
}


class Observation(db.Model):
    """One peer's note during the visit. The client makes its UUID, so a resend is harmless."""

    __tablename__ = "observation"
    __table_args__ = (one_of("kind", KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("visit_session.id", ondelete="SET NULL"))
    key_factor_id: Mapped[int | None] = mapped_column(ForeignKey("key_factor.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    # who said it, as an organisation type; never a person's name
    source_type: Mapped[str | None] = mapped_column(String(30))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id", ondelete="RESTRICT"))
    filename: Mapped[str | None] = mapped_column(String(255))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)

    review: Mapped[Review] = relationship()
    author: Mapped[User | None] = relationship()
    session: Mapped[VisitSession | None] = relationship()
    key_factor: Mapped[KeyFactor | None] = relationship()
    file: Mapped[StoredFile | None] = relationship()


class PeerRating(db.Model):
    """A team member's suggested rating of one key factor, before the team agrees."""

    __tablename__ = "peer_rating"
    __table_args__ = (UniqueConstraint("review_id", "user_id", "key_factor_id"),
                      rating(nullable=False))

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    key_factor_id: Mapped[int] = mapped_column(ForeignKey("key_factor.id", ondelete="RESTRICT"))
    rating: Mapped[str] = mapped_column(String(4))
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()
