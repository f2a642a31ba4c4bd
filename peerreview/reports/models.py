"""The feedback report: the team's texts, findings and recommendations, comments, the kept
revisions of every text, the issued PDF versions, and the host's follow-up.

Stable ids: ``Recommendation.id`` never changes once created and a recommendation is never
deleted after the report is issued, so other features (mentoring action plans) may keep a
reference to it. Use :func:`peerreview.reports.followup.as_goal` to read one.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.constraints import one_of, rating
from peerreview.extensions import db
from peerreview.i18n import lazy_gettext as _l
from peerreview.i18n import lazy_ngettext, ngettext
from peerreview.timeutil import utcnow

if TYPE_CHECKING:
    from peerreview.auth.models import User
    from peerreview.framework.models import KeyFactor
    from peerreview.observations.models import Observation
    from peerreview.reviews.models import Review

REPORT_STATES = {"drafting": _l("Drafting"), "factual_check": _l("Factual check by the host city"),
                 "issued": _l("Issued")}
# Free texts of the report, in the order of the document. Answers to the host's guiding
# questions are sections too: "answer_1" .. "answer_3".
SECTIONS = {
    "executive_summary": _l("Executive summary"),
    "host_context": _l("The city's context as the team understood it"),
    "good_practices": _l("Good practices to share"),
    "follow_up": _l("Follow-up"),
}
# Translators: the priority of a recommendation
PRIORITIES = {"high": _l("High"), "medium": _l("Medium"), "low": _l("Low")}
PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}
TIMEFRAMES = {n: lazy_ngettext("%(num)d month", "%(num)d months", n) for n in (3, 6, 12, 24)}
# Translators: the host city's response to a recommendation
RESPONSES = {"accepted": _l("Accepted"), "partly": _l("Partly accepted"),
             "not_accepted": _l("Not accepted")}
# Translators: how far the host city is with a recommendation
PROGRESS = {"not_started": _l("Not started"), "in_progress": _l("In progress"), "done": _l("Done")}
# Translators: the team's answer to a comment of the host city on the draft report
ANSWERS = {"accepted": _l("Accepted"), "changed": _l("Changed in the text"),
           "kept": _l("Kept as is")}
COMMENT_KINDS = ("team", "host")


class Report(db.Model):
    """One per review; created when the team starts writing."""

    __tablename__ = "report"
    __table_args__ = (one_of("state", REPORT_STATES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), unique=True)
    state: Mapped[str] = mapped_column(String(20), default="drafting")
    factual_check_deadline: Mapped[date | None] = mapped_column(Date)
    factual_check_started_at: Mapped[datetime | None] = mapped_column(DateTime)
    factual_check_ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    review: Mapped[Review] = relationship(backref=db.backref("report", uselist=False))
    sections: Mapped[list[ReportSection]] = relationship(
        back_populates="report", cascade="all, delete-orphan")
    findings: Mapped[list[Finding]] = relationship(
        back_populates="report", cascade="all, delete-orphan")
    recommendations: Mapped[list[Recommendation]] = relationship(
        back_populates="report", order_by="(Recommendation.position, Recommendation.id)",
        cascade="all, delete-orphan")
    comments: Mapped[list[ReportComment]] = relationship(
        back_populates="report", order_by="ReportComment.id", cascade="all, delete-orphan")
    versions: Mapped[list[ReportVersion]] = relationship(
        back_populates="report", order_by="ReportVersion.number")

    @property
    def latest_version(self) -> ReportVersion | None:
        return self.versions[-1] if self.versions else None

    def section(self, key: str) -> ReportSection | None:
        return next((s for s in self.sections if s.key == key), None)

    def text(self, key: str) -> str:
        s = self.section(key)
        return s.body if s else ""


class ReportSection(db.Model):
    """One free text of the report (executive summary, an answer to a host question ...)."""

    __tablename__ = "report_section"
    __table_args__ = (UniqueConstraint("report_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    report: Mapped[Report] = relationship(back_populates="sections")
    updated_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


finding_observation = Table(
    "report_finding_observation", db.metadata,
    Column("finding_id", ForeignKey("report_finding.id", ondelete="CASCADE"), primary_key=True),
    Column("observation_id", ForeignKey("observation.id", ondelete="CASCADE"), primary_key=True),
)


class Finding(db.Model):
    """The team's agreed rating and text for one key factor."""

    __tablename__ = "report_finding"
    __table_args__ = (UniqueConstraint("report_id", "key_factor_id"), rating())

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    key_factor_id: Mapped[int] = mapped_column(ForeignKey("key_factor.id", ondelete="RESTRICT"))
    rating: Mapped[str | None] = mapped_column(String(4))
    rationale: Mapped[str] = mapped_column(Text, default="")
    strengths: Mapped[str] = mapped_column(Text, default="")
    improvements: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    report: Mapped[Report] = relationship(back_populates="findings")
    key_factor: Mapped[KeyFactor] = relationship()
    updated_by: Mapped[User | None] = relationship()
    observations: Mapped[list[Observation]] = relationship(
        secondary=finding_observation, order_by="Observation.id")

    __mapper_args__ = {"version_id_col": version}


class Recommendation(db.Model):
    """A concrete action the team recommends; the host responds to it and reports progress.

    The id is stable: mentoring and other features may refer to it. So is its **code** (R1,
    R2 ...): ``number`` is given when the report is first issued, in the document's order, and
    never changes; a recommendation added for a corrected version gets the next free number
    when that version is issued. Until then :func:`peerreview.reports.services.numbering`
    gives the provisional code.
    """

    __tablename__ = "report_recommendation"
    __table_args__ = (UniqueConstraint("report_id", "number"), one_of("priority", PRIORITIES))

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    key_factor_id: Mapped[int] = mapped_column(ForeignKey("key_factor.id", ondelete="RESTRICT"), index=True)
    action: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text, default="")
    priority: Mapped[str] = mapped_column(String(10), default="medium")
    owner: Mapped[str] = mapped_column(String(200), default="")
    timeframe_months: Mapped[int] = mapped_column(Integer, default=12)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # R<number>, given at the first issue that contains it; issued_on: that version's date
    number: Mapped[int | None] = mapped_column(Integer)
    issued_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # follow-up by the host city, after issue (the history is in RecommendationUpdate)
    response: Mapped[str | None] = mapped_column(String(20))
    response_reason: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime | None] = mapped_column(DateTime)
    progress: Mapped[str | None] = mapped_column(String(20))
    progress_note: Mapped[str] = mapped_column(Text, default="")
    progress_on: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)   # when progress became "done"

    report: Mapped[Report] = relationship(back_populates="recommendations")
    key_factor: Mapped[KeyFactor] = relationship()
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    updates: Mapped[list[RecommendationUpdate]] = relationship(
        back_populates="recommendation", order_by="RecommendationUpdate.id",
        cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def code(self) -> str | None:
        """"R5" once issued; None before (see services.numbering for the provisional code)."""
        return f"R{self.number}" if self.number else None

    @property
    def priority_label(self) -> str:
        return str(PRIORITIES.get(self.priority, self.priority))

    @property
    def timeframe_label(self) -> str:
        if self.timeframe_months in TIMEFRAMES:
            return str(TIMEFRAMES[self.timeframe_months])
        return ngettext("%(num)d month", "%(num)d months", self.timeframe_months or 0)


class RecommendationUpdate(db.Model):
    """One step of the follow-up: the host's response, or a progress report."""

    __tablename__ = "report_recommendation_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("report_recommendation.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "response" or "progress"
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    on_date: Mapped[date | None] = mapped_column(Date)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    recommendation: Mapped[Recommendation] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()


class ReportRevision(db.Model):
    """Every saved version of every text (a section, a finding, a recommendation)."""

    __tablename__ = "report_revision"
    __table_args__ = (Index("ix_report_revision_target", "report_id", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(20))  # "section", "finding", "recommendation"
    target_id: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict] = mapped_column(JSON, default=dict)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    author: Mapped[User | None] = relationship()


class ReportComment(db.Model):
    """A comment on one part of the draft: a text, one finding (``kf:<key factor id>``), one
    recommendation (``rec:<id>``) or the report as a whole (``section`` names the place).

    ``kind`` "team": the team's internal discussion, never shown to the host city.
    ``kind`` "host": the host city's factual-check comment, which the team answers.
    A comment on a finding or a recommendation also points at it; if the recommendation is
    removed before issue the comment stays, with ``section`` as its place.
    """

    __tablename__ = "report_comment"
    __table_args__ = (
        CheckConstraint("finding_id IS NULL OR recommendation_id IS NULL", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(40))
    finding_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_finding.id", ondelete="SET NULL"), index=True)
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_recommendation.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    answer: Mapped[str | None] = mapped_column(String(20))
    answer_note: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)

    report: Mapped[Report] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])


class ReportVersion(db.Model):
    """An issued PDF: rendered once, stored under instance/reports/<sha256>.pdf, never changed."""

    __tablename__ = "report_version"
    __table_args__ = (UniqueConstraint("report_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="RESTRICT"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    report: Mapped[Report] = relationship(back_populates="versions")
    issued_by: Mapped[User | None] = relationship()
