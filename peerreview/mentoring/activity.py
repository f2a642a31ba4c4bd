"""Visits, progress reviews, and the movement of each key factor's rating from the baseline.
Functions flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from peerreview.audit.services import diff, record
from peerreview.domain import Conflict, DomainError, NotAllowed
from peerreview.extensions import db
from peerreview.framework.constants import rating_score
from peerreview.i18n import gettext as _
from peerreview.mentoring import notify
from peerreview.mentoring.models import (
    VISIT_KINDS,
    MentoringVisit,
    Mentorship,
    ProgressRating,
    ProgressReview,
)
from peerreview.mentoring.services import FieldErrors, baseline, fmt, rating_or_none, text
from peerreview.timeutil import utcnow

# --- visits ------------------------------------------------------------------------------------


@dataclass
class VisitInput:
    kind: str
    starts_on: date | None
    ends_on: date | None
    location: str = ""
    participant_ids: list[int] = field(default_factory=list)
    other_participants: str = ""
    agenda: str = ""
    notes: str = ""
    agreed: str = ""


def _clean_visit(m: Mentorship, v: VisitInput):
    errors: dict[str, str] = {}
    if v.kind not in VISIT_KINDS:
        errors["kind"] = _("Choose a study visit or a mentoring visit.")
    if v.starts_on is None:
        errors["starts_on"] = _("Give the first day of the visit.")
    elif v.starts_on < m.scheme.starts_on:
        errors["starts_on"] = _("The visit is before the scheme starts (%(starts_on)s).", starts_on=fmt(m.scheme.starts_on))
    if v.ends_on is None:
        errors["ends_on"] = _("Give the last day of the visit.")
    elif v.starts_on and v.ends_on < v.starts_on:
        errors["ends_on"] = _("The visit must end on or after its first day.")
    elif v.starts_on and (v.ends_on - v.starts_on).days > 30:
        errors["ends_on"] = _("A visit lasts at most 31 days.")
    people = {p.user_id: p.user for p in m.people}
    unknown = [i for i in v.participant_ids if i not in people]
    if unknown:
        errors["participants"] = _("Participants are chosen from the mentorship's mentors and mentees.")
    out = {"kind": v.kind, "starts_on": v.starts_on, "ends_on": v.ends_on}
    for name, label, limit in (("location", _("The place"), 200), ("other_participants", _("Other participants"), 2000),
                               ("agenda", _("The agenda"), 20000), ("notes", _("The notes"), 20000),
                               ("agreed", _("What was agreed"), 20000)):
        try:
            out[name] = text(getattr(v, name), limit=limit, field=name, label=label)
        except DomainError as exc:
            errors[name] = exc.message
    if errors:
        raise FieldErrors(errors)
    return out, [people[i] for i in sorted(set(v.participant_ids))]


def add_visit(m: Mentorship, v: VisitInput, *, actor) -> MentoringVisit:
    if not m.is_open:
        raise NotAllowed(_("The mentorship is %(state_label)s; no visits can be added.", state_label=m.state_label.lower()))
    values, participants = _clean_visit(m, v)
    visit = MentoringVisit(mentorship=m, participants=participants,
                           created_by_id=getattr(actor, "id", None), **values)
    db.session.add(visit)
    db.session.flush()
    record("mentoring.visit_create", visit, actor=actor, changes={
        "mentorship": m.id, "kind": visit.kind, "dates": [visit.starts_on, visit.ends_on],
        "participants": [u.id for u in participants]})
    if visit.ends_on >= date.today():   # a visit still to come (not one written up afterwards)
        notify.notify(m, "visit_planned", actor=actor, visit=visit)
    return visit


def update_visit(visit: MentoringVisit, v: VisitInput, *, version: int | None, actor) -> dict:
    m = visit.mentorship
    if not m.is_open:
        raise NotAllowed(_("The mentorship is %(state_label)s; its visits no longer change.", state_label=m.state_label.lower()))
    if version is not None and version != visit.version:
        raise Conflict(_("Someone else saved this visit after you opened it. Nothing of yours was "
                       "saved: compare, then save again."), current=visit)
    values, participants = _clean_visit(m, v)
    changes = diff(visit, values)
    before, after = sorted(u.id for u in visit.participants), sorted(u.id for u in participants)
    if before != after:
        visit.participants = participants
        changes["participants"] = [before, after]
    if changes:
        visit.updated_at = utcnow()
        db.session.flush()
        record("mentoring.visit_edit", visit, actor=actor, changes=changes)
    return changes


# --- progress reviews ----------------------------------------------------------------------------

@dataclass
class RatingInput:
    key_factor_id: int
    rating: str | None
    note: str = ""


def record_progress(m: Mentorship, *, held_on: date | None, ratings: list[RatingInput], summary: str,
                    next_review_on: date | None, actor) -> ProgressReview:
    """Re-rate the key factors on ``held_on``. Every wrong field is reported; nothing is saved."""
    if m.state != "active":
        raise NotAllowed(_("Progress reviews are recorded while the mentorship is active; it is "
                         "%(state_label)s.", state_label=m.state_label.lower()))
    if m.needs is None:
        raise NotAllowed(_("Record the needs assessment (the baseline) first: progress is measured "
                         "from it."))
    errors: dict[str, str] = {}
    today = date.today()
    if held_on is None:
        errors["held_on"] = _("Give the date of the progress review.")
    elif held_on > today:
        errors["held_on"] = _("A progress review is recorded once it has taken place: the date cannot be in the future.")
    elif held_on < m.needs.assessed_on:
        errors["held_on"] = _("The date is before the baseline (%(assessed_on)s).", assessed_on=fmt(m.needs.assessed_on))
    elif any(r.held_on == held_on for r in m.progress_reviews):
        errors["held_on"] = _("There is already a progress review on %(held_on)s.", held_on=fmt(held_on))
    kfs = {kf.id: kf for kf in m.benchmark.key_factors}
    clean: list[tuple[int, str | None, str]] = []
    for r in ratings:
        if r.key_factor_id not in kfs:
            continue
        try:
            rating = rating_or_none(r.rating, field=f"rating_{r.key_factor_id}")
            note = text(r.note, limit=5000, field=f"note_{r.key_factor_id}",
                        label=_("The note on %(code)s", code=kfs[r.key_factor_id].code))
        except DomainError as exc:
            errors[exc.field] = exc.message
            continue
        clean.append((r.key_factor_id, rating, note))
    if not errors and not any(rating is not None for _, rating, _ in clean):
        first = m.benchmark.key_factors[0].id if m.benchmark.key_factors else 0
        errors[f"rating_{first}"] = _("Rate at least one key factor.")
    try:
        summary = text(summary, field="summary", label=_("The summary"))
    except DomainError as exc:
        errors["summary"] = exc.message
    if next_review_on is not None and held_on is not None and next_review_on <= held_on:
        errors["next_review_on"] = _("The next progress review must come after this one.")
    if errors:
        raise FieldErrors(errors)
    review = ProgressReview(mentorship=m, held_on=held_on, summary=summary,
                            created_by_id=getattr(actor, "id", None))
    review.ratings = [ProgressRating(key_factor_id=k, rating=rating, note=note) for k, rating, note in clean]
    db.session.add(review)
    if next_review_on is not None or (m.next_review_on and m.next_review_on <= held_on):
        m.next_review_on = next_review_on
    db.session.flush()
    record("mentoring.progress_review", review, actor=actor, changes={
        "mentorship": m.id, "held_on": held_on, "next_review_on": next_review_on,
        "ratings": {kfs[k].code: rating for k, rating, _ in clean}})
    notify.notify(m, "progress_recorded", actor=actor, progress=review)
    return review


# --- movement from the baseline ------------------------------------------------------------------

@dataclass
class Movement:
    key_factor: object
    baseline: str | None
    points: list[tuple[date, str | None]]   # each progress review's rating, oldest first
    latest: str | None                       # the latest rating given (not "not rated")
    latest_on: date | None

    @property
    def delta(self) -> int | None:
        a, b = rating_score(self.baseline), rating_score(self.latest)
        return None if a is None or b is None else b - a

    @property
    def direction(self) -> str:
        d = self.delta
        if d is None:
            return "unknown"
        return "up" if d > 0 else "down" if d < 0 else "same"


def movement(m: Mentorship, *, baseline_ratings: dict | None = None, reviews=None) -> list[Movement]:
    """Per key factor of the scheme's benchmark: baseline, every re-rating, the latest, the change."""
    base = baseline(m) if baseline_ratings is None else baseline_ratings
    reviews = sorted(m.progress_reviews if reviews is None else reviews, key=lambda r: r.held_on)
    out = []
    for kf in m.benchmark.key_factors:
        points = [(r.held_on, r.rating(kf.id)) for r in reviews]
        given = [(d, v) for d, v in points if v is not None]
        latest_on, latest = given[-1] if given else (None, None)
        out.append(Movement(kf, base.get(kf.id), points, latest, latest_on))
    return out


def net_change(rows: list[Movement]) -> int | None:
    deltas = [r.delta for r in rows if r.delta is not None]
    return sum(deltas) if deltas else None


def actions_needing_attention(m: Mentorship, today: date | None = None):
    """(overdue, at risk): open actions past their deadline, and those due within 14 days."""
    today = today or date.today()
    overdue = [a for a in m.actions if a.is_overdue(today)]
    at_risk = [a for a in m.actions if a.is_at_risk(today)]
    return overdue, at_risk
