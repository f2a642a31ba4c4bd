"""Mentoring: schemes, mentorships, the needs assessment, visits and progress reviews.

A **scheme** runs on one theme and freezes the theme's benchmark version that was published
when it was created; its participating cities are mentor or implementing cities. A
**mentorship** pairs one implementing city with one or more mentor cities of the scheme and
names the people who take part (mentors and mentees). Its state machine is in
``services.py``. The action plan lives in ``plan_models.py``.

Every rating uses the one scale of :mod:`peerreview.framework.constants`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
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
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.constraints import rating_sql
from peerreview.extensions import db
from peerreview.i18n import lazy_gettext as _l
from peerreview.timeutil import utcnow

if TYPE_CHECKING:
    from peerreview.auth.models import User
    from peerreview.cities.models import City
    from peerreview.framework.models import Benchmark, KeyFactor, Theme
    from peerreview.mentoring.plan_models import MentoringAction, PlanVersion
    from peerreview.reviews.models import Review

SCHEME_ROLES = {"mentor": _l("Mentor city"), "implementing": _l("Implementing city")}
STATES = {"proposed": _l("Proposed"), "active": _l("Active"), "completed": _l("Completed"),
          "withdrawn": _l("Withdrawn")}
OPEN_STATES = ("proposed", "active")
PERSON_ROLES = {"mentor": _l("Mentor"), "mentee": _l("Mentee")}
VISIT_KINDS = {"study": _l("Study visit"), "mentoring": _l("Mentoring visit")}
VISIT_KIND_HINTS = {"study": _l("the implementing city visits a mentor city"),
                    "mentoring": _l("the mentors visit the implementing city")}
RATING_CHECK = rating_sql()  # "rating IS NULL OR rating IN ('0', '1', '2', '3', 'ne')"


class MentoringScheme(db.Model):
    """A mentoring programme on one theme, for a period, with its participating cities."""

    __tablename__ = "mentoring_scheme"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="RESTRICT"), index=True)
    # frozen at creation: the theme's published version at that moment
    benchmark_id: Mapped[int] = mapped_column(ForeignKey("benchmark.id", ondelete="RESTRICT"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    theme: Mapped[Theme] = relationship()
    benchmark: Mapped[Benchmark] = relationship()
    participants: Mapped[list[SchemeCity]] = relationship(
        back_populates="scheme", cascade="all, delete-orphan", order_by="SchemeCity.id")
    mentorships: Mapped[list[Mentorship]] = relationship(
        back_populates="scheme", cascade="all, delete-orphan", order_by="Mentorship.id")

    def cities(self, role: str) -> list[City]:
        return sorted((p.city for p in self.participants if p.role == role), key=lambda c: c.name)

    @property
    def mentor_cities(self) -> list[City]:
        return self.cities("mentor")

    @property
    def implementing_cities(self) -> list[City]:
        return self.cities("implementing")


class SchemeCity(db.Model):
    """A city taking part in a scheme, as a mentor or an implementing city."""

    __tablename__ = "mentoring_scheme_city"
    __table_args__ = (UniqueConstraint("scheme_id", "city_id"),
                      CheckConstraint("role IN ('mentor', 'implementing')", name="role"))

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("mentoring_scheme.id", ondelete="CASCADE"), index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="RESTRICT"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    scheme: Mapped[MentoringScheme] = relationship(back_populates="participants")
    city: Mapped[City] = relationship()


mentor_city = Table(
    "mentorship_mentor_city", db.metadata,
    Column("mentorship_id", ForeignKey("mentorship.id", ondelete="CASCADE"), primary_key=True),
    Column("city_id", ForeignKey("city.id", ondelete="RESTRICT"), primary_key=True),
)


class StateOfMentorship:
    """What a mentorship's ``state`` says: for the model and for the dashboard's rows of columns."""

    __slots__ = ()

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def state_label(self) -> str:
        return STATES.get(self.state, self.state)


class Mentorship(StateOfMentorship, db.Model):
    """One implementing city guided by one or more mentor cities within a scheme."""

    __tablename__ = "mentorship"
    __table_args__ = (
        CheckConstraint("state IN ('proposed', 'active', 'completed', 'withdrawn')", name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("mentoring_scheme.id", ondelete="CASCADE"), index=True)
    implementing_city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="RESTRICT"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="proposed", index=True)
    proposed_on: Mapped[date] = mapped_column(Date, default=date.today)
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    state_reason: Mapped[str] = mapped_column(Text, default="")
    next_review_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    scheme: Mapped[MentoringScheme] = relationship(back_populates="mentorships")
    implementing_city: Mapped[City] = relationship()
    mentor_cities: Mapped[list[City]] = relationship(secondary=mentor_city, order_by="City.name")
    people: Mapped[list[MentorshipPerson]] = relationship(
        back_populates="mentorship", cascade="all, delete-orphan", order_by="MentorshipPerson.id")
    events: Mapped[list[MentorshipEvent]] = relationship(
        back_populates="mentorship", cascade="all, delete-orphan", order_by="MentorshipEvent.id")
    needs: Mapped[NeedsAssessment | None] = relationship(
        back_populates="mentorship", cascade="all, delete-orphan", uselist=False)
    visits: Mapped[list[MentoringVisit]] = relationship(
        back_populates="mentorship", cascade="all, delete-orphan",
        order_by="(MentoringVisit.starts_on, MentoringVisit.id)")
    progress_reviews: Mapped[list[ProgressReview]] = relationship(
        back_populates="mentorship", cascade="all, delete-orphan",
        order_by="ProgressReview.held_on")
    actions: Mapped[list[MentoringAction]] = relationship(
        back_populates="mentorship", cascade="all, delete-orphan", order_by="MentoringAction.number")
    plan_versions: Mapped[list[PlanVersion]] = relationship(
        back_populates="mentorship", cascade="all, delete-orphan", order_by="PlanVersion.number")

    @property
    def benchmark(self) -> Benchmark:
        return self.scheme.benchmark

    @property
    def title(self) -> str:
        """"Riga mentored by Vienna and Helsinki", in the language of the page."""
        from peerreview.i18n import gettext as _

        names = [c.name for c in self.mentor_cities]
        if not names:
            return _("%(city)s, no mentor city yet", city=self.implementing_city.name)
        return _("%(city)s mentored by %(cities)s", city=self.implementing_city.name,
                 cities=(" " + _("and") + " ").join(names))

    def users(self, role: str) -> list[User]:
        return [p.user for p in self.people if p.role == role]

    @property
    def mentors(self) -> list[User]:
        return self.users("mentor")

    @property
    def mentees(self) -> list[User]:
        return self.users("mentee")

    def __repr__(self) -> str:
        return f"<Mentorship {self.id} {self.state}>"


class MentorshipPerson(db.Model):
    """A named mentor (from a mentor city) or mentee (from the implementing city)."""

    __tablename__ = "mentorship_person"
    __table_args__ = (UniqueConstraint("mentorship_id", "user_id"),
                      CheckConstraint("role IN ('mentor', 'mentee')", name="role"))

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorship.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"), index=True)
    role: Mapped[str] = mapped_column(String(10))

    mentorship: Mapped[Mentorship] = relationship(back_populates="people")
    user: Mapped[User] = relationship()


class MentorshipEvent(db.Model):
    """One state change of a mentorship: when, by whom, why."""

    __tablename__ = "mentorship_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorship.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")

    mentorship: Mapped[Mentorship] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class NeedsAssessment(db.Model):
    """The implementing city's baseline: a rating and narrative per key factor, the gaps it
    wants to close, and its goals. Saved as a whole; ``version`` detects concurrent edits."""

    __tablename__ = "mentoring_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorship.id", ondelete="CASCADE"), unique=True)
    # the issued peer review whose team ratings the baseline started from (None: typed in)
    source_review_id: Mapped[int | None] = mapped_column(ForeignKey("review.id", ondelete="SET NULL"))
    goals: Mapped[str] = mapped_column(Text, default="")
    assessed_on: Mapped[date] = mapped_column(Date, default=date.today)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    mentorship: Mapped[Mentorship] = relationship(back_populates="needs")
    source_review: Mapped[Review | None] = relationship()
    entries: Mapped[list[NeedsEntry]] = relationship(
        back_populates="needs", cascade="all, delete-orphan", order_by="NeedsEntry.id")
    updated_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def entry(self, key_factor_id: int) -> NeedsEntry | None:
        return next((e for e in self.entries if e.key_factor_id == key_factor_id), None)


class NeedsEntry(db.Model):
    __tablename__ = "mentoring_needs_entry"
    __table_args__ = (UniqueConstraint("needs_id", "key_factor_id"),
                      CheckConstraint(RATING_CHECK, name="rating"))

    id: Mapped[int] = mapped_column(primary_key=True)
    needs_id: Mapped[int] = mapped_column(ForeignKey("mentoring_needs.id", ondelete="CASCADE"), index=True)
    key_factor_id: Mapped[int] = mapped_column(ForeignKey("key_factor.id", ondelete="RESTRICT"))
    rating: Mapped[str | None] = mapped_column(String(4))
    narrative: Mapped[str] = mapped_column(Text, default="")
    gap: Mapped[str] = mapped_column(Text, default="")   # empty: not a gap the city works on
    # the rating is the source review's team rating, unchanged
    from_review: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    needs: Mapped[NeedsAssessment] = relationship(back_populates="entries")
    key_factor: Mapped[KeyFactor] = relationship()


visit_participant = Table(
    "mentoring_visit_participant", db.metadata,
    Column("visit_id", ForeignKey("mentoring_visit.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
)


class MentoringVisit(db.Model):
    """A study visit (to a mentor city) or a mentoring visit (to the implementing city)."""

    __tablename__ = "mentoring_visit"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="period"),
                      CheckConstraint("kind IN ('study', 'mentoring')", name="kind"))

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorship.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date)
    location: Mapped[str] = mapped_column(String(200), default="")
    other_participants: Mapped[str] = mapped_column(Text, default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    agreed: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    mentorship: Mapped[Mentorship] = relationship(back_populates="visits")
    participants: Mapped[list[User]] = relationship(secondary=visit_participant, order_by="User.name")

    __mapper_args__ = {"version_id_col": version}

    @property
    def kind_label(self) -> str:
        return VISIT_KINDS.get(self.kind, self.kind)

    def held(self, today: date) -> bool:
        return self.starts_on <= today


class ProgressReview(db.Model):
    """The key factors re-rated on a chosen date."""

    __tablename__ = "mentoring_progress_review"
    __table_args__ = (UniqueConstraint("mentorship_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorship.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    mentorship: Mapped[Mentorship] = relationship(back_populates="progress_reviews")
    ratings: Mapped[list[ProgressRating]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ProgressRating.id")
    created_by: Mapped[User | None] = relationship()

    def rating(self, key_factor_id: int) -> str | None:
        r = next((r for r in self.ratings if r.key_factor_id == key_factor_id), None)
        return r.rating if r else None


class ProgressRating(db.Model):
    __tablename__ = "mentoring_progress_rating"
    __table_args__ = (UniqueConstraint("review_id", "key_factor_id"),
                      CheckConstraint(RATING_CHECK, name="rating"))

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("mentoring_progress_review.id", ondelete="CASCADE"), index=True)
    key_factor_id: Mapped[int] = mapped_column(ForeignKey("key_factor.id", ondelete="RESTRICT"))
    rating: Mapped[str | None] = mapped_column(String(4))
    note: Mapped[str] = mapped_column(Text, default="")

    review: Mapped[ProgressReview] = relationship(back_populates="ratings")
    key_factor: Mapped[KeyFactor] = relationship()
