from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.constraints import one_of, rating
from peerreview.extensions import db
from peerreview.i18n import lazy_gettext as _l
from peerreview.timeutil import utcnow

if TYPE_CHECKING:
    from peerreview.auth.models import User
    from peerreview.cities.models import City
    from peerreview.files.models import StoredFile
    from peerreview.framework.models import Benchmark, KeyFactor, Theme

STATES = ("draft", "requested", "accepted", "declined", "team_forming", "preparing", "visit",
          "reporting", "issued", "follow_up", "closed", "cancelled")
TEAM_ROLES = ("lead", "rapporteur", "peer", "expert", "external", "staff")
# Seats outside the matcher's rules: an external expert (facilitator) and the network's
# secretariat staff. They do not count for team size, one seat per city or the countries.
OUTSIDE_ROLES = ("external", "staff")
TEAM_ROLE_LABELS = {
    "lead": _l("Lead"),
    "rapporteur": _l("Rapporteur"),
    "peer": _l("Peer"),
    "expert": _l("Expert"),
    "external": _l("External expert"),
    "staff": _l("Secretariat staff"),
}
SEAT_STATUSES = ("proposed", "invited", "accepted", "declined", "removed")
# Seats that still count: the matcher's proposals, open invitations and accepted seats. A
# declined or removed seat stays on record (who was asked, who dropped out) but is off the team.
ACTIVE_SEAT_STATUSES = ("proposed", "invited", "accepted")
SESSION_TYPES = {
    "interview": _l("Interview"),
    "focus_group": _l("Focus group"),
    "site_visit": _l("Site visit"),
    "workshop": _l("Workshop"),
    "feedback": _l("Feedback session"),
}
ORGANISATION_TYPES = {
    "city_department": _l("City department"),
    "political_leadership": _l("Political leadership"),
    "service_provider": _l("Service provider"),
    "ngo": _l("NGO"),
    "migrant_organisation": _l("Migrant organisation"),
    "residents": _l("Residents and service users"),
    "employer": _l("Employer"),
    "other": _l("Other"),
}


class Review(db.Model):
    """One peer review of one host city on one theme, frozen to one benchmark version."""

    __tablename__ = "review"
    __table_args__ = (
        one_of("state", STATES),
        CheckConstraint("visit_end >= visit_start", name="visit_dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    host_city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="RESTRICT"), index=True)
    benchmark_id: Mapped[int] = mapped_column(ForeignKey("benchmark.id", ondelete="RESTRICT"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    host_questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    preferred_start: Mapped[date | None] = mapped_column(Date)
    preferred_end: Mapped[date | None] = mapped_column(Date)
    working_languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The language of the feedback report's fixed texts, dates and benchmark texts
    # (peerreview.i18n.LANGUAGES), chosen by the host; changeable until the report is issued.
    report_language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    background: Mapped[str] = mapped_column(Text, default="")
    visit_start: Mapped[date | None] = mapped_column(Date)
    visit_end: Mapped[date | None] = mapped_column(Date)
    self_assessment_due: Mapped[date | None] = mapped_column(Date)
    programme_due: Mapped[date | None] = mapped_column(Date)
    report_due: Mapped[date | None] = mapped_column(Date)
    team_min: Mapped[int] = mapped_column(Integer, default=4)
    team_max: Mapped[int] = mapped_column(Integer, default=8)
    min_countries: Mapped[int] = mapped_column(Integer, default=3)
    state_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    host_city: Mapped[City] = relationship()
    benchmark: Mapped[Benchmark] = relationship()
    created_by: Mapped[User | None] = relationship()
    events: Mapped[list[ReviewEvent]] = relationship(
        back_populates="review", order_by="ReviewEvent.id", cascade="all, delete-orphan")
    team: Mapped[list[TeamMember]] = relationship(
        back_populates="review", order_by="TeamMember.id", cascade="all, delete-orphan")
    sessions: Mapped[list[VisitSession]] = relationship(
        back_populates="review", order_by="(VisitSession.day, VisitSession.start_time)",
        cascade="all, delete-orphan")
    documents: Mapped[list[ReviewDocument]] = relationship(
        back_populates="review", order_by="ReviewDocument.id", cascade="all, delete-orphan")

    @property
    def theme(self) -> Theme:
        return self.benchmark.theme

    @property
    def title(self) -> str:
        return f"{self.host_city.name}: {self.benchmark.theme.name}"

    def __repr__(self) -> str:
        return f"<Review {self.id} {self.state}>"


class ReviewEvent(db.Model):
    """One step of a review's timeline: a state change, who made it, and why."""

    __tablename__ = "review_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")

    review: Mapped[Review] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class TeamMember(db.Model):
    """A peer's seat on a review team."""

    __tablename__ = "team_member"
    __table_args__ = (UniqueConstraint("review_id", "user_id"), one_of("role", TEAM_ROLES),
                      one_of("status", SEAT_STATUSES))

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="peer")
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    reason: Mapped[str] = mapped_column(Text, default="")
    # for external experts and staff: the organisation shown in the report's team annex
    organisation: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)

    review: Mapped[Review] = relationship(back_populates="team")
    user: Mapped[User] = relationship()


session_key_factor = Table(
    "visit_session_key_factor", db.metadata,
    Column("session_id", ForeignKey("visit_session.id", ondelete="CASCADE"), primary_key=True),
    Column("key_factor_id", ForeignKey("key_factor.id", ondelete="CASCADE"), primary_key=True),
)

session_attendee = Table(
    "visit_session_attendee", db.metadata,
    Column("session_id", ForeignKey("visit_session.id", ondelete="CASCADE"), primary_key=True),
    Column("team_member_id", ForeignKey("team_member.id", ondelete="CASCADE"), primary_key=True),
)


class VisitSession(db.Model):
    """One item of the visit programme."""

    __tablename__ = "visit_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    title: Mapped[str] = mapped_column(String(200))
    venue: Mapped[str] = mapped_column(String(200), default="")
    session_type: Mapped[str] = mapped_column(String(20), default="interview")
    organisations: Mapped[str] = mapped_column(Text, default="")
    organisation_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    review: Mapped[Review] = relationship(back_populates="sessions")
    key_factors: Mapped[list[KeyFactor]] = relationship(secondary=session_key_factor)
    attendees: Mapped[list[TeamMember]] = relationship(secondary=session_attendee)

    __mapper_args__ = {"version_id_col": version}


class ReviewDocument(db.Model):
    """A background document or link the host shares with the team."""

    __tablename__ = "review_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(1000))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id", ondelete="RESTRICT"))
    filename: Mapped[str | None] = mapped_column(String(255))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    review: Mapped[Review] = relationship(back_populates="documents")
    file: Mapped[StoredFile | None] = relationship()


class SelfAssessment(db.Model):
    """The host's assessment against the benchmark: draft until submitted, then read-only."""

    __tablename__ = "self_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    review: Mapped[Review] = relationship(backref=db.backref("self_assessment", uselist=False))
    entries: Mapped[list[SelfAssessmentEntry]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan")


class SelfAssessmentEntry(db.Model):
    __tablename__ = "self_assessment_entry"
    __table_args__ = (UniqueConstraint("assessment_id", "key_factor_id"), rating())

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("self_assessment.id", ondelete="CASCADE"), index=True)
    key_factor_id: Mapped[int] = mapped_column(ForeignKey("key_factor.id", ondelete="RESTRICT"))
    rating: Mapped[str | None] = mapped_column(String(4))
    narrative: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    assessment: Mapped[SelfAssessment] = relationship(back_populates="entries")
    key_factor: Mapped[KeyFactor] = relationship()
    files: Mapped[list[EvidenceFile]] = relationship(
        back_populates="entry", order_by="EvidenceFile.id", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}


class EvidenceFile(db.Model):
    __tablename__ = "evidence_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("self_assessment_entry.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id", ondelete="RESTRICT"))
    filename: Mapped[str] = mapped_column(String(255))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    entry: Mapped[SelfAssessmentEntry] = relationship(back_populates="files")
    file: Mapped[StoredFile] = relationship()


class CalendarToken(db.Model):
    """A secret address for a person's calendar feed; revoking it stops the feed."""

    __tablename__ = "calendar_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
