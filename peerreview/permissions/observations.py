"""Observations: the team's notes during the visit."""

from __future__ import annotations

from peerreview.permissions.base import _auth, is_coordinator
from peerreview.permissions.reviews import is_team_member

# --- observations ------------------------------------------------------------------------
# The team and the coordinator see every observation of the review; the host city does not
# (it sees the report). Authors change their own notes until the review leaves "reporting".

OBSERVATION_STATES = ("preparing", "visit", "reporting")


def can_view_observations(user, review) -> bool:
    return is_coordinator(user) or is_team_member(user, review)


def can_add_observation(user, review) -> bool:
    return review.state in OBSERVATION_STATES and is_team_member(user, review)


def can_edit_observation(user, observation) -> bool:
    review = observation.review
    return (review.state in OBSERVATION_STATES and observation.withdrawn_at is None
            and _auth(user) and observation.author_id == user.id and is_team_member(user, review))


def can_rate_as_peer(user, review) -> bool:
    return review.state in ("visit", "reporting") and is_team_member(user, review)
