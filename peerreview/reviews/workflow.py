"""The review's state machine: every state change of a review goes through ``transition()``.

Each transition names who may make it and what must be true. A forbidden transition raises
NotAllowed with a message that says what is missing. Every transition records a timeline
event and an audit entry, and e-mails the people concerned once the change is committed.

Steps tied to the visit dates are guarded by them, in the host city's calendar. Too early by
far, a step is refused with the date from which it becomes possible (a check, listed with what
is missing). A little early (the visit week started the day before the visit, the report begun
before the last visit day), the step asks for a reason, which the review's history keeps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from peerreview import permissions as perm
from peerreview.audit.services import record
from peerreview.domain import NotAllowed
from peerreview.extensions import db
from peerreview.formatting import date_range, full_day
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l
from peerreview.i18n import ngettext
from peerreview.reviews.models import Review, ReviewEvent

STATE_LABELS = {
    "draft": _l("Draft request"),
    "requested": _l("Requested"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "team_forming": _l("Forming the team"),
    "preparing": _l("Preparing the visit"),
    "visit": _l("Visit week"),
    "reporting": _l("Writing the report"),
    "issued": _l("Report issued"),
    "follow_up": _l("Follow-up"),
    "closed": _l("Closed"),
    "cancelled": _l("Cancelled"),
}
# The main path, for the timeline on the review page.
MAIN_PATH = ("draft", "requested", "accepted", "team_forming", "preparing", "visit",
             "reporting", "issued", "follow_up", "closed")
BEFORE_ISSUE = ("draft", "requested", "accepted", "team_forming", "preparing", "visit", "reporting")

Check = Callable[[Review], str | None]


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    label: str
    who_text: str
    checks: tuple[Check, ...] = field(default_factory=tuple)
    needs_reason: bool = False
    # A step with a form of its own (accept) fills in what its checks need: the page does not
    # list those as missing.
    has_form: bool = False

    def who(self, user, review: Review) -> bool:
        """Whether ``user`` is one of those who take this step (the permissions package decides)."""
        return perm.may_take_step(user, review, self.name)


# --- checks: each returns what is missing, or None --------------------------------------------

def request_complete(review: Review) -> str | None:
    if not review.preferred_start or not review.preferred_end:
        return _("the preferred visit window is not given")
    if not review.working_languages:
        return _("no working language is chosen")
    return None


def visit_dates_set(review: Review) -> str | None:
    if not review.visit_start or not review.visit_end:
        return _("the visit dates are not set")
    return None


def team_complete(review: Review) -> str | None:
    from peerreview.reviews.models import OUTSIDE_ROLES

    # experts and staff hold seats outside the rules: only peers count
    accepted = [s for s in review.team if s.status == "accepted" and s.role not in OUTSIDE_ROLES]
    missing = []
    if len(accepted) < review.team_min:
        missing.append(ngettext("only %(accepted)d of at least %(num)d peer has accepted",
                                "only %(accepted)d of at least %(num)d peers have accepted",
                                review.team_min, accepted=len(accepted)))
    if not any(s.role == "lead" for s in accepted):
        missing.append(_("no team lead has accepted"))
    if not any(s.role == "rapporteur" for s in accepted):
        missing.append(_("no rapporteur has accepted"))
    waiting = [s for s in review.team if s.status in ("proposed", "invited")]
    if waiting:
        missing.append(_("%(count)d invitation(s) are not answered", count=len(waiting)))
    return "; ".join(missing) or None


def self_assessment_submitted(review: Review) -> str | None:
    sa = getattr(review, "self_assessment", None)
    if sa is None or sa.status != "submitted":
        return _("the self-assessment has not been submitted")
    return None


def programme_ready(review: Review) -> str | None:
    from peerreview.reviews.queries import session_count

    if not session_count(review):
        return _("the visit programme has no sessions")
    return None


# --- the visit dates ---------------------------------------------------------------------------

VISIT_WEEK_EARLIEST_DAYS = 7
"""The visit week can start at most this many days before the first visit day (with a reason)."""


def host_today(review: Review) -> date:
    """Today in the host city (the visit dates are its dates)."""
    try:
        return datetime.now(ZoneInfo(review.host_city.timezone)).date()
    except Exception:  # noqa: BLE001 - an unknown zone: the server's date
        return date.today()


def visit_week_not_too_early(review: Review) -> str | None:
    if not review.visit_start:
        return _("the visit dates are not set")
    earliest = review.visit_start - timedelta(days=VISIT_WEEK_EARLIEST_DAYS)
    if host_today(review) < earliest:
        return _("the visit starts on %(start)s: the visit week can start from %(earliest)s",
                 start=full_day(review.visit_start), earliest=full_day(earliest))
    return None


def visit_has_started(review: Review) -> str | None:
    if review.visit_start and host_today(review) < review.visit_start:
        return _("the visit has not started (it starts on %(start)s): the report can start from "
                 "that day", start=full_day(review.visit_start))
    return None


def visit_is_over(review: Review) -> str | None:
    if review.visit_end and host_today(review) <= review.visit_end:
        return _("the visit ends on %(end)s: the report can be issued from %(day_after)s",
                 end=full_day(review.visit_end),
                 day_after=full_day(review.visit_end + timedelta(days=1)))
    return None


def early_notice(review: Review, name: str) -> str | None:
    """Why taking the step now is ahead of the visit dates (it then needs a reason), or None."""
    today = host_today(review)
    dates = date_range(review.visit_start, review.visit_end)
    if name == "start_visit" and review.visit_start and today < review.visit_start:
        return _("The visit is planned for %(dates)s: starting the visit week now is ahead of the dates.", dates=dates)
    if name == "start_reporting" and review.visit_end and today < review.visit_end:
        return _("The visit is planned for %(dates)s: starting the report now ends the visit week early.", dates=dates)
    return None


EXTRA_CHECKS: dict[str, list[Check]] = {}
"""Checks that later features add to a transition (for example, the report must be issued)."""


TRANSITIONS: list[Transition] = [
    Transition("submit", ("draft",), "requested", _l("Send the request to the secretariat"),
               _l("the host city's contact"), (request_complete,)),
    Transition("accept", ("requested",), "accepted", _l("Accept the request"),
               _l("a coordinator"), (visit_dates_set,), has_form=True),
    Transition("decline", ("requested",), "declined", _l("Decline the request"),
               _l("a coordinator"), needs_reason=True),
    Transition("form_team", ("accepted",), "team_forming", _l("Start forming the team"),
               _l("a coordinator"), (visit_dates_set,)),
    Transition("prepare", ("team_forming",), "preparing", _l("Team complete: start preparing"),
               _l("a coordinator"), (team_complete,)),
    Transition("start_visit", ("preparing",), "visit", _l("Start the visit week"),
               _l("a coordinator or the team lead"),
               (self_assessment_submitted, programme_ready, visit_week_not_too_early)),
    Transition("start_reporting", ("visit",), "reporting", _l("Visit over: start the report"),
               _l("a coordinator or the team lead"), (visit_has_started,)),
    Transition("issue", ("reporting",), "issued", _l("Issue the report"),
               _l("a coordinator"), (visit_is_over,)),
    Transition("follow_up", ("issued",), "follow_up", _l("Start the follow-up"),
               _l("a coordinator or the host city's contact")),
    Transition("close", ("follow_up",), "closed", _l("Close the review"),
               _l("a coordinator")),
    Transition("cancel", BEFORE_ISSUE, "cancelled", _l("Cancel the review"),
               _l("a coordinator (or the host city's contact before acceptance)"),
               needs_reason=True),
]
BY_NAME = {t.name: t for t in TRANSITIONS}

# "issue" is only reachable through the report feature, which checks the report itself.
MANUAL = {t.name for t in TRANSITIONS} - {"issue"}


def missing_for(review: Review, t: Transition) -> list[str]:
    checks = list(t.checks) + EXTRA_CHECKS.get(t.name, [])
    return [m for m in (check(review) for check in checks) if m]


# the manual transitions that start from each state, in their order (a list of 50 reviews asks
# each row which it may take: only those of its state need the person's rules)
_MANUAL_FROM: dict[str, list[Transition]] = {}
for _t in TRANSITIONS:
    if _t.name in MANUAL:
        for _source in _t.sources:
            _MANUAL_FROM.setdefault(_source, []).append(_t)


def available(review: Review, user) -> list[tuple[Transition, list[str]]]:
    """The manual transitions ``user`` may make now, each with what is still missing."""
    return list(available_steps(review, user))


def available_steps(review: Review, user) -> Iterator[tuple[Transition, list[str]]]:
    """:func:`available`, one step at a time (a list row wants only the first: the checks of
    what is missing for the others need not run)."""
    for t in _MANUAL_FROM.get(review.state, ()):
        if perm.can_transition(user, review, t.name):
            yield t, ([] if t.has_form else missing_for(review, t))


def early_notices(review: Review, user) -> dict[str, str]:
    """For the review page: the steps ``user`` may take now that are ahead of the visit dates,
    each with why (the page then asks for the reason)."""
    out = {}
    for t, _missing in available(review, user):
        notice = early_notice(review, t.name)
        if notice:
            out[t.name] = notice
    return out


def transition(review: Review, name: str, actor, *, reason: str = "", notify: bool = True) -> ReviewEvent:
    t = BY_NAME.get(name)
    if t is None:
        raise NotAllowed(_("Unknown step %(name)s.", name=f"{name!r}"))
    if review.state not in t.sources:
        raise NotAllowed(_("\"%(label)s\" is not possible while the review is "
                         "%(state)s.", label=t.label, state=STATE_LABELS[review.state].lower()))
    if not t.who(actor, review):
        raise NotAllowed(_("Only %(who_text)s can do this: %(label)s.", who_text=t.who_text, label=t.label.lower()))
    reason = (reason or "").strip()
    if t.needs_reason and not reason:
        raise NotAllowed(_("Give a reason."), field="reason")
    missing = missing_for(review, t)
    if missing:
        raise NotAllowed(_("%(step)s is not possible yet: %(missing)s.", step=t.label,
                           missing="; ".join(missing)))
    early = early_notice(review, name)
    note = reason
    if early:
        if not reason:
            raise NotAllowed(_("%(early)s To go ahead, give the reason: the review's history keeps it.", early=early),
                             field="reason")
        note = f"Ahead of the visit dates ({date_range(review.visit_start, review.visit_end)}): {reason}"
    before = review.state
    review.state = t.target
    if t.needs_reason:
        review.state_reason = reason
    event = ReviewEvent(review=review, actor_id=getattr(actor, "id", None), from_state=before,
                        to_state=t.target, note=note)
    db.session.add(event)
    record(f"review.{name}", review, actor=actor,
           changes={"state": [before, t.target], **({"reason": reason} if reason else {}),
                    **({"ahead_of_the_dates": True} if early else {})})
    if notify:
        notify_state_change(review, before, actor, reason)
    return event


def notify_state_change(review: Review, before: str, actor, reason: str = "") -> None:
    from sqlalchemy import select

    from peerreview.auth.models import User
    from peerreview.notifications.queue import queue_mail
    from peerreview.urls import absolute_url

    recipients = set(db.session.scalars(select(User).where(
        User.active.is_(True),
        (User.is_coordinator.is_(True))
        | ((User.city_id == review.host_city_id) & (User.city_role == "contact")),
    )))
    recipients |= {s.user for s in review.team if s.status in ("invited", "accepted") and s.user.is_active}
    recipients.discard(actor)
    link = absolute_url("reviews.show", review_id=review.id)
    for user in sorted(recipients, key=lambda u: u.id):
        queue_mail(user.email, "review_state", user=user, review=review, actor=actor,
                   before=STATE_LABELS[before], after=STATE_LABELS[review.state],
                   reason=reason, link=link)
