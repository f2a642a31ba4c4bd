"""The visit programme: sessions of the visit week, who attends them, and their clashes.

The host city drafts the programme; the coordinator and the team lead edit it (see
``permissions.can_edit_programme``). Rules: a session ends after it starts, falls inside the
visit dates, and never puts a peer into two sessions at once. A save that would create such a
clash is refused with a message naming the peer and the other session; clashes that arise in
other ways are found by ``clashes()`` and shown on the programme page.

Concurrent edits: each session has a version number. A save that was loaded with an older
version is refused with ``Conflict`` (its ``current`` is the session as saved now).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import flag_modified, set_committed_value

from peerreview.audit.services import record
from peerreview.domain import Conflict, DomainError
from peerreview.extensions import db
from peerreview.formatting import clock, day
from peerreview.i18n import gettext as _
from peerreview.reviews.models import (
    ACTIVE_SEAT_STATUSES,
    ORGANISATION_TYPES,
    SESSION_TYPES,
    Review,
    TeamMember,
    VisitSession,
)

MAX_TITLE = 200
MAX_VENUE = 200
MAX_TEXT = 5_000


@dataclass
class SessionInput:
    """What a form sends for one session. Ids refer to the review's seats and key factors."""

    day: date | None
    start_time: time | None
    end_time: time | None
    title: str
    venue: str = ""
    session_type: str = "interview"
    organisations: str = ""
    organisation_types: list[str] = field(default_factory=list)
    interpreter_needed: bool = False
    attendee_ids: list[int] = field(default_factory=list)
    key_factor_ids: list[int] = field(default_factory=list)
    notes: str = ""


@dataclass(frozen=True)
class Clash:
    """``member`` is in ``session`` and, at an overlapping time, in ``other``."""

    session: VisitSession
    other: VisitSession
    member: TeamMember

    @property
    def message(self) -> str:
        return _("%(name)s is already in %(other)s", name=self.member.user.display_name, other=describe(self.other))


# --- helpers for views and the calendar ------------------------------------------------------

def hhmm(value: time) -> str:
    return clock(value)


def org_labels(types: Iterable[str] | None) -> str:
    """'Service provider, NGO' for ['service_provider', 'ngo']."""
    return ", ".join(str(ORGANISATION_TYPES.get(t, t)) for t in types or [])


def describe(session: VisitSession) -> str:
    """'Meeting with the language school' 10:00-11:30"""
    return f"'{session.title}' {hhmm(session.start_time)}-{hhmm(session.end_time)}"


def eligible_attendees(review: Review) -> list[TeamMember]:
    """The team members who may attend sessions: every seat that is not declined."""
    return [s for s in review.team if s.status in ACTIVE_SEAT_STATUSES]


def visit_days(review: Review) -> list[date]:
    if not review.visit_start or not review.visit_end:
        return []
    return [review.visit_start + timedelta(days=i)
            for i in range((review.visit_end - review.visit_start).days + 1)]


def load_sessions(review: Review, *, team: bool = True) -> list[VisitSession]:
    """The review's sessions in order, with attendees, their users and key factors loaded
    (and the team with its users, for the form). Call it before changing anything: the team
    is reloaded from the database (``team=False``: not, where this request has just loaded
    it, as ``reviews.views.load_review`` does)."""
    if team:
        members = db.session.scalars(
            select(TeamMember).where(TeamMember.review_id == review.id)
            .options(joinedload(TeamMember.user)).order_by(TeamMember.id)
            .execution_options(populate_existing=True)).all()
        set_committed_value(review, "team", list(members))
    sessions = list(db.session.scalars(
        select(VisitSession).where(VisitSession.review_id == review.id)
        .options(selectinload(VisitSession.attendees).selectinload(TeamMember.user),
                 selectinload(VisitSession.key_factors))
        .order_by(VisitSession.day, VisitSession.start_time, VisitSession.id)))
    set_committed_value(review, "sessions", list(sessions))
    return sessions


def by_day(review: Review, sessions: Iterable[VisitSession], *, all_days: bool = True
           ) -> list[tuple[date, list[VisitSession]]]:
    """[(day, sessions of that day)] for each visit day (``all_days``) or each day with sessions."""
    groups: dict[date, list[VisitSession]] = {d: [] for d in visit_days(review)} if all_days else {}
    for s in sessions:
        groups.setdefault(s.day, []).append(s)
    return sorted(groups.items())


def _overlap(day_a, start_a, end_a, day_b, start_b, end_b) -> bool:
    return day_a == day_b and start_a < end_b and start_b < end_a


def clashes(sessions: Iterable[VisitSession]) -> dict[int, list[Clash]]:
    """Every existing clash, by session id: a peer (not declined) in two overlapping sessions."""
    sessions = list(sessions)
    out: dict[int, list[Clash]] = {}
    for i, a in enumerate(sessions):
        for b in sessions[i + 1:]:
            if not _overlap(a.day, a.start_time, a.end_time, b.day, b.start_time, b.end_time):
                continue
            b_ids = {m.id for m in b.attendees}
            for member in a.attendees:
                if member.id in b_ids and member.status in ACTIVE_SEAT_STATUSES:
                    out.setdefault(a.id, []).append(Clash(a, b, member))
                    out.setdefault(b.id, []).append(Clash(b, a, member))
    return out


# --- rules -----------------------------------------------------------------------------------

def _clean(review: Review, values: SessionInput) -> dict:
    if not review.visit_start or not review.visit_end:
        raise DomainError(_("The visit dates are not set yet, so no session can be planned. The "
                          "secretariat fixes them when it accepts the request."))
    title = (values.title or "").strip()
    if not title:
        raise DomainError(_("Give the session a title."), field="title")
    if len(title) > MAX_TITLE:
        raise DomainError(_("Keep the title under %(max_title)s characters.", max_title=MAX_TITLE), field="title")
    venue = (values.venue or "").strip()
    if len(venue) > MAX_VENUE:
        raise DomainError(_("Keep the venue under %(max_venue)s characters.", max_venue=MAX_VENUE), field="venue")
    if values.day is None:
        raise DomainError(_("Choose the day of the session."), field="day")
    if not review.visit_start <= values.day <= review.visit_end:
        raise DomainError(
            _("The visit runs from %(start)s to %(end)s; choose a day inside it.",
              start=day(review.visit_start), end=day(review.visit_end)), field="day")
    if values.start_time is None:
        raise DomainError(_("Give the start time."), field="start_time")
    if values.end_time is None:
        raise DomainError(_("Give the end time."), field="end_time")
    if values.end_time <= values.start_time:
        raise DomainError(_("The session ends before it starts."), field="end_time")
    if values.session_type not in SESSION_TYPES:
        raise DomainError(_("Choose a type of session from the list."), field="session_type")
    org_types = list(dict.fromkeys(values.organisation_types or []))
    if any(t not in ORGANISATION_TYPES for t in org_types):
        raise DomainError(_("Choose organisation types from the list."), field="organisation_types")
    organisations, notes = (values.organisations or "").strip(), (values.notes or "").strip()
    if len(organisations) > MAX_TEXT:
        raise DomainError(_("Keep this under %(max_text)s characters.", max_text=f"{MAX_TEXT:,}"), field="organisations")
    if len(notes) > MAX_TEXT:
        raise DomainError(_("Keep the notes under %(max_text)s characters.", max_text=f"{MAX_TEXT:,}"), field="notes")
    seats = {s.id: s for s in eligible_attendees(review)}
    wanted = list(dict.fromkeys(values.attendee_ids or []))
    if any(i not in seats for i in wanted):
        raise DomainError(_("Only peers on this review's team (who have not declined) can attend."),
                          field="attendees")
    factors = {kf.id: kf for kf in review.benchmark.key_factors}
    kf_ids = list(dict.fromkeys(values.key_factor_ids or []))
    if any(i not in factors for i in kf_ids):
        raise DomainError(_("Choose key factors of this review's benchmark."), field="key_factors")
    return {
        "day": values.day, "start_time": values.start_time, "end_time": values.end_time,
        "title": title, "venue": venue, "session_type": values.session_type,
        "organisations": organisations, "organisation_types": org_types,
        "interpreter_needed": bool(values.interpreter_needed), "notes": notes,
        "attendees": sorted((seats[i] for i in wanted), key=lambda s: s.id),
        "key_factors": sorted((factors[i] for i in kf_ids), key=lambda kf: kf.position),
    }


def _refuse_clashes(review: Review, cleaned: dict, session: VisitSession | None) -> None:
    """Refuse a save that would put a peer into two sessions at once.

    A clash the saved session already has (made when the team changed, for example) does not
    block other edits of it: it stays marked on the programme until someone resolves it.
    """
    found = []
    wanted = {m.id for m in cleaned["attendees"]}
    before = {m.id for m in session.attendees} if session is not None else set()
    for other in review.sessions:
        if other is session or not wanted:
            continue
        if not _overlap(cleaned["day"], cleaned["start_time"], cleaned["end_time"],
                        other.day, other.start_time, other.end_time):
            continue
        had_overlap = session is not None and _overlap(
            session.day, session.start_time, session.end_time,
            other.day, other.start_time, other.end_time)
        for member in other.attendees:
            if member.id in wanted and not (had_overlap and member.id in before):
                found.append(f"{member.user.display_name} is already in {describe(other)}")
    if found:
        raise DomainError("; ".join(found) + ". A peer cannot be in two sessions at once: "
                          "choose other peers or another time.", field="attendees")


def _audit_values(cleaned: dict) -> dict:
    out = {k: v for k, v in cleaned.items() if k not in ("attendees", "key_factors")}
    out["attendees"] = [m.user.display_name for m in cleaned["attendees"]]
    out["key_factors"] = [kf.code for kf in cleaned["key_factors"]]
    return out


def _snapshot(session: VisitSession) -> dict:
    return _audit_values({
        "day": session.day, "start_time": session.start_time, "end_time": session.end_time,
        "title": session.title, "venue": session.venue, "session_type": session.session_type,
        "organisations": session.organisations,
        "organisation_types": list(session.organisation_types or []),
        "interpreter_needed": session.interpreter_needed, "notes": session.notes,
        "attendees": list(session.attendees), "key_factors": list(session.key_factors)})


# --- operations ------------------------------------------------------------------------------

def add_session(review: Review, values: SessionInput, *, actor) -> VisitSession:
    cleaned = _clean(review, values)
    _refuse_clashes(review, cleaned, None)
    session = VisitSession(review=review, **cleaned)
    db.session.add(session)
    db.session.flush()
    record("review.session_add", review, actor=actor,
           changes={"session_id": session.id, **_audit_values(cleaned)})
    return session


def update_session(session: VisitSession, values: SessionInput, *, version: int | None, actor) -> dict:
    """Save the edit; returns {field: [old, new]}. Conflict if the session changed meanwhile."""
    review = session.review
    if version is not None and version != session.version:
        raise Conflict(_("Someone else changed this session while you were editing it. Nothing "
                       "was saved."), current=session)
    cleaned = _clean(review, values)
    _refuse_clashes(review, cleaned, session)
    before, after = _snapshot(session), _audit_values(cleaned)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if not changes:
        return {}
    for key, value in cleaned.items():
        if getattr(session, key) != value:
            setattr(session, key, value)
    # A change of attendees or key factors alone touches no column of the row: mark one so
    # that the version number moves on and other open forms see the change.
    flag_modified(session, "title")
    db.session.flush()
    record("review.session_update", review, actor=actor,
           changes={"session_id": session.id, "title": session.title, **changes})
    return changes


def delete_session(session: VisitSession, *, version: int | None = None, actor) -> None:
    if version is not None and version != session.version:
        raise Conflict(_("Someone else changed this session after you loaded the page. Check "
                       "it, then delete it again if it should go."), current=session)
    review = session.review
    record("review.session_delete", review, actor=actor,
           changes={"session_id": session.id, **_snapshot(session)})
    review.sessions.remove(session)
    db.session.delete(session)
    db.session.flush()
