"""Forming a review's team with the matcher: propose, store, change by hand, choose roles,
invite, and find a replacement after a decline. Seats live in reviews.TeamMember:
"proposed" (the matcher's or the coordinator's suggestion), then "invited", then "accepted"
or "declined"; a seat taken off the team after its peer was told stays as "removed".

The team changes until the end of the visit week: a peer who drops out while the visit is being
prepared, or during the visit, is replaced the same way (the matcher proposes who fits the
rules, keeping the invited and accepted peers, and the coordinator sends a new invitation).
Hand changes and invitations are written in the review's history."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from peerreview.audit.services import record
from peerreview.domain import DomainError, NotAllowed
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.matching.loader import build_problem
from peerreview.matching.models import MatchRun, PeerProfile
from peerreview.matching.problem import Problem
from peerreview.matching.rules import check_team
from peerreview.matching.solver import DEFAULT_TIME_LIMIT, MatchResult, Team, solve
from peerreview.reviews import services as seats
from peerreview.reviews.workflow import STATE_LABELS

ACTIVE = ("proposed", "invited", "accepted")
GONE = ("declined", "removed")
# The team is formed, and changed when someone drops out, until the visit week is over.
TEAM_CHANGE_STATES = ("team_forming", "preparing", "visit")


def matchable(review) -> None:
    if review.state not in TEAM_CHANGE_STATES:
        raise NotAllowed(_("The team changes while it is formed and until the end of the visit "
                           "week; this review is %(state)s.",
                           state=str(STATE_LABELS[review.state]).lower()))
    if not review.visit_start or not review.visit_end:
        raise NotAllowed(_("Set the visit dates first: the matcher needs them."))


def active_ids(review) -> list[int]:
    """The peers on the team (experts and staff hold seats outside the rules)."""
    from peerreview.reviews.models import OUTSIDE_ROLES

    return [s.user_id for s in sorted(review.team, key=lambda s: s.id)
            if s.status in ACTIVE and s.role not in OUTSIDE_ROLES]


def propose(reviews, *, time_limit: float = DEFAULT_TIME_LIMIT) -> tuple[MatchResult, Problem]:
    """The matcher's answer for ``reviews``, without changing anything."""
    reviews = sorted(reviews, key=lambda r: r.id)
    for review in reviews:
        matchable(review)
    problem = build_problem(reviews)
    return solve(problem, time_limit=time_limit), problem


def run(reviews, *, actor, time_limit: float = DEFAULT_TIME_LIMIT, store: bool = True,
        kind: str = "team") -> tuple[MatchResult, Problem]:
    """Run the matcher, record the run on each review, and (``store``) keep each proposal as
    seats with status "proposed", replacing earlier proposed seats."""
    reviews = sorted(reviews, key=lambda r: r.id)
    result, problem = propose(reviews, time_limit=time_limit)
    for review in reviews:
        team = result.teams.get(review.id)
        messages = result.reasons(review.id) + result.messages
        names = [problem.by_id[u].name for u in team.members] if team else []
        db.session.add(MatchRun(
            review=review, actor_id=getattr(actor, "id", None), kind=kind,
            status=result.status if team else "INFEASIBLE", objective=result.objective if team else None,
            bound=result.bound if team else None, seconds=round(result.seconds, 3),
            proposed=team.members if team else [], messages=messages, stored=bool(store and team),
            details={"round": [r.id for r in reviews] if len(reviews) > 1 else [],
                     "roles": {str(u): r for u, r in (team.roles.items() if team else [])},
                     "declined": sorted(s.user_id for s in review.team if s.status in GONE)}))
        record("matching.run", review, actor=actor, changes={
            "kind": kind, "status": result.status if team else "INFEASIBLE",
            "objective": result.objective if team else None, "bound": result.bound if team else None,
            "proposed": names, "stored": bool(store and team), "reasons": messages})
        if store and team:
            store_proposal(review, problem, team, actor=actor, status=result.status)
    db.session.flush()
    return result, problem


def store_proposal(review, problem: Problem, team: Team, *, actor, status: str = "") -> None:
    from peerreview.auth.models import User
    from peerreview.reviews.models import ReviewEvent

    keep = set(team.members)
    for seat in list(review.team):
        if seat.status == "proposed" and seat.user_id not in keep:
            seats.remove_member(seat, actor=actor)
    db.session.flush()
    db.session.expire(review, ["team"])
    by_user = {s.user_id: s for s in review.team}
    added = []
    for u in team.members:
        if u not in by_user:
            by_user[u] = seats.add_member(review, db.session.get(User, u), role=team.roles.get(u, "peer"),
                                          status="proposed", actor=actor)
            added.append(problem.by_id[u].name)
    for u in team.members:
        role = team.roles.get(u, "peer")
        if by_user[u].role != role and (role != "peer" or by_user[u].role in ("lead", "rapporteur")):
            seats.set_seat_role(by_user[u], role, actor=actor)
    word = {"OPTIMAL": "best possible", "FEASIBLE": "good, not proven best"}.get(status, status.lower())
    note = (f"Team proposed by the matcher ({word}): " + ", ".join(added)) if added else \
        f"Matcher run ({word}): the team stays as it is"
    db.session.add(ReviewEvent(review=review, actor_id=getattr(actor, "id", None),
                               from_state=review.state, to_state=review.state, note=note))


# --- changes by hand ------------------------------------------------------------------------

@dataclass
class Change:
    """What a hand-made change does to the rules, before it is saved."""

    out_name: str | None
    in_name: str | None
    before: list[str]
    after: list[str]
    members: list[int] = field(default_factory=list)

    @property
    def breaks(self) -> list[str]:
        return [b for b in self.after if b not in self.before]

    @property
    def mends(self) -> list[str]:
        return [b for b in self.before if b not in self.after]


def preview_change(review, *, out_user=None, in_user=None) -> Change:
    """Check every hard rule on the team with ``out_user`` taken off and ``in_user`` put on."""
    if out_user is None and in_user is None:
        raise DomainError(_("Choose whom to take off the team, whom to put on, or both."),
                          field="out_id")
    current = active_ids(review)
    if out_user is not None:
        seat = next((s for s in review.team if s.user_id == out_user.id), None)
        if seat is None or seat.status not in ACTIVE:
            raise DomainError(_("%(name)s is not on the team.", name=out_user.name), field="out_id")
        if seat.status != "proposed":
            raise DomainError(_("%(name)s has been %(status)s; withdraw the seat first "
                                "if they should leave the team.", name=out_user.name,
                                status=seat.status), field="out_id")
    if in_user is not None:
        if in_user.id in current:
            raise DomainError(_("%(name)s is already on the team.", name=in_user.name), field="in_id")
        if any(s.user_id == in_user.id and s.status == "declined" for s in review.team):
            raise DomainError(_("%(name)s declined this review.", name=in_user.name), field="in_id")
        if in_user.city_id is None:
            raise DomainError(_("%(name)s does not belong to a member city.", name=in_user.name),
                              field="in_id")
    problem = build_problem([review], extra_users=[u for u in (in_user,) if u is not None])
    spec = problem.reviews[0]
    after = [u for u in current if out_user is None or u != out_user.id]
    if in_user is not None:
        after.append(in_user.id)
    roles = {s.user_id: s.role for s in review.team if s.status in ACTIVE}

    def check(ids):
        return check_team(spec, [problem.by_id[u] for u in ids if u in problem.by_id], roles=roles)

    return Change(out_user.name if out_user else None, in_user.name if in_user else None,
                  check(current), check(after), after)


def apply_change(review, *, out_user=None, in_user=None, acknowledge: bool = False, actor) -> Change:
    matchable(review)
    change = preview_change(review, out_user=out_user, in_user=in_user)
    if change.breaks and not acknowledge:
        raise DomainError(_("This change breaks %(rules)s. Tick \u201cSave anyway\u201d to keep it.",
                            rules="; ".join(change.breaks)), field="acknowledge")
    role = "peer"
    if out_user is not None:
        seat = next(s for s in review.team if s.user_id == out_user.id)
        role = seat.role if seat.role == "expert" else "peer"
        seats.remove_member(seat, actor=actor)
        db.session.flush()
        db.session.expire(review, ["team"])
    if in_user is not None:
        seats.add_member(review, in_user, role=role, status="proposed", actor=actor)
    record("matching.change", review, actor=actor, changes={
        "out": change.out_name, "in": change.in_name, "breaks": change.breaks})
    if change.in_name and change.out_name:
        note = f"Team changed by hand: {change.in_name} proposed instead of {change.out_name}"
    elif change.in_name:
        note = f"Team changed by hand: {change.in_name} proposed"
    else:
        note = f"Team changed by hand: {change.out_name} no longer proposed"
    if change.breaks:
        note += " (breaks: " + "; ".join(change.breaks) + ")"
    seats.team_event(review, actor, note)
    return change


def set_roles(review, *, lead_id: int, rapporteur_id: int | None, actor) -> None:
    from peerreview.reviews.models import OUTSIDE_ROLES

    matchable(review)
    active = {s.user_id: s for s in review.team if s.status in ACTIVE and s.role not in OUTSIDE_ROLES}
    lead = active.get(lead_id)
    if lead is None:
        raise DomainError(_("Choose the lead among the team."), field="lead_id")
    rap = active.get(rapporteur_id) if rapporteur_id else None
    if rapporteur_id and rap is None:
        raise DomainError(_("Choose the rapporteur among the team."), field="rapporteur_id")
    if rap is lead:
        raise DomainError(_("The lead and the rapporteur are two different people."),
                          field="rapporteur_id")
    trained = set(db.session.scalars(select(PeerProfile.user_id).where(
        PeerProfile.user_id.in_(list(active)), PeerProfile.trained.is_(True))))
    if trained and lead_id not in trained:
        names = sorted(active[u].user.name for u in trained)
        raise DomainError(_("The lead must be a trained peer when the team has one: %(names)s.",
                            names=", ".join(names)), field="lead_id")
    changed = []
    if lead.role != "lead":
        seats.set_seat_role(lead, "lead", actor=actor)
        changed.append(f"{lead.user.name} leads the team")
    if rap is not None and rap.role != "rapporteur":
        seats.set_seat_role(rap, "rapporteur", actor=actor)
        changed.append(f"{rap.user.name} is the rapporteur")
    if changed:
        seats.team_event(review, actor, "Roles chosen: " + "; ".join(changed))


def send_invitations(review, *, actor) -> list:
    """Invite every proposed peer: their seats become "invited" and each gets an e-mail with a
    link to the review page, where they accept or decline."""
    from peerreview.notifications.queue import queue_mail
    from peerreview.urls import absolute_url

    matchable(review)
    proposed = [s for s in sorted(review.team, key=lambda s: s.id) if s.status == "proposed"]
    if not proposed:
        raise DomainError(_("No one is waiting for an invitation: run the matcher or add a peer "
                            "first."))
    active = [s for s in review.team if s.status in ACTIVE and s.role not in ("external", "staff")]
    if not any(s.role == "lead" for s in active):
        raise DomainError(_("Choose a team lead before sending the invitations."), field="lead_id")
    if len(active) > 1 and not any(s.role == "rapporteur" for s in active):
        raise DomainError(_("Choose a rapporteur before sending the invitations."),
                          field="rapporteur_id")
    inactive = [s.user.name for s in proposed if not s.user.is_active]
    if inactive:
        raise DomainError(_("These accounts are closed; take them off the team first: %(names)s.",
                            names=", ".join(inactive)))
    link = absolute_url("reviews.show", review_id=review.id)
    for seat in proposed:
        seats.set_seat_status(seat, "invited", actor=actor)
        queue_mail(seat.user.email, "team_invitation", user=seat.user, review=review, seat=seat,
                   link=link, actor=actor)
    record("matching.invite", review, actor=actor, changes={"invited": [s.user.name for s in proposed]})
    seats.team_event(review, actor, "Invitations sent to " + ", ".join(s.user.name for s in proposed))
    return proposed


def pending_decline(review):
    """The latest drop-out (a decline, or a seat taken off the team) that no stored matcher run
    has taken into account yet, if any."""
    if review.state not in TEAM_CHANGE_STATES:
        return None
    last = db.session.scalar(select(MatchRun).where(
        MatchRun.review_id == review.id, MatchRun.stored.is_(True)).order_by(MatchRun.id.desc()).limit(1))
    known = set((last.details or {}).get("declined", [])) if last is not None else set()
    declined = [s for s in review.team if s.status in GONE and s.user_id not in known]
    if not declined:
        return None
    if len([s for s in review.team if s.status in ACTIVE]) >= review.team_max:
        return None
    return max(declined, key=lambda s: (s.answered_at or s.created_at, s.id))
