"""One record of progress: a recommendation worked on by mentoring actions takes its follow-up
from them.

The host city's follow-up of a recommendation (response, progress, done date) lives on the
recommendation. Once an action of a mentoring plan comes from it, the action is where progress
is recorded, and the recommendation follows:

- an action from a recommendation without a response means the city accepted it
  ("accepted", with a note naming the action);
- its progress comes from the actions that carry it (planned, in progress or done; a proposal
  or a dropped action does not count): done when all of them are done, in progress when one
  has started or is done, not started otherwise; its done date is the last action's;
- every change is written to the recommendation's history and the audit log, as if the city
  had reported it, and the follow-up page lists the actions with their status.

The host city records progress by hand only on recommendations no action works on
(``reports.followup.report_progress`` refuses the others and says where to go).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from peerreview.audit.services import record
from peerreview.extensions import db
from peerreview.mentoring.models import Mentorship
from peerreview.mentoring.plan_models import MentoringAction
from peerreview.timeutil import utcnow

TRACKING = ("planned", "in_progress", "done")


def derived_progress(statuses) -> str | None:
    """The recommendation's progress from its actions' statuses (None: no action carries it)."""
    active = [s for s in statuses if s in TRACKING]
    if not active:
        return None
    if all(s == "done" for s in active):
        return "done"
    if any(s in ("in_progress", "done") for s in active):
        return "in_progress"
    return "not_started"


def linked_actions(rec) -> list[MentoringAction]:
    return list(db.session.scalars(
        select(MentoringAction).where(MentoringAction.recommendation_id == rec.id)
        .options(selectinload(MentoringAction.mentorship).selectinload(Mentorship.implementing_city),
                 selectinload(MentoringAction.mentorship).selectinload(Mentorship.mentor_cities))
        .order_by(MentoringAction.mentorship_id, MentoringAction.number)))


def tracking_actions(rec) -> list[MentoringAction]:
    """The actions that carry the recommendation's progress."""
    return [a for a in linked_actions(rec) if a.status in TRACKING]


def sync(rec, *, actor, on: date | None = None, cause: MentoringAction | None = None) -> None:
    """Bring the recommendation's follow-up in line with its actions (flushes)."""
    from peerreview.reports.models import RecommendationUpdate
    from peerreview.reports.services import code_of

    db.session.flush()
    tracking = tracking_actions(rec)
    if not tracking:
        return   # nothing carries it (any more): the city reports on it itself
    on = min(on or date.today(), date.today())
    review = rec.report.review
    lead = cause if cause is not None and cause in tracking else tracking[0]
    where = f"{lead.code} of the mentoring action plan ({lead.mentorship.title})"
    author = getattr(actor, "id", None)
    if rec.response is None:
        rec.response, rec.responded_at = "accepted", utcnow()
        rec.response_reason = ""
        db.session.add(RecommendationUpdate(recommendation=rec, kind="response", status="accepted",
                                            note=f"Taken into {where}.", on_date=on, author_id=author))
        record("report.response", review, actor=actor, changes={
            "recommendation": rec.id, "code": code_of(rec), "response": [None, "accepted"],
            "from_action": lead.id})
    if rec.response == "not_accepted":
        return
    progress = derived_progress(a.status for a in tracking)
    done_on = max((a.done_on or on) for a in tracking) if progress == "done" else None
    if progress == rec.progress and done_on == rec.done_on:
        db.session.flush()
        return
    before = rec.progress
    note = f"Follows {where}: {lead.status_label.lower()}."
    rec.progress, rec.progress_on, rec.progress_note, rec.done_on = progress, on, note, done_on
    db.session.add(RecommendationUpdate(recommendation=rec, kind="progress", status=progress,
                                        note=note, on_date=on, author_id=author))
    record("report.progress", review, actor=actor, changes={
        "recommendation": rec.id, "code": code_of(rec), "progress": [before, progress],
        "from_action": lead.id})
    db.session.flush()


def actions_for(recommendation_ids) -> dict[int, list[MentoringAction]]:
    """{recommendation id: the actions working on it} for a page of recommendations, one query
    (proposals not yet accepted are left out)."""
    ids = sorted(set(recommendation_ids))
    if not ids:
        return {}
    out: dict[int, list[MentoringAction]] = {}
    for a in db.session.scalars(
            select(MentoringAction).where(MentoringAction.recommendation_id.in_(ids),
                                          MentoringAction.status != "proposed")
            .options(selectinload(MentoringAction.mentorship).options(
                selectinload(Mentorship.implementing_city), selectinload(Mentorship.mentor_cities),
                selectinload(Mentorship.people)),
                selectinload(MentoringAction.updates))
            .order_by(MentoringAction.mentorship_id, MentoringAction.number)):
        out.setdefault(a.recommendation_id, []).append(a)
    return out
