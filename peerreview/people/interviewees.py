"""Interviewees: the people the team meets in the sessions of the visit programme.

The host city lists them per session and invites them from the application: an e-mail in the
interviewee's language with the session's time and place (an .ics file attached), a notice on
how notes and quotes are used, and a secret link to answer (attending or not; may be quoted by
name, without name, or not at all; photos yes or no). Interviewees never get an account; the
link opens their own answer page and nothing else. Only the SHA-256 of the link's token is
stored; a new invitation replaces the link.

The audit log names interviewees by id only, so that erasing a person's details (on request or
by ``retention``) leaves no copy of them behind.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from peerreview.audit.services import record
from peerreview.domain import DomainError, NotAllowed
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.i18n import use_locale
from peerreview.people import notice
from peerreview.people.models import ATTENDANCE, QUOTE_CONSENT, Interviewee
from peerreview.reviews.models import ORGANISATION_TYPES, VisitSession
from peerreview.timeutil import utcnow

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9+()./\- ]{5,50}$")
ANSWER_STATES = ("accepted", "team_forming", "preparing", "visit")


@dataclass
class IntervieweeInput:
    session_id: int | None
    name: str
    role: str = ""
    organisation: str = ""
    organisation_type: str = "other"
    email: str = ""
    phone: str = ""
    language: str = "en"


def _clean(review, values: IntervieweeInput) -> dict:
    from peerreview.forms_common import EUROPEAN_LANGUAGES

    session = db.session.get(VisitSession, values.session_id) if values.session_id else None
    if session is None or session.review_id != review.id:
        raise DomainError(_("Choose a session of this visit programme."), field="session_id")
    name = " ".join((values.name or "").split())
    if not name:
        raise DomainError(_("Give the person's name."), field="name")
    if len(name) > 200:
        raise DomainError(_("Keep the name under 200 characters."), field="name")
    role, organisation = (values.role or "").strip(), (values.organisation or "").strip()
    if len(role) > 200 or len(organisation) > 200:
        raise DomainError(_("Keep the role and the organisation under 200 characters each."),
                          field="organisation")
    if values.organisation_type not in ORGANISATION_TYPES:
        raise DomainError(_("Choose the kind of organisation."), field="organisation_type")
    email = (values.email or "").strip().lower() or None
    if email and (len(email) > 254 or not EMAIL.match(email)):
        raise DomainError(_("This is not an e-mail address: %(value)s", value=email), field="email")
    phone = (values.phone or "").strip() or None
    if phone and not PHONE.match(phone):
        raise DomainError(_("Give the phone number with digits, spaces and + only."), field="phone")
    language = values.language if values.language in EUROPEAN_LANGUAGES else None
    if language is None:
        raise DomainError(_("Choose the language of the invitation."), field="language")
    return {"session": session, "name": name, "role": role, "organisation": organisation,
            "organisation_type": values.organisation_type, "email": email, "phone": phone,
            "language": language}


def _open(review) -> None:
    if review.state not in ANSWER_STATES:
        raise NotAllowed(_("Interviewees are listed and invited until the end of the visit week."))


def add(review, values: IntervieweeInput, *, actor) -> Interviewee:
    _open(review)
    person = Interviewee(review=review, created_by_id=getattr(actor, "id", None), **_clean(review, values))
    db.session.add(person)
    db.session.flush()
    record("interviewee.add", review, actor=actor,
           changes={"interviewee": person.id, "session": person.session_id})
    return person


def update(person: Interviewee, values: IntervieweeInput, *, actor) -> list[str]:
    _open(person.review)
    if person.name_erased_at or person.contact_erased_at:
        raise NotAllowed(_("This person's details have been erased."))
    clean = _clean(person.review, values)
    changed = [k for k, v in clean.items() if getattr(person, k) != v]
    for key in changed:
        setattr(person, key, clean[key])
    if "email" in changed:
        person.token_hash = None  # a link sent to the old address no longer works
    if changed:
        record("interviewee.update", person.review, actor=actor,
               changes={"interviewee": person.id, "fields": sorted(changed)})
    return changed


def remove(person: Interviewee, *, actor) -> None:
    _open(person.review)
    record("interviewee.remove", person.review, actor=actor, changes={"interviewee": person.id})
    db.session.delete(person)


# --- invitations and answers ------------------------------------------------------------------

def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def by_token(token: str) -> Interviewee | None:
    if not token or len(token) > 100:
        return None
    person = db.session.scalar(select(Interviewee).where(Interviewee.token_hash == hash_token(token)))
    if person is None or person.contact_erased_at is not None:
        return None
    return person


def session_calendar(person: Interviewee) -> str:
    """The session as an .ics file (RFC 5545) for the invitation."""
    from icalendar import Calendar, Event

    from peerreview.reviews.ical import PRODID, _zone, session_uid

    session = person.session
    tz = _zone(session.review)
    cal = Calendar.new(prodid=PRODID)
    cal.add("method", "PUBLISH")
    cal.add_component(Event.new(
        uid=session_uid(session), summary=session.title, location=session.venue or None,
        start=datetime.combine(session.day, session.start_time, tzinfo=tz),
        end=datetime.combine(session.day, session.end_time, tzinfo=tz),
        description=_("Peer review of %(review)s: a meeting with the review team.",
                      review=session.review.title),
        stamp=datetime.now(UTC).replace(microsecond=0), sequence=max((session.version or 1) - 1, 0)))
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")


def invite(review, people: list[Interviewee], *, actor) -> list[Interviewee]:
    """E-mail each person (who has an address) a new answer link; returns those invited."""
    from flask import current_app

    from peerreview.notifications.queue import queue_mail
    from peerreview.urls import absolute_url

    _open(review)
    invited = []
    for person in people:
        if not person.email or person.contact_erased_at:
            continue
        token = secrets.token_urlsafe(32)
        person.token_hash = hash_token(token)
        person.invited_at = utcnow()
        link = absolute_url("interviewee_answer.answer", token=token)
        with use_locale(person.language):
            queue_mail(person.email, "interviewee_invitation", language=person.language,
                       person=person, review=review,
                       session=person.session, link=link, notice=notice.paragraphs(review),
                       network_name=current_app.config["NETWORK_NAME"],
                       attachments=[{"filename": "session.ics",
                                     "content_type": "text/calendar; method=PUBLISH",
                                     "content": session_calendar(person)}])
        invited.append(person)
    if not invited:
        raise DomainError(_("No one to invite: give the e-mail address of the people to invite."))
    record("interviewee.invite", review, actor=actor,
           changes={"interviewees": [p.id for p in invited]})
    return invited


def answer(person: Interviewee, *, attending: str, quote_consent: str | None,
           photo_consent: bool | None) -> None:
    """The interviewee's own answer through their link (no account, no actor)."""
    if person.review.state not in ANSWER_STATES:
        raise NotAllowed(_("The visit week is over: answers can no longer be changed. Write to "
                           "the host city if you want to change what you agreed to."))
    if attending not in ATTENDANCE:
        raise DomainError(_("Say whether you will attend."), field="attending")
    if quote_consent not in QUOTE_CONSENT:
        raise DomainError(_("Say whether the team may quote you."), field="quote_consent")
    if photo_consent is None:
        raise DomainError(_("Say whether photos of you may be taken."), field="photo_consent")
    person.attending, person.quote_consent, person.photo_consent = attending, quote_consent, photo_consent
    person.answered_at = utcnow()
    record("interviewee.answer", person.review, actor=None, changes={
        "interviewee": person.id, "attending": attending, "quote_consent": quote_consent,
        "photo_consent": photo_consent})


# --- a person's rights: their data, and erasure on request -------------------------------------

def export(person: Interviewee) -> dict:
    """Everything the application holds about one interviewee."""
    def at(value):
        return value.isoformat() + "Z" if value else None

    return {
        "name": person.name, "role": person.role, "organisation": person.organisation,
        "organisation_type": person.organisation_type, "email": person.email, "phone": person.phone,
        "language": person.language, "review": person.review.title,
        "session": {"title": person.session.title, "day": person.session.day.isoformat(),
                    "venue": person.session.venue},
        "invited_at": at(person.invited_at), "answered_at": at(person.answered_at),
        "attending": person.attending, "quote_consent": person.quote_consent,
        "photo_consent": person.photo_consent,
        "contact_erased_at": at(person.contact_erased_at), "name_erased_at": at(person.name_erased_at),
    }


ERASED_NAME = "—"


def erase_contact(person: Interviewee) -> bool:
    """Remove the e-mail address, the phone number and the answer link, and the e-mails that
    were sent to the address. True if anything changed."""
    from peerreview.notifications.models import OutgoingMail

    if person.contact_erased_at is not None:
        return False
    if person.email:
        db.session.execute(OutgoingMail.__table__.delete().where(
            OutgoingMail.user_id.is_(None), OutgoingMail.to_address == person.email))
    person.email = person.phone = person.token_hash = None
    person.contact_erased_at = utcnow()
    return True


def erase_name(person: Interviewee) -> bool:
    if person.name_erased_at is not None:
        return False
    person.name, person.role = ERASED_NAME, ""
    person.name_erased_at = utcnow()
    return True


def erase(person: Interviewee, *, actor) -> None:
    """Erase everything that identifies the person, on their request."""
    if person.contact_erased_at and person.name_erased_at:
        raise NotAllowed(_("This person's details are already erased."))
    erase_contact(person)
    erase_name(person)
    record("interviewee.erase", person.review, actor=actor, changes={"interviewee": person.id})


def for_review(review) -> list[Interviewee]:
    from sqlalchemy.orm import selectinload

    return list(db.session.scalars(
        select(Interviewee).where(Interviewee.review_id == review.id)
        .options(selectinload(Interviewee.session))
        .join(VisitSession, Interviewee.session_id == VisitSession.id)
        .order_by(VisitSession.day, VisitSession.start_time, Interviewee.id)))


def by_session(review) -> dict[int, list[Interviewee]]:
    out: dict[int, list[Interviewee]] = {}
    for person in for_review(review):
        out.setdefault(person.session_id, []).append(person)
    return out
