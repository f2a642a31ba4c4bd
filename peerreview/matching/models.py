"""The peer pool: profiles, expertise per theme, unavailable periods, interest in reviews,
conflicts of interest, and a record of each matcher run."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.extensions import db
from peerreview.i18n import lazy_gettext as _l
from peerreview.timeutil import utcnow

if TYPE_CHECKING:
    from peerreview.auth.models import User
    from peerreview.framework.models import Theme
    from peerreview.reviews.models import Review

# Translators: how much expertise a peer has in a theme
EXPERTISE_LEVELS = {"none": _l("None"), "some": _l("Some"), "expert": _l("Expert")}
BID_KINDS = {"join": _l("I would like to join"), "cannot": _l("I cannot take part")}
DEFAULT_REVIEWS_PER_YEAR = 2
MAX_REVIEWS_PER_YEAR = 12


class PeerProfile(db.Model):
    """A person who can sit on review teams. Languages come from ``User.languages``."""

    __tablename__ = "peer_profile"
    __table_args__ = (
        CheckConstraint(f"max_reviews_per_year BETWEEN 0 AND {MAX_REVIEWS_PER_YEAR}",
                        name="max_reviews_per_year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    max_reviews_per_year: Mapped[int] = mapped_column(Integer, default=DEFAULT_REVIEWS_PER_YEAR)
    # recorded by the secretariat, which runs the peer training
    trained: Mapped[bool] = mapped_column(Boolean, default=False)
    trained_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()
    expertise: Mapped[list[PeerExpertise]] = relationship(
        back_populates="profile", order_by="PeerExpertise.theme_id", cascade="all, delete-orphan")
    unavailable: Mapped[list[PeerUnavailability]] = relationship(
        back_populates="profile", order_by="PeerUnavailability.start", cascade="all, delete-orphan")

    def level_for(self, theme_id: int) -> str:
        for e in self.expertise:
            if e.theme_id == theme_id:
                return e.level
        return "none"

    def __repr__(self) -> str:
        return f"<PeerProfile user={self.user_id}>"


class PeerExpertise(db.Model):
    """A peer's expertise in one theme; no row means none."""

    __tablename__ = "peer_expertise"
    __table_args__ = (
        UniqueConstraint("profile_id", "theme_id"),
        CheckConstraint("level IN ('some', 'expert')", name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("peer_profile.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(10))

    profile: Mapped[PeerProfile] = relationship(back_populates="expertise")
    theme: Mapped[Theme] = relationship()


class PeerUnavailability(db.Model):
    """A period (both days included) in which the peer cannot travel."""

    __tablename__ = "peer_unavailability"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("peer_profile.id", ondelete="CASCADE"), index=True)
    start: Mapped[date] = mapped_column("start_date", Date)
    end: Mapped[date] = mapped_column("end_date", Date)
    note: Mapped[str] = mapped_column(String(200), default="")

    profile: Mapped[PeerProfile] = relationship(back_populates="unavailable")


class ReviewBid(db.Model):
    """A peer's answer to a call for a review team: would like to join, or cannot."""

    __tablename__ = "review_bid"
    __table_args__ = (
        UniqueConstraint("review_id", "user_id"),
        CheckConstraint("kind IN ('join', 'cannot')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    review: Mapped[Review] = relationship()
    user: Mapped[User] = relationship()


class ConflictOfInterest(db.Model):
    """The host city's contact says a named peer should not review the city, and why."""

    __tablename__ = "conflict_of_interest"
    __table_args__ = (UniqueConstraint("review_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    flagged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    review: Mapped[Review] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    flagged_by: Mapped[User | None] = relationship(foreign_keys=[flagged_by_id])


class MatchRun(db.Model):
    """One run of the matcher for one review: what it proved and what it proposed."""

    __tablename__ = "match_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(20), default="team")  # team | replacement | round
    status: Mapped[str] = mapped_column(String(20))  # OPTIMAL | FEASIBLE | INFEASIBLE | UNKNOWN
    objective: Mapped[float | None] = mapped_column(Float)
    bound: Mapped[float | None] = mapped_column(Float)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    proposed: Mapped[list[int]] = mapped_column(JSON, default=list)
    messages: Mapped[list[str]] = mapped_column(JSON, default=list)
    stored: Mapped[bool] = mapped_column(Boolean, default=False)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    review: Mapped[Review] = relationship()
    actor: Mapped[User | None] = relationship()
