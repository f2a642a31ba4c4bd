"""Reviews: the host city, seats on the review team, the self-assessment, the programme."""

from __future__ import annotations

from peerreview.permissions.base import _auth, is_coordinator

# --- reviews -------------------------------------------------------------------------------
# Relations: the host city (its members; its contact acts for it), a seat on the review team
# (not declined), and the coordinator flag.

def is_host_member(user, review) -> bool:
    return _auth(user) and user.city_id is not None and user.city_id == review.host_city_id


def is_host_contact(user, review) -> bool:
    return is_host_member(user, review) and user.city_role == "contact"


def team_seat(user, review):
    """The user's seat on the review team in any status, or None."""
    if not _auth(user):
        return None
    for seat in review.team:
        if seat.user_id == user.id:
            return seat
    return None


SEES_REVIEW = ("invited", "accepted")
"""Seats whose peer sees the review: invited (to decide) or accepted. A proposed seat is only
the matcher's suggestion: its peer knows nothing of it yet and sees nothing of the review; a
declined or removed seat sees nothing either."""


def is_invited_or_on_team(user, review) -> bool:
    seat = team_seat(user, review)
    return seat is not None and seat.status in SEES_REVIEW


def is_team_member(user, review) -> bool:
    """An accepted seat: the people who read the self-assessment and write notes."""
    seat = team_seat(user, review)
    return seat is not None and seat.status == "accepted"


def is_team_lead(user, review) -> bool:
    seat = team_seat(user, review)
    return seat is not None and seat.role == "lead" and seat.status == "accepted"


def can_list_reviews(user) -> bool:
    return _auth(user)


def can_request_review(user) -> bool:
    return _auth(user) and user.city_id is not None and user.city_role == "contact"


def visible_reviews(user):
    """The SQL condition on Review for the reviews ``user`` may see (None: all of them, for a
    coordinator; False: none). Every list, count and search of reviews uses it, so that it
    agrees with ``can_view_review``."""
    from sqlalchemy import false, or_, select

    from peerreview.reviews.models import Review, TeamMember

    if is_coordinator(user):
        return None
    if not _auth(user):
        return false()
    seats = select(TeamMember.review_id).where(TeamMember.user_id == user.id,
                                               TeamMember.status.in_(SEES_REVIEW))
    conditions = [Review.id.in_(seats)]
    if user.city_id is not None:
        conditions.append(Review.host_city_id == user.city_id)
    return or_(*conditions)


def can_view_review(user, review) -> bool:
    return is_coordinator(user) or is_host_member(user, review) or is_invited_or_on_team(user, review)


def can_edit_request(user, review) -> bool:
    return review.state == "draft" and (is_host_contact(user, review) or is_coordinator(user))


# The report's language may change until the report is first issued.
REPORT_LANGUAGE_STATES = ("draft", "requested", "accepted", "team_forming", "preparing", "visit",
                          "reporting")


def can_set_report_language(user, review) -> bool:
    return review.state in REPORT_LANGUAGE_STATES and (
        is_host_contact(user, review) or is_coordinator(user))


def can_add_document(user, review) -> bool:
    return review.state not in ("closed", "cancelled", "declined") and (
        is_host_member(user, review) or is_coordinator(user))


def can_manage_team(user, review) -> bool:
    return is_coordinator(user)


SEAT_ANSWER_STATES = ("accepted", "team_forming", "preparing", "visit")
BEFORE_VISIT = ("accepted", "team_forming", "preparing")


def can_answer_seat(user, seat, answer: str) -> bool:
    """Accept or decline a seat. Only an invited seat is accepted (a proposed one needs an
    invitation first), by its peer or by a coordinator recording the answer. The peer declines
    an invitation, or an accepted seat before the visit week starts; during the visit week only
    a coordinator records that someone dropped out (and replaces them)."""
    review = seat.review
    if review.state not in SEAT_ANSWER_STATES or not _auth(user):
        return False
    own = seat.user_id == user.id
    if answer == "accept":
        return seat.status == "invited" and (own or is_coordinator(user))
    if answer == "decline":
        if seat.status == "invited":
            return own or is_coordinator(user)
        if seat.status == "accepted":
            return is_coordinator(user) or (own and review.state in BEFORE_VISIT)
    return False


def can_view_self_assessment(user, review) -> bool:
    if is_coordinator(user) or is_host_member(user, review):
        return True
    sa = getattr(review, "self_assessment", None)
    return is_team_member(user, review) and sa is not None and sa.status == "submitted"


def can_edit_self_assessment(user, review) -> bool:
    sa = getattr(review, "self_assessment", None)
    if sa is not None and sa.status == "submitted":
        return False
    return review.state in ("accepted", "team_forming", "preparing") and is_host_member(user, review)


def can_submit_self_assessment(user, review) -> bool:
    return can_edit_self_assessment(user, review) and is_host_contact(user, review)


def can_view_programme(user, review) -> bool:
    return can_view_review(user, review)


def can_edit_programme(user, review) -> bool:
    if review.state not in ("accepted", "team_forming", "preparing", "visit"):
        return False
    if is_coordinator(user) or is_team_lead(user, review):
        return True
    # The host drafts the programme; once the visit has started only the lead and the
    # coordinator change it.
    return review.state != "visit" and is_host_member(user, review)


def can_use_calendar(user) -> bool:
    return _auth(user)
