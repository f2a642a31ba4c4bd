"""What the application holds about one person, for the "download my data" page.

Each place is a provider: a function (user) -> (key, data). The keys are the ``export``
names of ``peerreview.auth.data_registry``; a test checks that every key named there is
produced here. Others' personal data is left out (an audit entry written by a coordinator
about you shows what happened, not the other names in it).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from peerreview.audit.models import AuditEntry
from peerreview.extensions import db

PROVIDERS: list[Callable] = []


def provider(func: Callable) -> Callable:
    PROVIDERS.append(func)
    return func


def _at(value) -> str | None:
    return value.isoformat() + "Z" if value else None


def _day(value) -> str | None:
    return value.isoformat() if value else None


@provider
def _account(user):
    return "account", {
        "email": user.email,
        "name": user.name,
        "city": user.city.label if user.city else None,
        "city_role": user.city_role,
        "languages": user.languages,
        "language": user.language,
        "coordinator": user.is_coordinator,
        "created_at": user.created_at.isoformat() + "Z",
        "last_login_at": user.last_login_at.isoformat() + "Z" if user.last_login_at else None,
    }


@provider
def _activity(user):
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(AuditEntry.id)
    )
    return "activity", [
        {"at": e.created_at.isoformat() + "Z", "action": e.action, "object": e.object_type,
         "object_id": e.object_id, "ip": e.ip}
        for e in entries
    ]


@provider
def _about_you(user):
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "user_account", AuditEntry.object_id == user.id,
        AuditEntry.actor_id.is_distinct_from(user.id)).order_by(AuditEntry.id))
    return "about_you", [{"at": _at(e.created_at), "action": e.action} for e in entries]


@provider
def _account_links(user):
    from peerreview.auth.models import AccountToken

    rows = db.session.scalars(select(AccountToken).where(AccountToken.user_id == user.id)
                              .order_by(AccountToken.id))
    return "account_links", [{"purpose": t.purpose, "created_at": _at(t.created_at),
                              "expires_at": _at(t.expires_at), "used_at": _at(t.used_at)}
                             for t in rows]


@provider
def _login_sessions(user):
    from peerreview.auth.models import LoginSession

    rows = db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)
                              .order_by(LoginSession.id))
    return "login_sessions", [{"started_at": _at(s.created_at), "expires_at": _at(s.expires_at),
                               "ended_at": _at(s.ended_at), "keep_logged_in": s.remember}
                              for s in rows]


@provider
def _calendar_feed(user):
    from peerreview.reviews.models import CalendarToken

    rows = db.session.scalars(select(CalendarToken).where(CalendarToken.user_id == user.id)
                              .order_by(CalendarToken.id))
    return "calendar_feed", [{"created_at": _at(t.created_at), "stopped_at": _at(t.revoked_at)}
                             for t in rows]


@provider
def _notification_preferences(user):
    from peerreview.deadlines.models import NotificationPreference

    rows = db.session.scalars(select(NotificationPreference).where(
        NotificationPreference.user_id == user.id).order_by(NotificationPreference.kind))
    return "notification_preferences", {p.kind: p.mode for p in rows}


@provider
def _reminders(user):
    from peerreview.deadlines.models import ReminderSent

    rows = db.session.scalars(select(ReminderSent).where(ReminderSent.user_id == user.id)
                              .order_by(ReminderSent.id))
    return "reminders", [{"kind": r.kind, "object": r.object_type, "object_id": r.object_id,
                          "stage": r.stage, "due": _day(r.due), "recorded_at": _at(r.sent_at)}
                         for r in rows]


@provider
def _held_messages(user):
    from peerreview.deadlines.models import HeldMessage

    rows = db.session.scalars(select(HeldMessage).where(HeldMessage.user_id == user.id)
                              .order_by(HeldMessage.id))
    return "held_messages", [{"kind": h.kind, "subject": h.subject, "body": h.body,
                              "created_at": _at(h.created_at), "digest_week": _day(h.digest_week)}
                             for h in rows]


@provider
def _mail(user):
    from peerreview.notifications.models import OutgoingMail

    rows = db.session.scalars(select(OutgoingMail).where(
        (OutgoingMail.user_id == user.id) | (OutgoingMail.to_address == user.email))
        .order_by(OutgoingMail.id))
    return "mail", [{"to": m.to_address, "subject": m.subject, "created_at": _at(m.created_at),
                     "sent_at": _at(m.sent_at), "state": m.state} for m in rows]


@provider
def _peer_profile(user):
    from peerreview.matching.models import PeerProfile

    profile = db.session.scalar(select(PeerProfile).where(PeerProfile.user_id == user.id))
    if profile is None:
        return "peer_profile", None
    return "peer_profile", {
        "note": profile.note,
        "max_reviews_per_year": profile.max_reviews_per_year,
        "trained": profile.trained,
        "trained_on": _day(profile.trained_on),
        "expertise": {e.theme.name: e.level for e in profile.expertise},
        "unavailable": [{"from": _day(p.start), "to": _day(p.end), "note": p.note}
                        for p in profile.unavailable],
        "created_at": _at(profile.created_at),
    }


@provider
def _review_bids(user):
    from peerreview.matching.models import ReviewBid

    rows = db.session.scalars(select(ReviewBid).where(ReviewBid.user_id == user.id)
                              .order_by(ReviewBid.id))
    return "review_bids", [{"review_id": b.review_id, "answer": b.kind, "note": b.note,
                            "at": _at(b.created_at)} for b in rows]


@provider
def _review_teams(user):
    from peerreview.reviews.models import TeamMember

    rows = db.session.scalars(select(TeamMember).where(TeamMember.user_id == user.id)
                              .order_by(TeamMember.id))
    return "review_teams", [{"review_id": s.review_id, "role": s.role, "status": s.status,
                             "reason": s.reason, "since": _at(s.created_at),
                             "answered_at": _at(s.answered_at)} for s in rows]


@provider
def _observations(user):
    from peerreview.observations.models import Observation

    rows = db.session.scalars(select(Observation).where(Observation.author_id == user.id)
                              .order_by(Observation.id))
    return "observations", [{"review_id": o.review_id, "uuid": o.uuid, "kind": o.kind,
                             "text": o.text, "file": o.filename, "created_at": _at(o.created_at),
                             "withdrawn_at": _at(o.withdrawn_at)} for o in rows]


@provider
def _peer_ratings(user):
    from peerreview.observations.models import PeerRating

    rows = db.session.scalars(select(PeerRating).where(PeerRating.user_id == user.id)
                              .order_by(PeerRating.id))
    return "peer_ratings", [{"review_id": r.review_id, "key_factor_id": r.key_factor_id,
                             "rating": r.rating, "note": r.note} for r in rows]


@provider
def _report_comments(user):
    from peerreview.reports.models import ReportComment

    rows = db.session.scalars(select(ReportComment).where(ReportComment.author_id == user.id)
                              .order_by(ReportComment.id))
    return "report_comments", [{"report_id": c.report_id, "section": c.section, "kind": c.kind,
                                "body": c.body, "created_at": _at(c.created_at)} for c in rows]


@provider
def _mentorships(user):
    from peerreview.mentoring.models import MentorshipPerson

    rows = db.session.scalars(select(MentorshipPerson).where(MentorshipPerson.user_id == user.id)
                              .order_by(MentorshipPerson.id))
    return "mentorships", [{"mentorship_id": p.mentorship_id, "role": p.role} for p in rows]


@provider
def _mentoring_visits(user):
    from peerreview.mentoring.models import MentoringVisit, visit_participant

    rows = db.session.scalars(select(MentoringVisit).join(
        visit_participant, visit_participant.c.visit_id == MentoringVisit.id)
        .where(visit_participant.c.user_id == user.id).order_by(MentoringVisit.id))
    return "mentoring_visits", [{"mentorship_id": v.mentorship_id, "kind": v.kind,
                                 "from": _day(v.starts_on), "to": _day(v.ends_on),
                                 "location": v.location} for v in rows]


def collect(user) -> dict:
    data = {}
    for func in PROVIDERS:
        key, value = func(user)
        data[key] = value
    return data
