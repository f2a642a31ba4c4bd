"""Requests, acceptance, documents and team seats of a review. State changes: workflow.py."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from peerreview.audit.services import diff, record
from peerreview.domain import DomainError, NotAllowed
from peerreview.extensions import db
from peerreview.forms_common import EUROPEAN_LANGUAGES
from peerreview.i18n import gettext as _
from peerreview.reviews import workflow
from peerreview.reviews.models import TEAM_ROLES, Review, ReviewDocument, TeamMember

MAX_HOST_QUESTIONS = 3
MAX_VISIT_DAYS = 7
REPORT_DAYS_AFTER_VISIT = 30
PROGRAMME_DAYS_BEFORE_VISIT = 14
SELF_ASSESSMENT_DAYS_BEFORE_VISIT = 28


def current_benchmark(theme):
    """The theme's newest published benchmark, which a new review freezes."""
    from peerreview.framework.models import Benchmark

    return db.session.scalar(
        select(Benchmark).where(Benchmark.theme_id == theme.id, Benchmark.status == "published")
        .order_by(Benchmark.version.desc()).limit(1))


def _clean_request(values: dict) -> dict:
    questions = [q.strip() for q in values.get("host_questions", []) if q and q.strip()]
    if len(questions) > MAX_HOST_QUESTIONS:
        raise DomainError(_("Ask at most %(max_host_questions)s guiding questions.", max_host_questions=MAX_HOST_QUESTIONS), field="host_questions")
    for q in questions:
        if len(q) > 500:
            raise DomainError(_("Keep each guiding question under 500 characters."), field="host_questions")
    start, end = values.get("preferred_start"), values.get("preferred_end")
    if start and end and end < start:
        raise DomainError(_("The window ends before it starts."), field="preferred_end")
    languages = sorted(set(values.get("working_languages") or []))
    unknown = [code for code in languages if code not in EUROPEAN_LANGUAGES]
    if unknown:
        raise DomainError(_("Unknown language code(s): %(unknown)s.", unknown=', '.join(unknown)), field="working_languages")
    background = (values.get("background") or "").strip()
    if len(background) > 20_000:
        raise DomainError(_("Keep the background under 20,000 characters."), field="background")
    cleaned = {"host_questions": questions, "preferred_start": start, "preferred_end": end,
               "working_languages": languages, "background": background}
    if "report_language" in values:
        from peerreview.languages.services import check_language

        cleaned["report_language"] = check_language(values["report_language"],
                                                    field="report_language")
    return cleaned


def create_request(*, city, theme, values: dict, actor) -> Review:
    benchmark = current_benchmark(theme)
    if benchmark is None:
        raise DomainError(_("The theme \"%(name)s\" has no published benchmark yet.", name=theme.name), field="theme_id")
    review = Review(host_city=city, benchmark=benchmark, state="draft", created_by_id=actor.id,
                    **_clean_request(values))
    db.session.add(review)
    db.session.flush()
    db.session.add(workflow.ReviewEvent(review=review, actor_id=actor.id, from_state=None,
                                        to_state="draft", note="Request drafted"))
    record("review.create", review, actor=actor, changes={
        "city": city.label, "theme": theme.name, "benchmark_version": benchmark.version})
    return review


def update_request(review: Review, values: dict, *, actor) -> dict:
    if review.state != "draft":
        raise NotAllowed(_("The request has been sent; ask the secretariat to change it."))
    changes = diff(review, _clean_request(values))
    if changes:
        record("review.update", review, actor=actor, changes=changes)
    return changes


def accept(review: Review, *, visit_start: date, visit_end: date, actor,
           self_assessment_due: date | None = None, programme_due: date | None = None,
           report_due: date | None = None, team_min: int = 4, team_max: int = 8) -> None:
    if review.state != "requested":
        raise NotAllowed(_("Only a requested review can be accepted."))
    if not visit_start or not visit_end:
        raise DomainError(_("Give the first and last day of the visit."), field="visit_start")
    if visit_end < visit_start:
        raise DomainError(_("The visit ends before it starts."), field="visit_end")
    if (visit_end - visit_start).days + 1 > MAX_VISIT_DAYS:
        raise DomainError(_("A visit lasts at most %(max_visit_days)s days.", max_visit_days=MAX_VISIT_DAYS), field="visit_end")
    sa_due = self_assessment_due or visit_start - timedelta(days=SELF_ASSESSMENT_DAYS_BEFORE_VISIT)
    prog_due = programme_due or visit_start - timedelta(days=PROGRAMME_DAYS_BEFORE_VISIT)
    rep_due = report_due or visit_end + timedelta(days=REPORT_DAYS_AFTER_VISIT)
    if sa_due >= visit_start:
        raise DomainError(_("The self-assessment must be due before the visit."), field="self_assessment_due")
    if prog_due >= visit_start:
        raise DomainError(_("The programme must be due before the visit."), field="programme_due")
    if rep_due <= visit_end:
        raise DomainError(_("The report must be due after the visit."), field="report_due")
    if not 1 <= team_min <= team_max <= 15:
        raise DomainError(_("Team size: at least 1, and the minimum not above the maximum (15 at most)."),
                          field="team_min")
    changes = diff(review, {"visit_start": visit_start, "visit_end": visit_end,
                            "self_assessment_due": sa_due, "programme_due": prog_due,
                            "report_due": rep_due, "team_min": team_min, "team_max": team_max})
    record("review.schedule", review, actor=actor, changes=changes)
    workflow.transition(review, "accept", actor)


def reschedule(review: Review, values: dict, *, actor) -> dict:
    """Change the visit dates or deadlines after acceptance (coordinator)."""
    if review.state not in ("accepted", "team_forming", "preparing"):
        raise NotAllowed(_("The dates can only change before the visit starts."))
    start, end = values["visit_start"], values["visit_end"]
    if end < start:
        raise DomainError(_("The visit ends before it starts."), field="visit_end")
    if (end - start).days + 1 > MAX_VISIT_DAYS:
        raise DomainError(_("A visit lasts at most %(max_visit_days)s days.", max_visit_days=MAX_VISIT_DAYS), field="visit_end")
    outside = [s for s in review.sessions if not start <= s.day <= end]
    if outside:
        raise DomainError(_("%(outside)s programme session(s) would fall outside the new dates; "
                          "move them first.", outside=len(outside)), field="visit_start")
    changes = diff(review, values)
    if changes:
        record("review.schedule", review, actor=actor, changes=changes)
    return changes


# --- documents -------------------------------------------------------------------------------

def add_document(review: Review, *, title: str, url: str | None, upload, actor) -> ReviewDocument:
    from peerreview.files import services as files

    title = (title or "").strip()
    url = (url or "").strip() or None
    if not title:
        raise DomainError(_("Give the document a title."), field="title")
    if bool(url) == bool(upload):
        raise DomainError(_("Give either a link or a file."), field="url")
    if url and not url.startswith(("https://", "http://")):
        raise DomainError(_("A link starts with https:// or http://."), field="url")
    stored, filename = files.store_upload(upload) if upload else (None, None)
    doc = ReviewDocument(review=review, title=title[:200], url=url, uploaded_by_id=actor.id,
                         file=stored, filename=filename)
    db.session.add(doc)
    db.session.flush()
    record("review.document_add", review, actor=actor, changes={"title": doc.title})
    return doc


def remove_document(doc: ReviewDocument, *, actor) -> None:
    record("review.document_remove", doc.review, actor=actor, changes={"title": doc.title})
    db.session.delete(doc)


# --- team seats (the matcher and invitations build on these) ---------------------------------

def team_event(review: Review, actor, note: str) -> None:
    """A line in the review's history about its team (the state does not change)."""
    db.session.add(workflow.ReviewEvent(review=review, actor_id=getattr(actor, "id", None),
                                        from_state=review.state, to_state=review.state, note=note))


def add_member(review: Review, user, *, role: str = "peer", status: str = "proposed", actor) -> TeamMember:
    if role not in TEAM_ROLES:
        raise DomainError(_("Unknown team role %(role)s.", role=f"{role!r}"), field="role")
    if user.city_id == review.host_city_id:
        raise DomainError(_("%(name)s is from the host city and cannot review it.", name=user.name), field="user_id")
    if any(s.user_id == user.id for s in review.team):
        raise DomainError(_("%(name)s is already on the team.", name=user.name), field="user_id")
    seat = TeamMember(review=review, user=user, role=role, status=status)
    db.session.add(seat)
    db.session.flush()
    record("review.team_add", review, actor=actor, changes={"user": user.name, "role": role, "status": status})
    return seat


def set_seat_status(seat: TeamMember, status: str, *, actor, reason: str = "") -> None:
    from peerreview.timeutil import utcnow

    if status not in ("proposed", "invited", "accepted", "declined"):
        raise DomainError(_("Unknown status %(status)s.", status=f"{status!r}"))
    if status == "accepted" and seat.status != "invited":
        raise NotAllowed(_("Only an invited seat can be accepted: the secretariat sends the "
                         "invitation first."))
    reason = (reason or "").strip()
    if len(reason) > 2000:
        raise DomainError(_("Keep the reason under 2,000 characters."), field="reason")
    before = seat.status
    seat.status = status
    seat.reason = reason
    if status in ("accepted", "declined"):
        seat.answered_at = utcnow()
    record("review.team_status", seat.review, actor=actor,
           changes={"user": seat.user.name, "status": [before, status]})
    own = getattr(actor, "id", None) == seat.user_id
    name = seat.user.name
    if status == "accepted":
        team_event(seat.review, actor, f"{name} accepted the invitation to the team"
                   if own else f"{name}'s acceptance recorded by the secretariat")
    elif status == "declined":
        # the reason stays with the secretariat (the team page); the history only says who
        team_event(seat.review, actor, f"{name} cannot take part" if before == "invited"
                   else f"{name} dropped out of the team")
        if own:
            _tell_coordinators_of_decline(seat, before)


def _tell_coordinators_of_decline(seat: TeamMember, before: str) -> None:
    from peerreview.auth.models import User
    from peerreview.notifications.queue import queue_mail
    from peerreview.urls import absolute_url

    review = seat.review
    coordinators = db.session.scalars(select(User).where(
        User.is_coordinator.is_(True), User.active.is_(True)).order_by(User.id))
    link = absolute_url("matching.team", review_id=review.id) if _has_team_page() else \
        absolute_url("reviews.show", review_id=review.id)
    for user in coordinators:
        if user.is_active:
            queue_mail(user.email, "team_decline", user=user, review=review, seat=seat,
                       was_accepted=before == "accepted", link=link)


def _has_team_page() -> bool:
    from flask import current_app

    return "matching.team" in current_app.view_functions


def set_seat_role(seat: TeamMember, role: str, *, actor) -> None:
    if role not in TEAM_ROLES:
        raise DomainError(_("Unknown team role %(role)s.", role=f"{role!r}"), field="role")
    if role in ("lead", "rapporteur"):
        for other in seat.review.team:
            if other is not seat and other.role == role:
                other.role = "peer"
    before = seat.role
    seat.role = role
    record("review.team_role", seat.review, actor=actor,
           changes={"user": seat.user.name, "role": [before, role]})


def remove_member(seat: TeamMember, *, actor) -> None:
    """Take a seat off the team. A proposal nobody was told of disappears; a seat whose peer
    was invited or had accepted stays on record as "removed" (it no longer opens the review)."""
    review = seat.review
    if review.state not in ("accepted", "team_forming", "preparing", "visit"):
        raise NotAllowed(_("The team can change until the end of the visit week."))
    if seat.status in ("declined", "removed"):
        raise NotAllowed(_("%(name)s is no longer on the team.", name=seat.user.display_name))
    record("review.team_remove", review, actor=actor,
           changes={"user": seat.user.name, "status": [seat.status, "removed"]})
    if seat.status == "proposed":
        db.session.delete(seat)
    else:
        team_event(review, actor, f"{seat.user.name} taken off the team" if seat.status == "accepted"
                   else f"Invitation of {seat.user.name} withdrawn")
        seat.status = "removed"
