"""The host city's self-assessment: a rating, a narrative and evidence per key factor.

Saved as a draft as often as the host likes; submitted once, after which it is read-only for
the host and visible to the review team. Concurrent edits of the same entry are detected
with the entry's version number: the later save is refused with both texts shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from peerreview.audit.services import record
from peerreview.domain import Conflict, DomainError, NotAllowed
from peerreview.extensions import db
from peerreview.framework.constants import parse_rating
from peerreview.i18n import gettext as _
from peerreview.reviews.models import EvidenceFile, Review, SelfAssessment, SelfAssessmentEntry
from peerreview.timeutil import utcnow

MAX_TEXT = 20_000


@dataclass
class EntryInput:
    key_factor_id: int
    rating: str | None
    narrative: str
    evidence: str
    version: int | None


def get_or_create(review: Review) -> SelfAssessment:
    sa = review.self_assessment
    if sa is None:
        sa = SelfAssessment(review=review, status="draft")
        db.session.add(sa)
    have = {e.key_factor_id for e in sa.entries}
    for kf in review.benchmark.key_factors:
        if kf.id not in have:
            sa.entries.append(SelfAssessmentEntry(key_factor=kf, narrative="", evidence=""))
    db.session.flush()
    return sa


def entries_in_order(sa: SelfAssessment) -> list[SelfAssessmentEntry]:
    return sorted(sa.entries, key=lambda e: e.key_factor.position)


def blank_entries(review: Review) -> list[SelfAssessmentEntry]:
    """Empty entries for the form before anything is saved; never added to the session."""
    return [SelfAssessmentEntry(key_factor=kf, rating=None, narrative="", evidence="")
            for kf in review.benchmark.key_factors]


def save(review: Review, inputs: list[EntryInput], *, actor) -> int:
    """Save the draft; returns how many entries changed. Conflict if someone saved meanwhile."""
    sa = get_or_create(review)
    if sa.status == "submitted":
        raise NotAllowed(_("The self-assessment has been submitted and can no longer be changed."))
    by_kf = {e.key_factor_id: e for e in sa.entries}
    stale = []
    cleaned = []
    for item in inputs:
        entry = by_kf.get(item.key_factor_id)
        if entry is None:
            raise DomainError(_("That key factor is not part of this review's benchmark."))
        try:
            rating = parse_rating(item.rating) if item.rating not in (None, "") else None
        except DomainError as exc:
            raise DomainError(_("%(code)s: %(message)s", code=entry.key_factor.code, message=exc.message),
                              field=f"rating_{entry.key_factor_id}") from None
        narrative, evidence = (item.narrative or "").strip(), (item.evidence or "").strip()
        if len(narrative) > MAX_TEXT or len(evidence) > MAX_TEXT:
            raise DomainError(_("%(code)s: keep each text under 20,000 characters.", code=entry.key_factor.code),
                              field=f"narrative_{entry.key_factor_id}")
        current = (entry.rating, entry.narrative, entry.evidence)
        # The form was loaded at ``item.version``; without a version it was loaded blank.
        changed_since = (item.version != entry.version if item.version is not None
                         else current != (None, "", ""))
        if changed_since and current != (rating, narrative, evidence):
            stale.append((entry, {"rating": rating, "narrative": narrative, "evidence": evidence}))
            continue
        cleaned.append((entry, rating, narrative, evidence))
    if stale:
        raise Conflict(_("Someone else saved the self-assessment while you were editing it. "
                       "Nothing was saved. Compare the texts below, then edit again."),
                       current=stale)
    changed = 0
    for entry, rating, narrative, evidence in cleaned:
        if (entry.rating, entry.narrative, entry.evidence) != (rating, narrative, evidence):
            record("self_assessment.update", review, actor=actor, changes={
                "key_factor": entry.key_factor.code,
                **({"rating": [entry.rating, rating]} if entry.rating != rating else {}),
                **({"narrative": "changed"} if entry.narrative != narrative else {}),
                **({"evidence": "changed"} if entry.evidence != evidence else {}),
            })
            entry.rating, entry.narrative, entry.evidence = rating, narrative, evidence
            changed += 1
    db.session.flush()
    return changed


def missing(sa: SelfAssessment) -> list[str]:
    out = []
    for entry in entries_in_order(sa):
        code = entry.key_factor.code
        if entry.rating is None and not entry.narrative:
            out.append(_("%(code)s needs a rating and a narrative", code=code))
        elif entry.rating is None:
            out.append(_("%(code)s needs a rating", code=code))
        elif not entry.narrative:
            out.append(_("%(code)s needs a narrative", code=code))
    return out


def submit(review: Review, *, actor) -> SelfAssessment:
    sa = get_or_create(review)
    if sa.status == "submitted":
        raise NotAllowed(_("The self-assessment has already been submitted."))
    gaps = missing(sa)
    if gaps:
        raise NotAllowed(_("The self-assessment cannot be submitted yet: %(gaps)s.", gaps="; ".join(gaps)))
    sa.status = "submitted"
    sa.submitted_at = utcnow()
    sa.submitted_by_id = actor.id
    record("self_assessment.submit", review, actor=actor)
    _notify_submitted(review, actor)
    return sa


def _notify_submitted(review: Review, actor) -> None:
    from sqlalchemy import select

    from peerreview.auth.models import User
    from peerreview.notifications.queue import queue_mail
    from peerreview.urls import absolute_url

    people = set(db.session.scalars(select(User).where(User.is_coordinator.is_(True),
                                                       User.active.is_(True))))
    people |= {s.user for s in review.team if s.status == "accepted" and s.user.is_active}
    people.discard(actor)
    link = absolute_url("assessment.show", review_id=review.id)
    for user in sorted(people, key=lambda u: u.id):
        queue_mail(user.email, "self_assessment_submitted", user=user, review=review, link=link)


def add_file(review: Review, entry: SelfAssessmentEntry, upload, *, actor) -> EvidenceFile:
    from peerreview.files import services as files

    if entry.assessment.status == "submitted":
        raise NotAllowed(_("The self-assessment has been submitted and can no longer be changed."))
    stored, filename = files.store_upload(upload)
    item = EvidenceFile(entry=entry, file=stored, filename=filename, uploaded_by_id=actor.id)
    db.session.add(item)
    db.session.flush()
    record("self_assessment.file_add", review, actor=actor,
           changes={"key_factor": entry.key_factor.code, "file": filename})
    return item


def remove_file(review: Review, item: EvidenceFile, *, actor) -> None:
    if item.entry.assessment.status == "submitted":
        raise NotAllowed(_("The self-assessment has been submitted and can no longer be changed."))
    record("self_assessment.file_remove", review, actor=actor,
           changes={"key_factor": item.entry.key_factor.code, "file": item.filename})
    db.session.delete(item)
