"""The action plan: actions, their dated updates, saved versions and endorsements.

Only the implementing city (its mentees) and the coordinator change the plan; a mentee records
who in the administration endorsed which version. Functions flush, never commit.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from peerreview.audit.services import diff, record
from peerreview.domain import Conflict, DomainError, NotAllowed
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.mentoring import followup
from peerreview.mentoring.models import Mentorship
from peerreview.mentoring.plan_models import (
    ACTION_STATUSES,
    ActionUpdate,
    MentoringAction,
    PlanEndorsement,
    PlanVersion,
)
from peerreview.mentoring.services import FieldErrors, fmt, text
from peerreview.timeutil import utcnow

ISSUED_REVIEW_STATES = ("issued", "follow_up", "closed")


@dataclass
class ActionInput:
    key_factor_id: int | None
    description: str
    owner: str
    deadline: date | None
    resources: str = ""
    indicator: str = ""
    source: str = ""
    recommendation_id: int | None = None


def _open(m: Mentorship) -> None:
    if not m.is_open:
        raise NotAllowed(_("The mentorship is %(state_label)s; its action plan no longer changes.", state_label=m.state_label.lower()))


def _clean(m: Mentorship, values: ActionInput, current_recommendation: int | None = None) -> dict:
    """The action's fields, checked; FieldErrors lists every wrong field at once."""
    errors: dict[str, str] = {}
    kf_ids = {kf.id for kf in m.benchmark.key_factors}
    if values.key_factor_id not in kf_ids:
        errors["key_factor_id"] = _("Choose the key factor the action works on.")
    out = {"key_factor_id": values.key_factor_id}
    for name, label, limit in (("description", _("The description"), 5000), ("owner", _("The owner"), 200),
                               ("resources", _("The resources"), 5000), ("indicator", _("The indicator"), 5000),
                               ("source", _("The source"), 300)):
        try:
            out[name] = text(getattr(values, name), limit=limit, field=name, label=label)
        except DomainError as exc:
            errors[name] = exc.message
    if "description" not in errors and not out["description"]:
        errors["description"] = _("Say what will be done.")
    if "owner" not in errors and not out["owner"]:
        errors["owner"] = _("Name who owns this action: a department, a team or a person.")
    start = m.scheme.starts_on
    if values.deadline is None:
        errors["deadline"] = _("Give a deadline.")
    elif values.deadline < start:
        errors["deadline"] = _("The deadline is before the scheme starts (%(start)s). Choose "
                              "%(start)s or later.", start=fmt(start))
    out["deadline"] = values.deadline
    out["recommendation_id"] = None
    if values.recommendation_id:
        rec = next((r for r in recommendations(m) if r.id == values.recommendation_id), None)
        if rec is None:
            errors["recommendation_id"] = _("Choose a recommendation of an issued peer review of "
                                           "%(name)s.", name=m.implementing_city.name)
        elif rec.response == "not_accepted" and rec.id != current_recommendation:
            errors["recommendation_id"] = _(
                "%(city)s did not accept %(code)s. If that has "
                "changed, change its response on the review's follow-up page first.",
                city=m.implementing_city.name, code=recommendation_code(rec))
        else:
            out["recommendation_id"] = rec.id
    if errors:
        raise FieldErrors(errors)
    return out


def add_action(m: Mentorship, values: ActionInput, *, actor, status: str = "planned") -> MentoringAction:
    """A new action of the plan ("proposed": a mentor's proposal, see proposals.py)."""
    _open(m)
    clean = _clean(m, values)
    number = max((a.number for a in m.actions), default=0) + 1
    action = MentoringAction(mentorship=m, number=number, status=status,
                             created_by_id=getattr(actor, "id", None),
                             proposed_by_id=getattr(actor, "id", None) if status == "proposed" else None,
                             **clean)
    db.session.add(action)
    db.session.flush()
    record("mentoring.action_propose" if status == "proposed" else "mentoring.action_create", action,
           actor=actor, changes={"mentorship": m.id, "code": action.code,
                                 **{k: v for k, v in clean.items() if v}})
    if action.recommendation is not None:
        followup.sync(action.recommendation, actor=actor, cause=action)
    return action


def update_action(action: MentoringAction, values: ActionInput, *, version: int | None, actor) -> dict:
    m = action.mentorship
    _open(m)
    if version is not None and version != action.version:
        raise Conflict(_("Someone else saved this action after you opened it. Nothing of yours was "
                       "saved: compare, then save again."), current=action)
    clean = _clean(m, values, current_recommendation=action.recommendation_id)
    before = action.recommendation
    changes = diff(action, clean)
    if changes:
        action.updated_at = utcnow()
        db.session.flush()
        db.session.expire(action, ["recommendation"])
        record("mentoring.action_edit", action, actor=actor, changes=changes)
        if "recommendation_id" in changes:
            for rec in (before, action.recommendation):
                if rec is not None:
                    followup.sync(rec, actor=actor, cause=action)
    return changes


def add_update(action: MentoringAction, *, on: date | None, note: str, status: str | None,
               reason: str = "", actor) -> ActionUpdate:
    """A dated note, with an optional change of status. Dropping needs a reason."""
    m = action.mentorship
    _open(m)
    errors: dict[str, str] = {}
    status = status or None
    if status is not None and status not in ACTION_STATUSES:
        errors["status"] = _("Choose a status from the list.")
    new_status = status if status and status != action.status else None
    try:
        note = text(note, limit=5000, field="note", label=_("The note"))
    except DomainError as exc:
        errors["note"] = exc.message
        note = ""
    try:
        reason = text(reason, limit=2000, field="reason", label=_("The reason"))
    except DomainError as exc:
        errors["reason"] = exc.message
        reason = ""
    if new_status == "dropped" and not reason and "reason" not in errors:
        errors["reason"] = _("Say why the action is dropped: a dropped action needs a reason.")
    if action.status == "proposed":
        errors["status"] = _("This action is a mentor's proposal: the implementing city accepts or "
                            "declines it first.")
    elif new_status == "proposed":
        errors["status"] = _("An action of the plan cannot become a proposal again.")
    if not note and new_status is None and not errors:
        errors["note"] = _("Write what happened, or change the status.")
    on = on or date.today()
    if on > date.today():
        errors["on"] = _("The date of an update cannot be in the future.")
    elif on < m.scheme.starts_on:
        errors["on"] = _("The date is before the scheme starts (%(starts_on)s).", starts_on=fmt(m.scheme.starts_on))
    if errors:
        raise FieldErrors(errors)
    before = action.status
    update = ActionUpdate(action=action, on_date=on, note=note, from_status=before if new_status else None,
                          to_status=new_status, author_id=getattr(actor, "id", None))
    if new_status:
        action.status = new_status
        action.drop_reason = reason if new_status == "dropped" else ""
        action.done_on = on if new_status == "done" else None
        if new_status == "dropped":
            update.note = (f"{note}\n\nReason for dropping: {reason}" if note
                           else f"Reason for dropping: {reason}")
    action.updated_at = utcnow()
    db.session.add(update)
    db.session.flush()
    record("mentoring.action_update", action, actor=actor, changes={
        "on": on, **({"status": [before, new_status]} if new_status else {}),
        **({"reason": reason} if new_status == "dropped" else {})})
    if new_status and action.recommendation is not None:
        followup.sync(action.recommendation, actor=actor, on=on, cause=action)
    return update


# --- versions and endorsement ---------------------------------------------------------------

def snapshot(m: Mentorship) -> list[dict]:
    """The plan as it stands: its actions (a mentor's proposal is not part of it yet)."""
    return [{"code": a.code, "key_factor": a.key_factor.code, "description": a.description,
             "owner": a.owner, "deadline": a.deadline.isoformat(), "resources": a.resources,
             "indicator": a.indicator, "status": a.status, "source": source_text(a)}
            for a in m.actions if a.status != "proposed"]


def save_version(m: Mentorship, *, note: str, actor) -> PlanVersion:
    _open(m)
    current = snapshot(m)
    if not current:
        raise DomainError(_("The plan has no actions yet: add actions before saving a version."), field="note")
    note = text(note, limit=2000, field="note", label=_("The note"))
    latest = m.plan_versions[-1] if m.plan_versions else None
    if latest is not None and latest.snapshot == current:
        raise DomainError(_("The plan has not changed since version %(number)s.", number=latest.number), field="note")
    version = PlanVersion(mentorship=m, number=(latest.number + 1) if latest else 1, note=note,
                          snapshot=current, created_by_id=getattr(actor, "id", None))
    db.session.add(version)
    db.session.flush()
    record("mentoring.plan_version", version, actor=actor,
           changes={"mentorship": m.id, "number": version.number, "actions": len(current)})
    return version


def endorse(version: PlanVersion, *, endorsed_by: str, body: str, endorsed_on: date | None,
            note: str, actor) -> PlanEndorsement:
    _open(version.mentorship)
    errors: dict[str, str] = {}
    endorsed_by = (endorsed_by or "").strip()
    if not endorsed_by:
        errors["endorsed_by"] = _("Name who endorsed the plan (name and position).")
    elif len(endorsed_by) > 200:
        errors["endorsed_by"] = _("At most 200 characters.")
    body = (body or "").strip()
    if len(body) > 200:
        errors["body"] = _("At most 200 characters.")
    if endorsed_on is None:
        errors["endorsed_on"] = _("Give the date of the endorsement.")
    elif endorsed_on > date.today():
        errors["endorsed_on"] = _("The date cannot be in the future.")
    elif endorsed_on < version.created_at.date():
        errors["endorsed_on"] = _("Version %(number)s was saved on %(date)s; "
                                 "it cannot have been endorsed before.", number=version.number, date=fmt(version.created_at.date()))
    try:
        note = text(note, limit=2000, field="note", label=_("The note"))
    except DomainError as exc:
        errors["note"] = exc.message
    if errors:
        raise FieldErrors(errors)
    e = PlanEndorsement(version=version, endorsed_by=endorsed_by, body=body, endorsed_on=endorsed_on,
                        note=note, recorded_by_id=getattr(actor, "id", None))
    db.session.add(e)
    db.session.flush()
    record("mentoring.plan_endorse", version, actor=actor, changes={
        "number": version.number, "endorsed_by": endorsed_by, "body": body, "endorsed_on": endorsed_on})
    return e


# --- recommendations of the implementing city's peer reviews -----------------------------------

def recommendations(m: Mentorship) -> list:
    """Recommendations of the implementing city's issued peer reviews, whatever their theme:
    the scheme's theme first, then by review and code."""
    from peerreview.framework.models import Benchmark
    from peerreview.reports.models import Recommendation, Report
    from peerreview.reviews.models import Review

    stmt = (select(Recommendation).join(Report, Report.id == Recommendation.report_id)
            .join(Review, Review.id == Report.review_id)
            .join(Benchmark, Benchmark.id == Review.benchmark_id)
            .where(Review.host_city_id == m.implementing_city_id,
                   Review.state.in_(ISSUED_REVIEW_STATES), Recommendation.number.is_not(None))
            .options(selectinload(Recommendation.key_factor),
                     selectinload(Recommendation.report).selectinload(Report.review)
                     .selectinload(Review.benchmark).selectinload(Benchmark.theme),
                     selectinload(Recommendation.report).selectinload(Report.review)
                     .selectinload(Review.host_city))
            .order_by(Benchmark.theme_id != m.scheme.theme_id, Review.id, Recommendation.number))
    return list(db.session.scalars(stmt))


def recommendation_options() -> list:
    """Loader options for actions whose source (review, theme, code) a page shows."""
    from peerreview.framework.models import Benchmark
    from peerreview.reports.models import Recommendation, Report
    from peerreview.reviews.models import Review

    review = selectinload(MentoringAction.recommendation).selectinload(Recommendation.report) \
        .selectinload(Report.review)
    return [review.selectinload(Review.host_city),
            review.selectinload(Review.benchmark).selectinload(Benchmark.theme)]


def same_theme(m: Mentorship, rec) -> bool:
    return rec.report.review.benchmark.theme_id == m.scheme.theme_id


def key_factor_for(m: Mentorship, rec) -> int | None:
    """The scheme's key factor matching the recommendation's (same code, same theme); None when
    the recommendation comes from a review on another theme (the person chooses)."""
    if not same_theme(m, rec):
        return None
    return next((kf.id for kf in m.benchmark.key_factors if kf.code == rec.key_factor.code), None)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def from_recommendation(m: Mentorship, rec, *, today: date | None = None) -> ActionInput:
    """A new action prefilled from a recommendation (the person checks and saves it)."""
    today = today or date.today()
    deadline = max(add_months(today, rec.timeframe_months or 12), m.scheme.starts_on)
    return ActionInput(key_factor_id=key_factor_for(m, rec), description=rec.action,
                       owner=rec.owner or "", deadline=deadline, recommendation_id=rec.id,
                       indicator="", resources="")


def recommendation_code(rec) -> str:
    """The recommendation's code in its report (R1, R2 ...), the same as in the PDF."""
    from peerreview.reports.services import code_of

    return code_of(rec)


def review_label(review) -> str:
    return _("Peer review of %(city)s (%(theme)s)", city=review.host_city.name,
             theme=review.benchmark.theme.name)


def source_text(action: MentoringAction) -> str:
    rec = action.recommendation
    if rec is not None:
        return f"{review_label(rec.report.review)}, {recommendation_code(rec)}"
    return action.source
