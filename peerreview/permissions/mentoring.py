"""Mentoring: schemes, mentorships, needs, visits, progress reviews and the action plan."""

from __future__ import annotations

from peerreview.extensions import db
from peerreview.permissions.base import _auth, is_coordinator
from peerreview.permissions.reports import can_view_draft, can_view_team_comments

# --- mentoring (mentoring/) --------------------------------------------------------------------
# Relations: a named mentor or mentee of the mentorship, and the coordinator flag. Nobody else
# sees a mentorship, not even other people of the same cities. Schemes, mentorships, the people
# named and state changes are the coordinator's. The implementing city (its mentees) keeps its
# needs assessment and action plan and records the endorsement; mentors and mentees record
# visits and progress reviews. A completed or withdrawn mentorship is read-only.

MENTORSHIP_OPEN = ("proposed", "active")


def mentorship_role(user, mentorship) -> str | None:
    """"mentor", "mentee" or None."""
    if not _auth(user):
        return None
    return next((p.role for p in mentorship.people if p.user_id == user.id), None)


def is_mentor(user, mentorship) -> bool:
    return mentorship_role(user, mentorship) == "mentor"


def is_mentee(user, mentorship) -> bool:
    return mentorship_role(user, mentorship) == "mentee"


def has_mentorship(user) -> bool:
    if not _auth(user):
        return False
    from sqlalchemy import select

    from peerreview.mentoring.models import MentorshipPerson
    from peerreview.request_cache import once

    # asked by the navigation and by the task list's mentoring sources on the same page
    return once(("has_mentorship", user.id), lambda: db.session.scalar(select(MentorshipPerson.id).where(
        MentorshipPerson.user_id == user.id).limit(1)) is not None)


def can_view_mentoring(user) -> bool:
    return _auth(user)


def can_manage_mentoring(user) -> bool:
    return is_coordinator(user)


def can_view_mentorship(user, mentorship) -> bool:
    return is_coordinator(user) or mentorship_role(user, mentorship) is not None


def can_change_mentorship(user, mentorship) -> bool:
    """Name people and move the mentorship through its states."""
    return is_coordinator(user)


def can_edit_needs(user, mentorship) -> bool:
    return mentorship.state in MENTORSHIP_OPEN and (is_coordinator(user) or is_mentee(user, mentorship))


def can_edit_action_plan(user, mentorship) -> bool:
    return mentorship.state in MENTORSHIP_OPEN and (is_coordinator(user) or is_mentee(user, mentorship))


def can_propose_action(user, mentorship) -> bool:
    """Mentors propose actions; the implementing city (can_edit_action_plan) accepts them."""
    return mentorship.state in MENTORSHIP_OPEN and is_mentor(user, mentorship)


def can_endorse_plan(user, mentorship) -> bool:
    return mentorship.state in MENTORSHIP_OPEN and is_mentee(user, mentorship)


def can_record_visit(user, mentorship) -> bool:
    return mentorship.state in MENTORSHIP_OPEN and can_view_mentorship(user, mentorship)


def can_record_progress(user, mentorship) -> bool:
    return mentorship.state == "active" and can_view_mentorship(user, mentorship)


def can_view_render_job(user, job) -> bool:
    """How a PDF being made is getting on: whoever may ask for that PDF (the team and the
    secretariat for an issued version)."""
    from peerreview.extensions import db

    if job.kind == "progress":
        from peerreview.mentoring.models import Mentorship

        mentorship = db.session.get(Mentorship, job.subject_id)
        return mentorship is not None and can_view_mentorship(user, mentorship)
    from peerreview.reviews.models import Review

    review = db.session.get(Review, job.subject_id)
    if review is None:
        return False
    if job.kind == "draft":
        return can_view_draft(user, review)
    return can_view_team_comments(user, review)
