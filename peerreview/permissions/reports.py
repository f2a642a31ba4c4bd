"""The feedback report: drafting, the factual check, issue, downloads and follow-up."""

from __future__ import annotations

from peerreview.permissions.base import _auth, is_coordinator
from peerreview.permissions.reviews import is_host_member, team_seat
from peerreview.permissions.steps import can_transition

# --- reports (reports/) ----------------------------------------------------------------------
# The team (accepted seats) drafts while the review is "reporting"; the lead and the rapporteur
# also agree the ratings and remove recommendations; the coordinator does everything, and after
# issue only the coordinator corrects the text for a re-issue. The host city reads the draft only
# during the factual check and never sees the team's own comments. Issued PDFs and the
# follow-up: the host city's members, the team and the coordinator.

REPORT_AFTER_ISSUE = ("issued", "follow_up", "closed")


def accepted_seat(user, review):
    seat = team_seat(user, review)
    return seat if seat is not None and seat.status == "accepted" else None


def is_report_team(user, review) -> bool:
    return accepted_seat(user, review) is not None


def is_report_lead(user, review) -> bool:
    seat = accepted_seat(user, review)
    return seat is not None and seat.role in ("lead", "rapporteur")


def in_factual_check(review) -> bool:
    report = getattr(review, "report", None)
    return review.state == "reporting" and report is not None and report.state == "factual_check"


def can_view_report(user, review) -> bool:
    """The report's page; what it shows depends on the predicates below."""
    if is_coordinator(user) or is_report_team(user, review):
        return review.state in ("reporting", *REPORT_AFTER_ISSUE)
    return is_host_member(user, review) and (in_factual_check(review)
                                             or review.state in REPORT_AFTER_ISSUE)


def can_view_draft(user, review) -> bool:
    """The current text (page, HTML preview, draft PDF): the host only during the factual check."""
    if review.state not in ("reporting", *REPORT_AFTER_ISSUE):
        return False
    if is_coordinator(user) or is_report_team(user, review):
        return True
    return is_host_member(user, review) and in_factual_check(review)


def can_draft_report(user, review) -> bool:
    """Write texts, findings and recommendations (after issue: the coordinator's corrections)."""
    if review.state == "reporting":
        return is_coordinator(user) or is_report_team(user, review)
    return review.state in ("issued", "follow_up") and is_coordinator(user)


def can_lead_report(user, review) -> bool:
    """Set the team's agreed ratings and remove recommendations."""
    if review.state == "reporting":
        return is_coordinator(user) or is_report_lead(user, review)
    return review.state in ("issued", "follow_up") and is_coordinator(user)


def can_view_team_comments(user, review) -> bool:
    return is_coordinator(user) or is_report_team(user, review)


def can_comment_as_team(user, review) -> bool:
    return review.state == "reporting" and can_view_team_comments(user, review)


def can_comment_as_host(user, review) -> bool:
    return is_host_member(user, review) and in_factual_check(review)


def can_answer_host_comments(user, review) -> bool:
    return review.state == "reporting" and (is_coordinator(user) or is_report_team(user, review))


def can_manage_factual_check(user, review) -> bool:
    """The page's factual-check controls: start it, or end it early."""
    return (can_transition(user, review, "start_factual_check")
            or can_transition(user, review, "end_factual_check"))


def can_issue_report(user, review) -> bool:
    return can_transition(user, review, "issue")


def can_reissue_report(user, review) -> bool:
    return can_transition(user, review, "reissue")


def can_download_report(user, review) -> bool:
    return is_coordinator(user) or is_report_team(user, review) or is_host_member(user, review)


def can_view_follow_up(user, review) -> bool:
    return review.state in REPORT_AFTER_ISSUE and can_download_report(user, review)


def can_respond_to_recommendations(user, review) -> bool:
    return review.state in ("issued", "follow_up") and (
        is_host_member(user, review) or is_coordinator(user))


def can_view_all_follow_up(user) -> bool:
    return is_coordinator(user)


def can_view_city_results(user, city) -> bool:
    """A city's implementation figures (what it did with its reviews' recommendations): the
    people who see its follow-up, that is its own people, and the coordinator."""
    return is_coordinator(user) or (_auth(user) and user.city_id is not None and user.city_id == city.id)


def visible_results_cities(user) -> set[int] | None:
    """The cities whose figures ``user`` may see counted: None for every city (coordinators)."""
    if is_coordinator(user):
        return None
    if _auth(user) and user.city_id is not None:
        return {user.city_id}
    return set()
