"""Workflow steps: one table decides who may take each step of a review and its report."""

from __future__ import annotations

from peerreview.permissions.base import _auth, is_coordinator
from peerreview.permissions.reviews import (
    is_host_contact,
    is_team_lead,
)

# --- one table decides who may take each step of a review and its report ---

def _coordinator_or_lead(user, review) -> bool:
    return is_coordinator(user) or is_team_lead(user, review)


def _coordinator_or_host_contact(user, review) -> bool:
    return is_coordinator(user) or is_host_contact(user, review)


def _may_cancel(user, review) -> bool:
    return is_coordinator(user) or (review.state in ("draft", "requested")
                                    and is_host_contact(user, review))


def _report_state(review, *states) -> bool:
    report = getattr(review, "report", None)
    return report is not None and report.state in states


STEP_ACTORS = {
    # review steps (peerreview/reviews/workflow.py names the states each starts from)
    "submit": is_host_contact,
    "accept": lambda user, review: is_coordinator(user),
    "decline": lambda user, review: is_coordinator(user),
    "form_team": lambda user, review: is_coordinator(user),
    "prepare": lambda user, review: is_coordinator(user),
    "start_visit": _coordinator_or_lead,
    "start_reporting": _coordinator_or_lead,
    "issue": lambda user, review: is_coordinator(user),
    "follow_up": _coordinator_or_host_contact,
    "close": lambda user, review: is_coordinator(user),
    "cancel": _may_cancel,
    # report steps (peerreview/reports/issuing.py)
    "start_factual_check": lambda user, review: is_coordinator(user),
    "end_factual_check": lambda user, review: is_coordinator(user),
    "reissue": lambda user, review: is_coordinator(user),
}
"""Who may take each workflow step; ``can_transition`` adds the state the step starts from."""

REPORT_STEP_STATES = {
    "start_factual_check": lambda review: review.state == "reporting"
    and not _report_state(review, "factual_check"),
    "end_factual_check": lambda review: review.state == "reporting"
    and _report_state(review, "factual_check"),
    "reissue": lambda review: review.state in ("issued", "follow_up"),
}


def may_take_step(user, review, name: str) -> bool:
    """The person part of a step: is ``user`` one of those who take it (whatever the state)?"""
    actor = STEP_ACTORS.get(name)
    return actor is not None and _auth(user) and bool(actor(user, review))


def can_transition(user, review, name: str) -> bool:
    """May ``user`` take the workflow step ``name`` on ``review`` now? What the step still
    needs (a submitted self-assessment, a complete team ...) is the workflow's to say."""
    if name in REPORT_STEP_STATES:
        in_state = REPORT_STEP_STATES[name](review)
    else:
        from peerreview.reviews.workflow import BY_NAME

        step = BY_NAME.get(name)
        in_state = step is not None and review.state in step.sources
    return in_state and may_take_step(user, review, name)
