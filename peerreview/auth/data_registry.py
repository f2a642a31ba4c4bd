"""Where the application keeps data about a person, and what "download my data" (export) and
erasure do with each place. One entry per column that refers to an account or holds a
person's name; ``tests/test_personal_data.py`` walks the database schema and fails when such
a column is missing here, so a new table cannot forget the people in it.

Erasure actions:

``scrub``
    the account itself: name, e-mail, languages, password replaced or emptied.
``delete``
    rows about the person only (their profile, preferences, sessions, mail): deleted.
``keep``
    what the person did or wrote with others (a note, a seat on a team, an edit): kept, and
    shown as "former member" because the account is anonymous now.
``scrub_text``
    text and payloads that may name the person (the audit log, the matcher's messages,
    timeline notes): the name and the e-mail address are replaced where they occur.
``outside``
    names of people who have no account (typed into a form); erasing an account cannot
    find them. Not exported for the same reason.
``retention``
    interviewees, who have no account: their contact details are erased by ``flask retention
    apply`` a set time after the report is issued, and their name too unless they agreed to be
    named; the host city's contact or the secretariat exports one person's data
    (``interviewees.export``) and erases it at once on request (``interviewees.erase``).
"""

from __future__ import annotations

from dataclasses import dataclass

ERASE_ACTIONS = ("scrub", "delete", "keep", "scrub_text", "outside", "retention")


@dataclass(frozen=True)
class Holding:
    table: str
    column: str
    erase: str
    export: str | None     # the key of the export that shows it; None: not exported (see why)
    why: str = ""


def _keep(table: str, column: str, export: str = "activity", why: str = "") -> Holding:
    return Holding(table, column, "keep", export, why or "a contribution; shown as former member")


REGISTRY: tuple[Holding, ...] = (
    # the account
    Holding("user_account", "name", "scrub", "account"),
    Holding("user_account", "email", "scrub", "account"),
    Holding("account_token", "user_id", "delete", "account_links"),
    _keep("account_token", "created_by_id", why="an invitation belongs to the invited person"),
    Holding("login_session", "user_id", "delete", "login_sessions"),
    Holding("calendar_token", "user_id", "delete", "calendar_feed"),
    Holding("notification_preference", "user_id", "delete", "notification_preferences"),
    Holding("reminder_sent", "user_id", "delete", "reminders"),
    Holding("held_message", "user_id", "delete", "held_messages"),
    Holding("mail_outbox", "user_id", "delete", "mail"),
    Holding("mail_outbox", "to_address", "delete", "mail"),
    Holding("mail_outbox", "subject", "scrub_text", "mail", "mail to others may name the person"),
    Holding("mail_outbox", "body_text", "scrub_text", None, "mail to others may name the person"),
    Holding("mail_outbox", "body_html", "scrub_text", None, "mail to others may name the person"),
    Holding("held_message", "subject", "scrub_text", "held_messages",
            "messages kept for others' digests may name the person"),
    Holding("held_message", "body", "scrub_text", "held_messages",
            "messages kept for others' digests may name the person"),
    # the audit log
    _keep("audit_entry", "actor_id"),
    Holding("audit_entry", "changes", "scrub_text", "about_you",
            "entries about the account are exported; others' entries may name the person"),
    Holding("audit_entry", "ip", "scrub", "activity", "emptied on the person's own entries"),
    # the peer pool
    Holding("peer_profile", "user_id", "delete", "peer_profile",
            "with its expertise and unavailable periods"),
    Holding("peer_expertise", "profile_id", "delete", "peer_profile"),
    Holding("peer_unavailability", "profile_id", "delete", "peer_profile"),
    Holding("review_bid", "user_id", "delete", "review_bids"),
    Holding("conflict_of_interest", "user_id", "delete", None,
            "a host city's confidential note about the person, seen by the city's contact and "
            "the secretariat only; deleted with the account"),
    _keep("conflict_of_interest", "flagged_by_id", why="the host city's declaration"),
    _keep("match_run", "actor_id"),
    Holding("match_run", "messages", "scrub_text", None, "the matcher's explanations name peers"),
    # reviews
    _keep("review", "created_by_id"),
    _keep("review_event", "actor_id"),
    Holding("review_event", "note", "scrub_text", None, "timeline notes may name peers"),
    _keep("team_member", "user_id", "review_teams", "the team of a review stays as it was"),
    _keep("self_assessment", "submitted_by_id"),
    _keep("review_document", "uploaded_by_id"),
    _keep("evidence_file", "uploaded_by_id"),
    _keep("observation", "author_id", "observations"),
    _keep("peer_rating", "user_id", "peer_ratings"),
    # reports
    _keep("report_section", "updated_by_id"),
    _keep("report_finding", "updated_by_id"),
    _keep("report_recommendation", "created_by_id"),
    _keep("report_recommendation", "updated_by_id"),
    _keep("report_revision", "author_id"),
    _keep("report_version", "issued_by_id"),
    _keep("report_comment", "author_id", "report_comments"),
    _keep("report_comment", "answered_by_id"),
    _keep("report_recommendation_update", "author_id"),
    # mentoring
    _keep("mentoring_scheme", "created_by_id"),
    _keep("mentorship_person", "user_id", "mentorships", "the people of a mentorship stay as they were"),
    _keep("mentorship_event", "actor_id"),
    Holding("mentorship_event", "note", "scrub_text", None, "timeline notes may name people"),
    _keep("mentoring_needs", "updated_by_id"),
    _keep("mentoring_visit", "created_by_id"),
    _keep("mentoring_visit_participant", "user_id", "mentoring_visits"),
    Holding("mentoring_visit", "other_participants", "outside", None,
            "people met on a visit who have no account"),
    _keep("mentoring_plan_version", "created_by_id"),
    _keep("mentoring_plan_endorsement", "recorded_by_id"),
    Holding("mentoring_plan_endorsement", "endorsed_by", "outside", None,
            "the office holder of the city administration who endorsed the plan"),
    _keep("mentoring_progress_review", "created_by_id"),
    _keep("mentoring_action", "created_by_id"),
    _keep("mentoring_action", "proposed_by_id", why="a mentor's proposal in the city's plan"),
    # the people of the visit week (peerreview/people)
    Holding("interviewee", "name", "retention", None,
            "an interviewee has no account: the host exports and erases one person's data"),
    Holding("interviewee", "email", "retention", None, "erased by the retention command"),
    Holding("interviewee", "phone", "retention", None, "erased by the retention command"),
    Holding("interviewee", "role", "retention", None, "erased with the name"),
    _keep("interviewee", "created_by_id", why="who listed the interviewee"),
    _keep("consent_override", "decided_by_id", why="the secretariat's decision before issue"),
    Holding("consent_override", "reason", "scrub_text", None, "a reason may name the person"),
    _keep("first_impressions", "updated_by_id"),
    _keep("first_impressions", "shared_by_id"),
    _keep("survey_response", "user_id", "surveys", "an evaluation of a review; kept without the name"),
    Holding("mail_outbox", "attachments", "delete", None, "deleted with the mail"),
    # background jobs
    _keep("render_job", "requested_by_id", why="who asked for a PDF; kept while the job is"),
    _keep("mentoring_action_update", "author_id"),
)

# Columns that look as if they could name a person but do not.
NOT_ABOUT_A_PERSON: dict[tuple[str, str], str] = {
    ("city", "name"): "a city",
    ("theme", "name"): "a policy theme",
    ("mentoring_scheme", "name"): "a mentoring scheme",
    ("report_recommendation", "owner"): "a department or body of the host city",
    ("mentoring_action", "owner"): "a department or body of the implementing city",
    ("library_item", "city_name"): "the host city, copied with the issued report",
    ("library_item", "theme_name"): "the review's theme, copied with the issued report",
}


def holdings(erase: str | None = None) -> list[Holding]:
    return [h for h in REGISTRY if erase is None or h.erase == erase]


def export_keys() -> set[str]:
    return {h.export for h in REGISTRY if h.export}
