"""Drafting the report: texts, findings per key factor, recommendations, comments.

Every text carries a version number (SQLAlchemy's version column). A save names the version
it started from; if someone saved a different text since, nothing is written and
:class:`TextConflict` carries both texts. Every saved version is kept as a
:class:`ReportRevision`, and every save writes an audit entry. Functions flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from peerreview import formatting
from peerreview.audit.services import record
from peerreview.domain import Conflict, DomainError, NotAllowed
from peerreview.extensions import db
from peerreview.framework.constants import parse_rating
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l
from peerreview.reports.codes import (  # noqa: F401 - part of this module's interface
    assign_codes,
    code_of,
    numbering,
    recommendations_in_order,
)
from peerreview.reports.models import (
    ANSWERS,
    PRIORITIES,
    SECTIONS,
    TIMEFRAMES,
    Finding,
    Recommendation,
    Report,
    ReportComment,
    ReportRevision,
    ReportSection,
)
from peerreview.timeutil import utcnow

MAX_TEXT = 30_000
MAX_COMMENT = 5_000


class TextConflict(Conflict):
    """Someone saved another text meanwhile. ``theirs`` and ``yours`` are {field: text}."""

    def __init__(self, target, theirs: dict, yours: dict):
        super().__init__(_("Someone else saved this text while you were editing it. Nothing was "
                           "saved. Compare the two texts below, then save again."), current=target)
        self.target, self.theirs, self.yours = target, theirs, yours


# --- the report and its parts -------------------------------------------------------------------

def answer_keys(review) -> list[str]:
    return [f"answer_{i}" for i in range(1, len(review.host_questions or []) + 1)]


def section_keys(review) -> list[str]:
    return ["executive_summary", "host_context", *answer_keys(review), "good_practices", "follow_up"]


def unanswered_keys(review) -> list[str]:
    """Where the team says why it does not answer one of the city's questions (the report is
    not issued while a question has neither an answer nor such a reason)."""
    return [f"unanswered_{i}" for i in range(1, len(review.host_questions or []) + 1)]


def all_section_keys(review) -> list[str]:
    return [*section_keys(review), *unanswered_keys(review)]


def section_title(review, key: str) -> str:
    if key in SECTIONS:
        return str(SECTIONS[key])
    if key.startswith("answer_"):
        n = int(key.split("_", 1)[1])
        return _("Answer to the city's question %(number)d", number=n)
    if key.startswith("unanswered_"):
        n = int(key.split("_", 1)[1])
        return _("Why the team does not answer the city's question %(number)d", number=n)
    return key


def get_or_create(review) -> Report:
    """The review's report with a row for every text and key factor (created on first use)."""
    report = review.report
    if report is None:
        report = Report(review=review, state="drafting")
        db.session.add(report)
    have_sections = {s.key for s in report.sections}
    for key in all_section_keys(review):
        if key not in have_sections:
            report.sections.append(ReportSection(key=key, body=""))
    have_findings = {f.key_factor_id for f in report.findings}
    for kf in review.benchmark.key_factors:
        if kf.id not in have_findings:
            report.findings.append(Finding(key_factor=kf))
    db.session.flush()
    return report


def findings_in_order(report: Report) -> list[Finding]:
    return sorted(report.findings, key=lambda f: f.key_factor.position)


def editable(report: Report) -> None:
    review = report.review
    if review.state == "reporting":
        return
    if review.state in ("issued", "follow_up"):
        return  # corrections for a re-issue (the coordinator; checked by the view)
    raise NotAllowed(_("The report can only be written while the review is in its reporting "
                     "step, or corrected after issue."))


def _clean(text: str | None, label: str, field_name: str, limit: int = MAX_TEXT) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise DomainError(_("%(label)s: keep it under %(limit)s characters.", label=label,
                            limit=f"{limit:,}"), field=field_name)
    return text


def _revision(report: Report, target_type: str, target, content: dict, actor) -> ReportRevision:
    rev = ReportRevision(report_id=report.id, target_type=target_type, target_id=target.id,
                         version=target.version, content=content, author_id=getattr(actor, "id", None))
    db.session.add(rev)
    return rev


def _check_version(target, base_version: int | None, theirs: dict, yours: dict) -> bool:
    """True if the save may go ahead; False if it changes nothing; TextConflict if stale."""
    if theirs == yours:
        return False
    if base_version is not None and base_version != target.version:
        raise TextConflict(target, theirs, yours)
    return True


# --- sections ---------------------------------------------------------------------------------

def section_content(section: ReportSection) -> dict:
    return {"body": section.body}


def save_section(report: Report, key: str, body: str, *, base_version: int | None, actor) -> bool:
    """Save one free text; returns False when nothing changed."""
    editable(report)
    section = report.section(key)
    if section is None:
        raise DomainError(_("There is no such part of the report."))
    yours = {"body": _clean(body, section_title(report.review, key), "body")}
    if not _check_version(section, base_version, section_content(section), yours):
        return False
    section.body = yours["body"]
    section.updated_at, section.updated_by_id = utcnow(), actor.id
    db.session.flush()
    _revision(report, "section", section, yours, actor)
    record("report.section_save", report.review, actor=actor,
           changes={"section": key, "version": section.version})
    return True


# --- findings ---------------------------------------------------------------------------------

@dataclass
class FindingInput:
    rationale: str = ""
    strengths: str = ""
    improvements: str = ""
    observation_ids: list[int] = field(default_factory=list)
    rating: str | None = None          # None: the field was not part of the form
    rating_given: bool = False


def finding_content(finding: Finding) -> dict:
    return {"rating": finding.rating, "rationale": finding.rationale, "strengths": finding.strengths,
            "improvements": finding.improvements,
            "observations": sorted(o.id for o in finding.observations)}


def citable_observations(finding: Finding):
    """The notes a finding may cite: its key factor's, in this review, not withdrawn."""
    from peerreview.observations.models import Observation

    return list(db.session.scalars(
        select(Observation).where(Observation.review_id == finding.report.review_id,
                                  Observation.key_factor_id == finding.key_factor_id,
                                  Observation.withdrawn_at.is_(None))
        .order_by(Observation.created_at, Observation.id)))


def save_finding(finding: Finding, data: FindingInput, *, base_version: int | None, actor,
                 may_rate: bool) -> bool:
    report = finding.report
    editable(report)
    code = finding.key_factor.code
    rating = finding.rating
    if data.rating_given:
        if not may_rate:
            raise NotAllowed(_("Only the team lead, the rapporteur or the coordinator sets the "
                             "team's agreed rating."), field="rating")
        rating = parse_rating(data.rating) if data.rating not in (None, "") else None
    allowed = {o.id: o for o in citable_observations(finding)}
    unknown = [i for i in data.observation_ids if i not in allowed]
    if unknown:
        raise DomainError(_("%(code)s: cite only this key factor's observations.", code=code),
                          field="observations")
    yours = {"rating": rating,
             "rationale": _clean(data.rationale, _("Rationale"), "rationale"),
             "strengths": _clean(data.strengths, _("Strengths"), "strengths"),
             "improvements": _clean(data.improvements, _("Areas for improvement"),
                                    "improvements"),
             "observations": sorted(set(data.observation_ids))}
    if not _check_version(finding, base_version, finding_content(finding), yours):
        return False
    before = finding.rating
    finding.rating = rating
    finding.rationale, finding.strengths = yours["rationale"], yours["strengths"]
    finding.improvements = yours["improvements"]
    finding.observations = [allowed[i] for i in yours["observations"]]
    finding.updated_at, finding.updated_by_id = utcnow(), actor.id
    db.session.flush()
    _revision(report, "finding", finding, yours, actor)
    record("report.finding_save", report.review, actor=actor, changes={
        "key_factor": code, "version": finding.version,
        **({"rating": [before, rating]} if before != rating else {})})
    return True


# --- recommendations ------------------------------------------------------------------------

@dataclass
class RecommendationInput:
    key_factor_id: int | None
    action: str
    rationale: str = ""
    priority: str = "medium"
    owner: str = ""
    timeframe_months: int | None = 12


def recommendation_content(rec: Recommendation) -> dict:
    return {"key_factor_id": rec.key_factor_id, "action": rec.action, "rationale": rec.rationale,
            "priority": rec.priority, "owner": rec.owner, "timeframe_months": rec.timeframe_months}


def _clean_recommendation(report: Report, data: RecommendationInput) -> dict:
    action = _clean(data.action, _("Action"), "action", 4_000)
    if not action:
        raise DomainError(_("Say what the city should do: a recommendation needs an action."),
                          field="action")
    kf_ids = {kf.id for kf in report.review.benchmark.key_factors}
    if not data.key_factor_id:
        raise DomainError(_("Choose the key factor this recommendation is about."), field="key_factor_id")
    if data.key_factor_id not in kf_ids:
        raise DomainError(_("Choose a key factor of this review's benchmark."), field="key_factor_id")
    if data.priority not in PRIORITIES:
        raise DomainError(_("Choose a priority: high, medium or low."), field="priority")
    if data.timeframe_months not in TIMEFRAMES:
        raise DomainError(_("Choose a timeframe: 3, 6, 12 or 24 months."), field="timeframe_months")
    owner = _clean(data.owner, _("Suggested owner"), "owner", 200)
    return {"key_factor_id": data.key_factor_id, "action": action,
            "rationale": _clean(data.rationale, _("Rationale"), "rationale", 8_000),
            "priority": data.priority, "owner": owner, "timeframe_months": data.timeframe_months}


def add_recommendation(report: Report, data: RecommendationInput, *, actor) -> Recommendation:
    from peerreview.reports import references

    editable(report)
    values = _clean_recommendation(report, data)
    before = numbering(report)
    last = db.session.scalar(select(func.max(Recommendation.position))
                             .where(Recommendation.report_id == report.id)) or 0
    rec = Recommendation(report=report, position=last + 1, created_by_id=actor.id,
                         updated_by_id=actor.id, **values)
    db.session.add(rec)
    db.session.flush()
    _revision(report, "recommendation", rec, values, actor)
    record("report.recommendation_add", report.review, actor=actor,
           changes={"recommendation": rec.id, "code": code_of(rec), "priority": rec.priority})
    references.follow_renumbering(report, before, actor=actor)
    return rec


def save_recommendation(rec: Recommendation, data: RecommendationInput, *,
                        base_version: int | None, actor) -> bool:
    from peerreview.reports import references

    report = rec.report
    editable(report)
    yours = _clean_recommendation(report, data)
    if not _check_version(rec, base_version, recommendation_content(rec), yours):
        return False
    before = numbering(report)
    for key, value in yours.items():
        setattr(rec, key, value)
    rec.updated_at, rec.updated_by_id = utcnow(), actor.id
    db.session.flush()
    _revision(report, "recommendation", rec, yours, actor)
    record("report.recommendation_save", report.review, actor=actor,
           changes={"recommendation": rec.id, "code": code_of(rec), "version": rec.version})
    references.follow_renumbering(report, before, actor=actor)
    return True


def remove_recommendation(rec: Recommendation, *, actor) -> None:
    from peerreview.reports import references

    report = rec.report
    if report.review.state != "reporting" or report.versions or rec.number:
        raise NotAllowed(_("A recommendation of an issued report is never removed: the city "
                         "reports on it. Correct its text instead."))
    code = code_of(rec)
    places = references.referring_places(report, rec)
    if places:
        raise NotAllowed(_("%(code)s is named in %(places)s. Take those references out "
                           "first, so that no text points at a recommendation that is gone.",
                           code=code, places="; ".join(places)))
    before = numbering(report)
    before.pop(rec.id, None)
    record("report.recommendation_remove", report.review, actor=actor,
           changes={"recommendation": rec.id, "code": code, "action": rec.action[:200]})
    db.session.delete(rec)
    db.session.flush()
    db.session.expire(report, ["recommendations"])
    references.follow_renumbering(report, before, actor=actor)


# --- revisions --------------------------------------------------------------------------------

def revisions(report: Report, target_type: str, target_id: int) -> list[ReportRevision]:
    return list(db.session.scalars(
        select(ReportRevision).where(ReportRevision.report_id == report.id,
                                     ReportRevision.target_type == target_type,
                                     ReportRevision.target_id == target_id)
        .order_by(ReportRevision.id)))


# --- comments ---------------------------------------------------------------------------------

def comment_places(report: Report) -> dict[str, str]:
    """Where a comment may be attached: every text, one finding (per key factor), one
    recommendation, or the report as a whole."""
    review = report.review
    places = {key: section_title(review, key) for key in section_keys(review)}
    for f in findings_in_order(report):
        places[f"kf:{f.key_factor_id}"] = f"{f.key_factor.code} {f.key_factor.title}"
    numbers = numbering(report)
    for r in recommendations_in_order(report):
        action = " ".join(r.action.split())
        places[f"rec:{r.id}"] = f"{numbers[r.id]} {action[:70]}{'…' if len(action) > 70 else ''}"
    places["general"] = _("The report as a whole")
    return places


# Comments made before they attached to one recommendation keep their place's name.
OLD_PLACES = {"recommendations": _l("Recommendations")}


def comment_place_label(report: Report, place: str) -> str:
    return comment_places(report).get(place) or str(OLD_PLACES.get(place) or "") or (
        _("A recommendation since removed") if place.startswith("rec:") else place)


def comment_choices(report: Report) -> dict[str, list[tuple[str, str]]]:
    """The places for the comment form, in groups: texts, findings, recommendations."""
    texts, findings, recs = (_("Texts"), _("Findings, one per key factor"),
                             _("Recommendations, one by one"))
    groups: dict[str, list[tuple[str, str]]] = {texts: [], findings: [], recs: []}
    for key, label in comment_places(report).items():
        group = findings if key.startswith("kf:") else recs if key.startswith("rec:") else texts
        groups[group].append((key, label))
    return {name: items for name, items in groups.items() if items}


def _target(report: Report, place: str) -> dict:
    """The finding or recommendation a place names, as the comment's columns."""
    kind, _sep, ident = place.partition(":")
    if kind == "kf" and ident.isdigit():
        finding = next((f for f in report.findings if f.key_factor_id == int(ident)), None)
        return {"finding_id": finding.id if finding is not None else None}
    if kind == "rec" and ident.isdigit():
        return {"recommendation_id": int(ident)}
    return {}


def add_comment(report: Report, *, place: str, body: str, kind: str, actor) -> ReportComment:
    if place not in comment_places(report):
        raise DomainError(_("Choose the part of the report you comment on."), field="place")
    body = _clean(body, _("Comment"), "body", MAX_COMMENT)
    if not body:
        raise DomainError(_("Write your comment."), field="body")
    if kind == "host":
        if not (report.review.state == "reporting" and report.state == "factual_check"):
            raise NotAllowed(_("The host city comments only during the factual check."))
        deadline = report.factual_check_deadline
        if deadline and date.today() > deadline:
            raise NotAllowed(_("The factual check ended on %(day)s; ask the "
                               "secretariat if something is still wrong.",
                               day=formatting.day(deadline)))
    elif report.review.state != "reporting":
        raise NotAllowed(_("Comments on the draft are closed: the report is issued."))
    comment = ReportComment(report=report, section=place, kind=kind, body=body, author_id=actor.id,
                            **_target(report, place))
    db.session.add(comment)
    db.session.flush()
    record(f"report.{kind}_comment", report.review, actor=actor,
           changes={"place": place, "comment": comment.id})
    if kind == "host":
        _notify_team_of_host_comment(report, comment, actor)
    return comment


def answer_comment(comment: ReportComment, *, answer: str, note: str, actor) -> None:
    if comment.kind != "host":
        raise DomainError(_("Only the host city's comments are answered."))
    if comment.report.review.state != "reporting":
        raise NotAllowed(_("The report is issued; its factual check is over."))
    if answer not in ANSWERS:
        raise DomainError(_("Choose an answer: accepted, changed or kept as is."), field="answer")
    note = _clean(note, _("Note"), "note", MAX_COMMENT)
    if answer == "kept" and not note:
        raise DomainError(_("Say why the text is kept as it is."), field="note")
    before = comment.answer
    comment.answer, comment.answer_note = answer, note
    comment.answered_by_id, comment.answered_at = actor.id, utcnow()
    record("report.comment_answer", comment.report.review, actor=actor,
           changes={"comment": comment.id, "answer": [before, answer]})


def unanswered_host_comments(report: Report) -> list[ReportComment]:
    return [c for c in report.comments if c.kind == "host" and c.answer is None]


def _notify_team_of_host_comment(report: Report, comment: ReportComment, actor) -> None:
    from peerreview.notifications.queue import queue_mail
    from peerreview.urls import absolute_url

    review = report.review
    people = {s.user for s in review.team if s.status == "accepted" and s.user.is_active}
    people.discard(actor)
    link = absolute_url("reports.show", review_id=review.id) + "#host-comments"
    place = comment_place_label(report, comment.section)
    for user in sorted(people, key=lambda u: u.id):
        queue_mail(user.email, "report_host_comment", user=user, review=review, actor=actor,
                   place=place, comment=comment, link=link)
