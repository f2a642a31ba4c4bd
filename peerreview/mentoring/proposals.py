"""Mentors propose actions; the implementing city accepts or declines them.

A proposal is an action with the status "proposed": it has its number, key factor, deadline
and, if it comes from one, its recommendation, but it is not part of the plan yet (no
reminders, not in a saved version, no effect on the recommendation's follow-up). A mentee (or
the coordinator) accepts it, and it becomes a planned action, or declines it with a reason,
and it is kept as dropped. Functions flush, never commit.
"""

from __future__ import annotations

from peerreview.audit.services import record
from peerreview.domain import NotAllowed
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.mentoring import followup, notify, plan
from peerreview.mentoring.models import Mentorship
from peerreview.mentoring.plan_models import ActionUpdate, MentoringAction
from peerreview.mentoring.services import FieldErrors, text
from peerreview.timeutil import utcnow


def propose(m: Mentorship, values: plan.ActionInput, *, actor) -> MentoringAction:
    action = plan.add_action(m, values, actor=actor, status="proposed")
    notify.notify(m, "action_proposed", actor=actor, action=action)
    return action


def decide(action: MentoringAction, *, accept: bool, reason: str, actor) -> None:
    """Accept the proposal into the plan, or decline it (a reason is needed)."""
    from datetime import date

    m = action.mentorship
    if not m.is_open:
        raise NotAllowed(_("The mentorship is %(state_label)s; its action plan no longer changes.", state_label=m.state_label.lower()))
    if action.status != "proposed":
        raise NotAllowed(_("%(code)s is not a proposal waiting for an answer: it is "
                         "%(status_label)s.", code=action.code, status_label=action.status_label.lower()))
    reason = text(reason, limit=2000, field="reason", label=_("The reason"))
    if not accept and not reason:
        raise FieldErrors({"reason": _("Say why the proposal is declined: the mentor learns from it.")})
    today = date.today()
    new = "planned" if accept else "dropped"
    note = ("Proposal accepted into the plan." if accept else "Proposal declined.")
    if reason:
        note = f"{note}\n\n{'Note' if accept else 'Reason'}: {reason}"
    action.updates.append(ActionUpdate(on_date=today, note=note, from_status="proposed", to_status=new,
                                       author_id=getattr(actor, "id", None)))
    action.status = new
    action.drop_reason = "" if accept else reason
    action.updated_at = utcnow()
    db.session.flush()
    record("mentoring.proposal_accept" if accept else "mentoring.proposal_decline", action, actor=actor,
           changes={"code": action.code, "status": ["proposed", new], **({"reason": reason} if reason else {})})
    if accept and action.recommendation is not None:
        followup.sync(action.recommendation, actor=actor, on=today, cause=action)
    notify.notify(m, "proposal_accepted" if accept else "proposal_declined", actor=actor, action=action,
                  reason=reason)
