"""First impressions: the oral feedback the team gives at the end of the visit week, recorded
in writing and shared with the host city before the draft report. Once shared it is frozen (the
host has read it); the report says the rest."""

from __future__ import annotations

from sqlalchemy import select

from peerreview.audit.services import record
from peerreview.domain import Conflict, DomainError, NotAllowed
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.people.models import FirstImpressions
from peerreview.timeutil import utcnow

MAX_TEXT = 20_000


class ImpressionsConflict(Conflict):
    pass


def save(review, body: str, *, base_version, actor) -> FirstImpressions:
    if review.state not in ("visit", "reporting"):
        raise NotAllowed(_("First impressions are written during the visit week and before the draft."))
    body = (body or "").strip()
    if len(body) > MAX_TEXT:
        raise DomainError(_("Keep the text under 20,000 characters."), field="body")
    current = db.session.scalar(select(FirstImpressions).where(FirstImpressions.review_id == review.id))
    if current is not None and current.shared_at is not None:
        raise NotAllowed(_("The first impressions have been shared with the host city and no longer change."))
    try:
        base = int(base_version) if base_version not in (None, "") else None
    except (TypeError, ValueError):
        base = None
    if current is None:
        if base is not None:
            raise ImpressionsConflict(_("Someone else changed this while you were working on it."), current)
        current = FirstImpressions(review=review, body=body, updated_by_id=actor.id)
        db.session.add(current)
    else:
        if base != current.version:
            raise ImpressionsConflict(_("Someone else changed this while you were working on it."), current)
        current.body, current.updated_by_id, current.updated_at = body, actor.id, utcnow()
    db.session.flush()
    record("impressions.save", review, actor=actor, changes={"version": current.version})
    return current


def share(review, *, actor) -> None:
    from peerreview.notifications.queue import queue_mail
    from peerreview.urls import absolute_url

    current = review.first_impressions
    if current is None or not current.body.strip():
        raise DomainError(_("Write the first impressions before sharing them."))
    if current.shared_at is not None:
        raise NotAllowed(_("The first impressions are already shared."))
    current.shared_at, current.shared_by_id = utcnow(), actor.id
    record("impressions.share", review, actor=actor)
    from peerreview.auth.models import User

    link = absolute_url("visit_team.first_impressions", review_id=review.id)
    for person in db.session.scalars(select(User).where(
            User.city_id == review.host_city_id, User.active.is_(True), User.erased_at.is_(None))
            .order_by(User.id)):
        queue_mail(person.email, "first_impressions", user=person, review=review, link=link)
