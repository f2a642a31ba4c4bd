"""Seats outside the matcher's rules: an external expert (facilitator) and the network's
secretariat staff. They are agreed with the person directly, so the seat is accepted at once;
they write notes and draft like the peers, do not count for the team's size, one seat per city
or the countries, and appear in the report's team annex with their organisation. A coordinator
who joins the visit takes a staff seat for themselves and writes notes with the team.
"""

from __future__ import annotations

from sqlalchemy import select

from peerreview.audit.services import record
from peerreview.domain import DomainError, NotAllowed
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l
from peerreview.reviews import services as seats
from peerreview.reviews.models import OUTSIDE_ROLES, TeamMember

ROLE_LABELS = {"external": _l("External expert"), "staff": _l("Secretariat staff")}
HISTORY_WORDS = {"external": "external expert", "staff": "secretariat staff"}  # the history is kept as written


def candidates(review) -> list:
    """People who may take an outside seat: active accounts not from the host city and not on
    the team already (external experts usually have no city; staff are coordinators)."""
    from peerreview.auth.models import User

    taken = {s.user_id for s in review.team if s.status not in ("declined", "removed")}
    people = db.session.scalars(select(User).where(
        User.active.is_(True), User.erased_at.is_(None)).order_by(User.name)).all()
    return [u for u in people if u.id not in taken and u.city_id != review.host_city_id
            and (u.city_id is None or u.is_coordinator)]


def add_outside_seat(review, user, *, role: str, organisation: str, actor) -> TeamMember:
    if review.state not in ("team_forming", "preparing", "visit"):
        raise NotAllowed(_("Experts and staff join the team while it is formed and until the end of "
                           "the visit week."))
    if role not in OUTSIDE_ROLES:
        raise DomainError(_("Choose an external expert or secretariat staff."), field="role")
    if user is None or not user.is_active:
        raise DomainError(_("Choose a person from the list."), field="user_id")
    if user.city_id is not None and not user.is_coordinator:
        raise DomainError(_("%(name)s belongs to a member city: add them as a peer instead.",
                            name=user.name), field="user_id")
    organisation = " ".join((organisation or "").split())
    if not organisation:
        raise DomainError(_("Give the organisation: the report's team annex shows it."),
                          field="organisation")
    if len(organisation) > 200:
        raise DomainError(_("Keep the organisation under 200 characters."), field="organisation")
    old = next((s for s in review.team if s.user_id == user.id), None)
    if old is not None and old.status in ("declined", "removed"):
        old.role, old.status, old.organisation = role, "accepted", organisation
        seat = old
        record("review.team_add", review, actor=actor,
               changes={"user": user.name, "role": role, "status": "accepted"})
    else:
        seat = seats.add_member(review, user, role=role, status="accepted", actor=actor)
        seat.organisation = organisation
    from peerreview.timeutil import utcnow

    seat.answered_at = utcnow()
    seats.team_event(review, actor, f"{user.name} joins the team: {HISTORY_WORDS[role]} ({organisation})")
    return seat
