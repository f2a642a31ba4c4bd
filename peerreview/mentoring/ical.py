"""Mentoring visits in the personal calendar feed of the people attending them.

Registered with :data:`peerreview.reviews.ical.FEED_EXTENSIONS` when the mentoring views are
loaded. A visit is an all-day event over its days (DTEND is the day after the last day, as
RFC 5545 wants for dates). Visits of withdrawn mentorships are left out.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Event
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.mentoring.models import (
    MentoringVisit,
    Mentorship,
    visit_participant,
)


def feed_visits(user) -> list[MentoringVisit]:
    stmt = (select(MentoringVisit)
            .join(Mentorship, Mentorship.id == MentoringVisit.mentorship_id)
            .join(visit_participant, visit_participant.c.visit_id == MentoringVisit.id)
            .where(visit_participant.c.user_id == user.id, Mentorship.state != "withdrawn")
            .options(selectinload(MentoringVisit.participants),
                     selectinload(MentoringVisit.mentorship).selectinload(Mentorship.implementing_city),
                     selectinload(MentoringVisit.mentorship).selectinload(Mentorship.mentor_cities))
            .order_by(MentoringVisit.starts_on, MentoringVisit.id))
    return list(db.session.scalars(stmt))


def summary(visit: MentoringVisit) -> str:
    m = visit.mentorship
    mentors = " and ".join(c.name for c in m.mentor_cities)
    if visit.kind == "study":
        return _("Study visit: %(city)s in %(mentors)s", city=m.implementing_city.name, mentors=mentors)
    return _("Mentoring visit: %(mentors)s in %(city)s", mentors=mentors, city=m.implementing_city.name)


def description(visit: MentoringVisit) -> str:
    lines = [_("Mentoring: %(title)s", title=visit.mentorship.title),
             _("Participants: %(names)s",
               names=", ".join(u.display_name for u in visit.participants) or _("none named"))]
    if visit.other_participants:
        lines.append(_("Also: %(names)s", names=visit.other_participants))
    if visit.agenda:
        lines += ["", _("Agenda:"), visit.agenda]
    if visit.agreed:
        lines += ["", _("Agreed:"), visit.agreed]
    return "\n".join(lines)


def event(visit: MentoringVisit, *, stamp: datetime, url: str | None = None) -> Event:
    return Event.new(
        uid=f"mentoring-visit-{visit.id}@peerreview", start=visit.starts_on,
        end=visit.ends_on + timedelta(days=1), summary=summary(visit),
        location=visit.location or None, description=description(visit), stamp=stamp, url=url,
        sequence=max((visit.version or 1) - 1, 0), status="CONFIRMED")


def add_visits(cal, user) -> None:
    from peerreview.urls import absolute_url

    stamp = datetime.now(UTC).replace(microsecond=0)
    for visit in feed_visits(user):
        cal.add_component(event(visit, stamp=stamp,
                                url=absolute_url("mentoring.show", mentorship_id=visit.mentorship_id)))


def register() -> None:
    from peerreview.reviews.ical import FEED_EXTENSIONS

    if add_visits not in FEED_EXTENSIONS:
        FEED_EXTENSIONS.append(add_visits)
