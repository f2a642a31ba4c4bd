"""The people of the visit week who are not on the team, and the participants' own evaluation.

- :class:`Interviewee`: someone the team meets in a session (no account). The host lists them,
  invites them by e-mail with a secret link, and they answer: attending or not, and what they
  consent to. Contact details are erased a set time after the report is issued
  (``peerreview.people.retention``).
- :class:`ConsentOverride`: the reason given to issue a report that still names, or quotes,
  someone who did not consent.
- :class:`FirstImpressions`: the team's oral feedback at the end of the visit week.
- :class:`SurveyResponse`: one participant's answer to the visit survey or the outcome survey.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.constraints import one_of
from peerreview.extensions import db
from peerreview.i18n import lazy_gettext as _l
from peerreview.timeutil import utcnow

if TYPE_CHECKING:
    from peerreview.auth.models import User
    from peerreview.reviews.models import Review, VisitSession

ATTENDANCE = {"yes": _l("Attending"), "no": _l("Not attending")}
QUOTE_CONSENT = {
    "named": _l("May be quoted by name"),
    "anonymous": _l("May be quoted without name"),
    "none": _l("Not to be quoted"),
}
OVERRIDE_KINDS = ("name", "quote")
SURVEY_KINDS = ("visit", "outcome")


class Interviewee(db.Model):
    """A person the team meets in one session of the visit programme."""

    __tablename__ = "interviewee"
    __table_args__ = (one_of("attending", tuple(ATTENDANCE), nullable=True),
                      one_of("quote_consent", tuple(QUOTE_CONSENT), nullable=True))

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("visit_session.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    organisation_type: Mapped[str] = mapped_column(String(30), default="other")
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(50))
    language: Mapped[str] = mapped_column(String(8), default="en")
    # only the SHA-256 of the secret link is kept; a new invitation replaces it
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invited_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    attending: Mapped[str | None] = mapped_column(String(5))
    quote_consent: Mapped[str | None] = mapped_column(String(10))
    photo_consent: Mapped[bool | None] = mapped_column(Boolean)
    contact_erased_at: Mapped[datetime | None] = mapped_column(DateTime)
    name_erased_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    review: Mapped[Review] = relationship()
    session: Mapped[VisitSession] = relationship(
        backref=db.backref("interviewees", order_by="Interviewee.id", passive_deletes="all"))

    @property
    def may_be_named(self) -> bool:
        return self.quote_consent == "named"

    @property
    def display_name(self) -> str:
        return self.name


class ConsentOverride(db.Model):
    """Issue goes ahead although the report names (``kind`` "name") or quotes ("quote") someone
    who did not consent; the reason is kept here and in the review's history."""

    __tablename__ = "consent_override"
    __table_args__ = (UniqueConstraint("review_id", "interviewee_id", "kind"),
                      one_of("kind", OVERRIDE_KINDS))

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    interviewee_id: Mapped[int] = mapped_column(ForeignKey("interviewee.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    interviewee: Mapped[Interviewee] = relationship()


class FirstImpressions(db.Model):
    """The oral feedback the team gives the host at the end of the visit week, as recorded."""

    __tablename__ = "first_impressions"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), unique=True)
    body: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    shared_at: Mapped[datetime | None] = mapped_column(DateTime)
    shared_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    review: Mapped[Review] = relationship(backref=db.backref("first_impressions", uselist=False))
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    __mapper_args__ = {"version_id_col": version}


class SurveyResponse(db.Model):
    """One person's answer to a survey about one review: "visit" (the host and the team, after
    the visit week) or "outcome" (the host city, twelve months after issue)."""

    __tablename__ = "survey_response"
    __table_args__ = (UniqueConstraint("review_id", "user_id", "kind"), one_of("kind", SURVEY_KINDS))

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    # "host" or "team": whose view it is (kept when the account is erased)
    respondent: Mapped[str] = mapped_column(String(10))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    review: Mapped[Review] = relationship()
    user: Mapped[User | None] = relationship()
