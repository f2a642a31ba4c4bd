"""Every access rule of the application, in one place.

Each ``can_*`` predicate takes the user (possibly anonymous) and the object, and returns a
bool. Views call ``require(can_x(user, obj))``; templates call the same predicates through
the ``can`` global. Access comes from relations: the coordinator flag, membership of a city
(as contact or member), and, in later features, seats on review teams and mentorships.
The default is deny.
"""

from __future__ import annotations

from flask import abort, has_request_context, request

from peerreview.extensions import db


def _auth(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_coordinator(user) -> bool:
    return _auth(user) and bool(user.is_coordinator)


# --- cities and people -------------------------------------------------------------------

def can_list_cities(user) -> bool:
    return _auth(user)


def can_view_city(user, city) -> bool:
    return _auth(user)


def can_view_city_members(user, city) -> bool:
    return is_coordinator(user) or (_auth(user) and user.city_id == city.id)


def can_manage_cities(user) -> bool:
    return is_coordinator(user)


def can_edit_city(user, city) -> bool:
    return is_coordinator(user) or (
        _auth(user) and user.city_id == city.id and user.city_role == "contact"
    )


def can_invite(user) -> bool:
    return is_coordinator(user)


def can_manage_users(user) -> bool:
    return is_coordinator(user)


def can_view_audit(user) -> bool:
    return is_coordinator(user)


def require(allowed: bool, *, status: int = 403) -> None:
    """Abort with ``status`` unless ``allowed``; a denial is written to the audit log.

    Work in progress in the session is rolled back first: a denied request changes nothing.
    """
    if allowed:
        return
    from flask_login import current_user

    from peerreview.audit.services import record
    from peerreview.database import write_intent

    db.session.rollback()
    if has_request_context():
        from flask import g

        g.denied = True
    # The denial is written even during a GET. The transaction that writes it must begin as a
    # write (IMMEDIATE on SQLite) before anything is read, or SQLite refuses the upgrade from a
    # stale read snapshot with "database is locked" instead of waiting for the other writer.
    with write_intent():
        if has_request_context() and current_user.is_authenticated:
            record("access.denied", object_type="route", changes={
                "path": request.path, "method": request.method, "status": status,
            })
            db.session.commit()
    abort(status)


def refuse(message: str) -> None:
    """Show ``message`` as a refusal (an error message on the next page) and audit it, for a
    view that redirects instead of answering 403 (a published benchmark is not edited ...)."""
    from flask import flash, g

    flash(message, "error")
    g.setdefault("refusals", []).append(message)


def record_refusal(status: int, messages: list[str]) -> None:
    """Audit a refusal that was shown as a message (a flash or a form error), not a 403.

    Whatever the request had not committed is dropped first: a refused step changes nothing.
    """
    from flask_login import current_user

    from peerreview.audit.services import record
    from peerreview.database import write_intent

    db.session.rollback()
    with write_intent():
        record("access.refused", object_type="route", changes={
            "path": request.path, "method": request.method, "status": status,
            "messages": list(dict.fromkeys(messages))[:5],
        }, actor=current_user if current_user.is_authenticated else None)
        db.session.commit()


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


def is_invited_or_on_team(user, review) -> bool:
    """Invited (to decide) or accepted. A proposed seat is only the matcher's suggestion: its
    peer knows nothing of it yet and sees nothing of the review; a declined or removed seat
    sees nothing either."""
    seat = team_seat(user, review)
    return seat is not None and seat.status in ("invited", "accepted")


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


def can_view_review(user, review) -> bool:
    return is_coordinator(user) or is_host_member(user, review) or is_invited_or_on_team(user, review)


# --- workflow steps: one table decides who may take each step of a review and its report ---

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


def can_edit_request(user, review) -> bool:
    return review.state == "draft" and (is_host_contact(user, review) or is_coordinator(user))


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


# --- framework (themes and benchmarks) -------------------------------------------------------
# Published benchmarks are read by every member; drafts and all changes are the coordinators'.

def can_view_framework(user) -> bool:
    return _auth(user)


def can_view_benchmark(user, benchmark) -> bool:
    if benchmark.status == "published":
        return _auth(user)
    return is_coordinator(user)


def can_edit_framework(user) -> bool:
    return is_coordinator(user)


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


# --- peer pool and team forming (matching/) -----------------------------------------------------
# Anyone who belongs to a member city may keep a peer profile; only its owner edits it. The
# pool as a whole, the matcher and invitations are the coordinators'. Peers answer calls for
# reviews forming their team, except their own city's; the host city's contact names conflicts.

def has_peer_profile(user) -> bool:
    if not _auth(user):
        return False
    from sqlalchemy import select

    from peerreview.matching.models import PeerProfile

    return db.session.scalar(select(PeerProfile.id).where(PeerProfile.user_id == user.id)) is not None


def can_view_peer_pool(user) -> bool:
    return is_coordinator(user)


def can_have_peer_profile(user) -> bool:
    return _auth(user) and user.city_id is not None


def can_edit_peer_profile(user, profile) -> bool:
    return can_have_peer_profile(user) and profile.user_id == user.id


def can_set_peer_training(user) -> bool:
    return is_coordinator(user)


def can_bid(user, review) -> bool:
    """Peers answer calls for reviews forming their team, except their own city's and those
    they already have a seat on (they accept or decline that seat instead)."""
    return (review.state == "team_forming" and can_have_peer_profile(user)
            and user.city_id != review.host_city_id and not is_invited_or_on_team(user, review)
            and has_peer_profile(user))


def can_view_conflicts(user, review) -> bool:
    return is_coordinator(user) or is_host_contact(user, review)


def can_flag_conflict(user, review) -> bool:
    return is_host_contact(user, review) and review.state in ("requested", "accepted", "team_forming")


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


# --- deadlines, reminders and notification preferences (deadlines/) --------------------------
# Everyone logged in sees what is due from them and chooses how they are reminded.

def can_view_tasks(user) -> bool:
    return _auth(user)


def can_edit_notification_preferences(user) -> bool:
    return _auth(user)


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

    return db.session.scalar(select(MentorshipPerson.id).where(
        MentorshipPerson.user_id == user.id).limit(1)) is not None


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
