"""The people of the visit week: interviewees and their consent, outside seats on the team,
first impressions, and the participants' surveys."""

from __future__ import annotations

from peerreview.permissions.base import _auth, is_coordinator
from peerreview.permissions.reviews import is_host_contact, is_host_member, is_team_member

# --- interviewees ---------------------------------------------------------------------------
# The host city lists and invites them; the team (accepted seats) and the coordinator see who
# they meet and what each consented to. Interviewees have no account: their secret link opens
# their own answer page and nothing else (peerreview/people/answer_views.py).

INTERVIEWEE_STATES = ("accepted", "team_forming", "preparing", "visit")
SEES_INTERVIEWEES = ("accepted", "team_forming", "preparing", "visit", "reporting", "issued",
                     "follow_up", "closed")


def can_view_interviewees(user, review) -> bool:
    if review.state not in SEES_INTERVIEWEES:
        return False
    return is_coordinator(user) or is_host_member(user, review) or is_team_member(user, review)


def can_manage_interviewees(user, review) -> bool:
    """Add, change, remove and invite: the host city until the end of the visit week."""
    return review.state in INTERVIEWEE_STATES and (is_coordinator(user) or is_host_member(user, review))


def can_erase_interviewee(user, review) -> bool:
    """Answer a person's request: their data as a file, or erased now (any time)."""
    return is_coordinator(user) or is_host_contact(user, review)


# --- the consent check before issue -----------------------------------------------------------

def can_view_consent_check(user, review) -> bool:
    return review.state == "reporting" and (is_coordinator(user) or is_team_member(user, review))


def can_override_consent(user, review) -> bool:
    return review.state == "reporting" and is_coordinator(user)


# --- experts and staff on the team ------------------------------------------------------------

def can_add_outside_seat(user, review) -> bool:
    return review.state in ("team_forming", "preparing", "visit") and is_coordinator(user)


# --- first impressions (the oral feedback at the end of the visit week) -----------------------

IMPRESSION_STATES = ("visit", "reporting")


def can_write_first_impressions(user, review) -> bool:
    impressions = getattr(review, "first_impressions", None)
    if impressions is not None and impressions.shared_at is not None:
        return False
    return review.state in IMPRESSION_STATES and (is_coordinator(user) or is_team_member(user, review))


def can_share_first_impressions(user, review) -> bool:
    from peerreview.permissions.reports import is_report_lead

    return can_write_first_impressions(user, review) and (
        is_coordinator(user) or is_report_lead(user, review))


def can_view_first_impressions(user, review) -> bool:
    if is_coordinator(user) or is_team_member(user, review):
        return review.state in SEES_INTERVIEWEES
    impressions = getattr(review, "first_impressions", None)
    return (is_host_member(user, review) and impressions is not None
            and impressions.shared_at is not None)


# --- surveys ----------------------------------------------------------------------------------

AFTER_VISIT = ("reporting", "issued", "follow_up", "closed")
AFTER_ISSUE = ("issued", "follow_up", "closed")


def survey_respondent(user, review) -> str | None:
    """Whose view ``user`` gives on ``review``: "host", "team" or None."""
    if not _auth(user):
        return None
    if is_host_member(user, review):
        return "host"
    if is_team_member(user, review):
        return "team"
    return None


def can_answer_survey(user, review, kind: str) -> bool:
    """The visit survey: the host city and the team, once the visit week is over. The outcome
    survey: the host city, from twelve months after the first issue."""
    from peerreview.people.surveys import outcome_open_on

    if kind == "visit":
        return review.state in AFTER_VISIT and survey_respondent(user, review) is not None
    if kind == "outcome":
        opens = outcome_open_on(review)
        from datetime import date

        return (review.state in AFTER_ISSUE and is_host_member(user, review)
                and opens is not None and date.today() >= opens)
    return False


def can_view_survey_results(user) -> bool:
    return is_coordinator(user)
