"""The implementing city's action plan: actions and their updates, saved versions of the plan,
and the administration's endorsement of a version.

An action may come from a recommendation of a peer review's feedback report:
``recommendation_id`` refers to :class:`peerreview.reports.models.Recommendation`, whose id
never changes once the report is issued. ``source`` is a free-text origin for anything else
("Study visit to Vienna, May 2026").
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

import peerreview.reports.models  # noqa: F401 - the table an action's recommendation_id refers to
from peerreview.extensions import db
from peerreview.i18n import lazy_gettext as _l
from peerreview.timeutil import utcnow

if TYPE_CHECKING:
    from peerreview.auth.models import User
    from peerreview.framework.models import KeyFactor
    from peerreview.mentoring.models import Mentorship
    from peerreview.reports.models import Recommendation

ACTION_STATUSES = {"proposed": _l("Proposed by a mentor"), "planned": _l("Planned"), "in_progress": _l("In progress"), "done": _l("Done"),
                   "dropped": _l("Dropped")}
OPEN_ACTION_STATUSES = ("planned", "in_progress")
AT_RISK_DAYS = 14


class MentoringAction(db.Model):
    """One action of the plan: what, who owns it, by when, with what, and how success shows."""

    __tablename__ = "mentoring_action"
    __table_args__ = (
        UniqueConstraint("mentorship_id", "number"),
        CheckConstraint("status IN ('proposed', 'planned', 'in_progress', 'done', 'dropped')",
                        name="status"),
        CheckConstraint("status != 'dropped' OR drop_reason != ''", name="dropped_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorship.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)          # A1, A2 ... within the mentorship
    key_factor_id: Mapped[int] = mapped_column(ForeignKey("key_factor.id", ondelete="RESTRICT"))
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    deadline: Mapped[date] = mapped_column(Date, index=True)
    resources: Mapped[str] = mapped_column(Text, default="")
    indicator: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="planned", index=True)
    drop_reason: Mapped[str] = mapped_column(Text, default="")
    done_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300), default="")
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_recommendation.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # a mentor's proposal: status "proposed" until the implementing city accepts or declines it
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    mentorship: Mapped[Mentorship] = relationship(back_populates="actions")
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    key_factor: Mapped[KeyFactor] = relationship()
    recommendation: Mapped[Recommendation | None] = relationship()
    updates: Mapped[list[ActionUpdate]] = relationship(
        back_populates="action", cascade="all, delete-orphan",
        order_by="(ActionUpdate.on_date, ActionUpdate.id)")

    __mapper_args__ = {"version_id_col": version}

    @property
    def code(self) -> str:
        return f"A{self.number}"

    @property
    def status_label(self) -> str:
        return ACTION_STATUSES.get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.deadline < today

    def is_at_risk(self, today: date) -> bool:
        """Due within the next 14 days and not finished (planned or in progress)."""
        return self.is_open and 0 <= (self.deadline - today).days <= AT_RISK_DAYS


class ActionUpdate(db.Model):
    """A dated note about an action, with an optional change of its status."""

    __tablename__ = "mentoring_action_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("mentoring_action.id", ondelete="CASCADE"), index=True)
    on_date: Mapped[date] = mapped_column(Date, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    action: Mapped[MentoringAction] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()


class PlanVersion(db.Model):
    """The plan as it stood when saved as a version: a frozen copy of every action."""

    __tablename__ = "mentoring_plan_version"
    __table_args__ = (UniqueConstraint("mentorship_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorship.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    # [{"code", "key_factor", "description", "owner", "deadline", "resources", "indicator",
    #   "status", "source"}], in the plan's order
    snapshot: Mapped[list[dict]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    mentorship: Mapped[Mentorship] = relationship(back_populates="plan_versions")
    created_by: Mapped[User | None] = relationship()
    endorsements: Mapped[list[PlanEndorsement]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="PlanEndorsement.id")


class PlanEndorsement(db.Model):
    """Who in the implementing city's administration endorsed a version of the plan, and when.
    Recorded by a mentee."""

    __tablename__ = "mentoring_plan_endorsement"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("mentoring_plan_version.id", ondelete="CASCADE"), index=True)
    endorsed_by: Mapped[str] = mapped_column(String(200))    # "Deputy Mayor for Integration"
    body: Mapped[str] = mapped_column(String(200), default="")  # "City executive board"
    endorsed_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    version: Mapped[PlanVersion] = relationship(back_populates="endorsements")
    recorded_by: Mapped[User | None] = relationship()
