"""Calendars (RFC 5545) of visit programmes, and personal feed addresses.

A review's programme can be downloaded as one .ics file. A person can also create a secret
feed address that calendar apps subscribe to: it lists every session they attend and, for a
host city's contact, every session of the reviews their city hosts. Only the SHA-256 of the
address's token is stored; the address is shown once, when it is created. Replacing it revokes
the old one.

Times are written in the host city's time zone, with a VTIMEZONE for each zone used.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from peerreview import permissions as perm
from peerreview.audit.services import record
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.reviews.models import (
    ACTIVE_SEAT_STATUSES,
    SESSION_TYPES,
    CalendarToken,
    Review,
    TeamMember,
    VisitSession,
    session_attendee,
)
from peerreview.reviews.programme import org_labels
from peerreview.timeutil import utcnow

PRODID = "-//peerreview//Visit programme//EN"
FEED_HIDDEN_STATES = ("declined", "cancelled")
REFRESH = timedelta(hours=1)

# Other features add their own events to a person's feed: each ``fn(calendar, user)`` appends
# VEVENTs for ``user`` (mentoring visits register theirs in peerreview/mentoring/ical.py).
FEED_EXTENSIONS: list = []


def extend_feed(cal: Calendar, user) -> Calendar:
    for fn in FEED_EXTENSIONS:
        fn(cal, user)
    return cal


# --- feed tokens -----------------------------------------------------------------------------

def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def active_token(user) -> CalendarToken | None:
    return db.session.scalar(
        select(CalendarToken).where(CalendarToken.user_id == user.id,
                                    CalendarToken.revoked_at.is_(None))
        .order_by(CalendarToken.id.desc()).limit(1))


def revoke_feed(user, *, actor) -> int:
    """Revoke the user's feed addresses; returns how many were active."""
    now = utcnow()
    tokens = db.session.scalars(select(CalendarToken).where(
        CalendarToken.user_id == user.id, CalendarToken.revoked_at.is_(None))).all()
    for tok in tokens:
        tok.revoked_at = now
        record("calendar.revoke", tok, actor=actor, changes={"user": user.id})
    db.session.flush()
    return len(tokens)


def create_feed(user, *, actor) -> str:
    """A new secret feed token for ``user`` (any older one is revoked). Returns the token."""
    replaced = revoke_feed(user, actor=actor)
    token = secrets.token_urlsafe(32)
    tok = CalendarToken(user_id=user.id, token_hash=hash_token(token))
    db.session.add(tok)
    db.session.flush()
    record("calendar.create", tok, actor=actor, changes={"user": user.id, "replaced": replaced})
    return token


def user_for_token(token: str):
    """The active user whose unrevoked feed token this is, or None."""
    from peerreview.auth.models import User

    if not token or len(token) > 200:
        return None
    tok = db.session.scalar(select(CalendarToken).where(
        CalendarToken.token_hash == hash_token(token), CalendarToken.revoked_at.is_(None)))
    if tok is None:
        return None
    user = db.session.get(User, tok.user_id)
    return user if user is not None and user.is_active else None


# --- which sessions --------------------------------------------------------------------------

def _with_calendar_data(stmt):
    from peerreview.framework.models import Benchmark

    return stmt.options(
        selectinload(VisitSession.attendees).selectinload(TeamMember.user),
        selectinload(VisitSession.key_factors),
        selectinload(VisitSession.review).selectinload(Review.host_city),
        selectinload(VisitSession.review).selectinload(Review.benchmark)
        .selectinload(Benchmark.theme),
    ).order_by(VisitSession.day, VisitSession.start_time, VisitSession.id)


def review_sessions(review: Review) -> list[VisitSession]:
    return list(db.session.scalars(_with_calendar_data(
        select(VisitSession).where(VisitSession.review_id == review.id))))


def feed_sessions(user) -> list[VisitSession]:
    """Sessions the user attends (seat not declined), plus, for a city contact, every session
    of the reviews the city hosts; none of declined or cancelled reviews."""
    attends = (select(session_attendee.c.session_id)
               .join(TeamMember, TeamMember.id == session_attendee.c.team_member_id)
               .where(TeamMember.user_id == user.id, TeamMember.status.in_(perm.SEES_REVIEW)))
    conditions = [VisitSession.id.in_(attends)]
    if user.city_id is not None and user.city_role == "contact":
        conditions.append(Review.host_city_id == user.city_id)
    stmt = (select(VisitSession).join(Review, Review.id == VisitSession.review_id)
            .where(or_(*conditions), Review.state.not_in(FEED_HIDDEN_STATES)))
    return list(db.session.scalars(_with_calendar_data(stmt)))


# --- the calendar ----------------------------------------------------------------------------

def _zone(review: Review) -> ZoneInfo:
    try:
        return ZoneInfo(review.host_city.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def session_uid(session: VisitSession) -> str:
    return f"session-{session.id}@peerreview"


def description(session: VisitSession) -> str:
    lines = [_("Peer review: %(title)s", title=session.review.title),
             _("Type: %(type)s", type=SESSION_TYPES.get(session.session_type, session.session_type))]
    types = org_labels(session.organisation_types)
    if session.organisations and types:
        lines.append(_("Organisations: %(names)s (%(types)s)", names=session.organisations, types=types))
    elif session.organisations or types:
        lines.append(_("Organisations: %(names)s", names=session.organisations or types))
    if session.interpreter_needed:
        lines.append(_("Interpreter needed"))
    peers = [m.user.display_name for m in session.attendees if m.status in ACTIVE_SEAT_STATUSES]
    lines.append(_("Peers: %(names)s", names=", ".join(peers) or _("none yet")))
    if session.key_factors:
        lines.append(_("Key factors: %(factors)s",
                       factors="; ".join(f"{kf.code} {kf.title}" for kf in session.key_factors)))
    if session.notes:
        lines += ["", session.notes]
    return "\n".join(lines)


def event(session: VisitSession, *, url: str | None = None, stamp: datetime | None = None) -> Event:
    tz = _zone(session.review)
    ev = Event.new(
        uid=session_uid(session),
        start=datetime.combine(session.day, session.start_time, tzinfo=tz),
        end=datetime.combine(session.day, session.end_time, tzinfo=tz),
        summary=session.title,
        location=session.venue or None,
        description=description(session),
        stamp=stamp or datetime.now(UTC).replace(microsecond=0),
        url=url,
        sequence=max((session.version or 1) - 1, 0),
        status="CANCELLED" if session.review.state == "cancelled" else "CONFIRMED",
    )
    return ev


def build(sessions: list[VisitSession], *, name: str, uid: str, url_for_review=None) -> Calendar:
    """A calendar of ``sessions``; ``url_for_review(review)`` gives each event's link."""
    cal = Calendar.new(prodid=PRODID, name=name, refresh_interval=REFRESH, uid=uid)
    stamp = datetime.now(UTC).replace(microsecond=0)
    for s in sessions:
        cal.add_component(event(s, url=url_for_review(s.review) if url_for_review else None,
                                stamp=stamp))
    if sessions:
        first, last = min(s.day for s in sessions), max(s.day for s in sessions)
        cal.add_missing_timezones(first_date=date(first.year, 1, 1),
                                  last_date=date(last.year + 1, 1, 1))
    return cal
