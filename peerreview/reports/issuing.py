"""The report's way out: factual check by the host city, issue, corrected re-issues.

Issuing renders the PDF once (in a child process, see pdf.py), stores the bytes under
``instance/reports/<sha256>.pdf``, records a :class:`ReportVersion` with the SHA-256, and moves
the review to "issued" through ``workflow.transition``. If rendering fails, nothing is stored
and the review does not move. A stored PDF is never rendered again or changed: a correction is
a new version.

Issuing is split in three steps so that no write lock is held while the PDF renders (SQLite):
:func:`prepare` (checks, the final HTML), :func:`render` (no database), :func:`store` (checks
again that the HTML is still what was rendered, then writes). A web request only runs
:func:`check` and queues a job; the worker runs the three steps (see rendering.py).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from flask import current_app

from peerreview.audit.services import record
from peerreview.domain import Conflict, DomainError, NotAllowed
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.i18n import ngettext
from peerreview.reports import document, pdf, references
from peerreview.reports import services as drafting
from peerreview.reports.models import Report, ReportVersion
from peerreview.reviews import workflow
from peerreview.timeutil import utcnow

MAX_FACTUAL_CHECK_DAYS = 60


# --- the check registered on the "issue" transition --------------------------------------------

def report_complete(review) -> str | None:
    """What the report still lacks before it can be issued (None when complete)."""
    report = getattr(review, "report", None)
    if report is None:
        return _("the team has not started the report")
    missing = []
    rated = {f.key_factor_id for f in report.findings if f.rating}
    unrated = [kf.code for kf in review.benchmark.key_factors if kf.id not in rated]
    if unrated:
        missing.append(_("no team rating for %(codes)s", codes=", ".join(unrated)))
    if not report.recommendations:
        missing.append(_("no recommendation yet"))
    for n, _question in enumerate(review.host_questions or [], 1):
        if not report.text(f"answer_{n}").strip() and not report.text(f"unanswered_{n}").strip():
            missing.append(_("the city's question %(number)d has no answer (answer it, or say why "
                             "the team does not)", number=n))
    waiting = drafting.unanswered_host_comments(report)
    if waiting:
        missing.append(ngettext("%(num)d comment of the host city is not answered",
                                "%(num)d comments of the host city are not answered", len(waiting)))
    missing.extend(references.unknown_references(report))
    return "; ".join(missing) or None


def recommendations_answered(review) -> str | None:
    """For "close": the host city has responded to every recommendation."""
    report = getattr(review, "report", None)
    if report is None:
        return None
    waiting = [r for r in report.recommendations if r.response is None]
    if waiting:
        return ngettext("the host city has not responded to %(num)d recommendation",
                        "the host city has not responded to %(num)d recommendations", len(waiting))
    return None


def register_checks() -> None:
    for name, check in (("issue", report_complete), ("close", recommendations_answered)):
        checks = workflow.EXTRA_CHECKS.setdefault(name, [])
        if check not in checks:
            checks.append(check)


register_checks()


# --- factual check ------------------------------------------------------------------------------

def start_factual_check(report: Report, *, deadline: date | None, actor) -> None:
    review = report.review
    if review.state != "reporting":
        raise NotAllowed(_("The factual check happens while the team writes the report."))
    if report.state != "drafting":
        raise NotAllowed(_("The draft is already with the host city for its factual check."))
    today = date.today()
    if deadline is None:
        raise DomainError(_("Give the last day on which the host city can comment."), field="deadline")
    if deadline <= today:
        raise DomainError(_("The deadline must be after today."), field="deadline")
    if deadline > today + timedelta(days=MAX_FACTUAL_CHECK_DAYS):
        raise DomainError(_("Keep the factual check under %(days)d days.",
                            days=MAX_FACTUAL_CHECK_DAYS), field="deadline")
    report.state = "factual_check"
    report.factual_check_deadline = deadline
    report.factual_check_started_at, report.factual_check_ended_at = utcnow(), None
    record("report.factual_check_start", review, actor=actor, changes={"deadline": deadline})
    _notify_host(review, "report_factual_check", actor, deadline=deadline)


def end_factual_check(report: Report, *, actor) -> None:
    if report.state != "factual_check":
        raise NotAllowed(_("The draft is not in a factual check."))
    report.state = "drafting"
    report.factual_check_ended_at = utcnow()
    record("report.factual_check_end", report.review, actor=actor)


# --- issue and re-issue -------------------------------------------------------------------------

@dataclass
class Prepared:
    review_id: int
    number: int
    note: str
    html: str
    issued_on: date


def _check_can_issue(review, actor) -> None:
    t = workflow.BY_NAME["issue"]
    if review.state not in t.sources:
        raise NotAllowed(_("The report can be issued only while the review is %(needed)s; it is "
                           "%(state)s.",
                           needed=str(workflow.STATE_LABELS["reporting"]).lower(),
                           state=str(workflow.STATE_LABELS[review.state]).lower()))
    if not t.who(actor, review):
        raise NotAllowed(_("Only %(who)s can issue the report.", who=t.who_text))
    missing = workflow.missing_for(review, t)
    if missing:
        raise NotAllowed(_("The report cannot be issued yet: %(missing)s.",
                           missing="; ".join(map(str, missing))))


def _check_can_reissue(review, actor, note: str) -> None:
    from peerreview import permissions as perm

    if review.state not in ("issued", "follow_up"):
        raise NotAllowed(_("A corrected version can be issued only after the first issue "
                         "(report issued or follow-up)."))
    if not perm.is_coordinator(actor):
        raise NotAllowed(_("Only a coordinator issues a corrected version."))
    if not note:
        raise DomainError(_("Say what was corrected: the note appears in the list of versions."),
                          field="note")
    gap = report_complete(review)
    if gap:
        raise NotAllowed(_("The corrected report cannot be issued: %(gap)s.", gap=gap))


def check(review, actor, *, note: str = "", reissue: bool = False) -> str:
    """Everything that must hold to issue (or re-issue) now; the cleaned note. Reads only."""
    note = (note or "").strip()[:2000]
    if reissue:
        _check_can_reissue(review, actor, note)
    else:
        _check_can_issue(review, actor)
    return note


def prepare(review, actor, *, note: str = "", reissue: bool = False) -> Prepared:
    """Check everything and build the final HTML. Reads only."""
    note = check(review, actor, note=note, reissue=reissue)
    report = review.report
    number = (report.latest_version.number if report.latest_version else 0) + 1
    issued_on = date.today()
    html = document.render_html(review, mode="pdf", version=number, issued_on=issued_on)
    return Prepared(review.id, number, note, html, issued_on)


def render(prepared: Prepared) -> pdf.Rendered:
    """The PDF of the prepared HTML, made in a child process (RenderError on failure)."""
    return pdf.render_pdf(prepared.html)


def reports_dir() -> Path:
    path = Path(current_app.instance_path) / "reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_for(version: ReportVersion) -> Path:
    return reports_dir() / f"{version.sha256}.pdf"


def _intact(path: Path, digest: str) -> bool:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == digest
    except FileNotFoundError:
        return False


def write_once(data: bytes) -> str:
    """Store ``data`` under its SHA-256. A file already there is kept if it is intact; a damaged
    one is replaced by these bytes, which are by definition the ones it should hold."""
    digest = hashlib.sha256(data).hexdigest()
    target = reports_dir() / f"{digest}.pdf"
    if not _intact(target, digest):
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    return digest


def store(review, prepared: Prepared, rendered: pdf.Rendered, actor, *, reissue: bool = False) -> ReportVersion:
    """Record the rendered PDF as the next version (and issue the review the first time)."""
    prepare_again = prepare(review, actor, note=prepared.note, reissue=reissue)
    if prepare_again.html != prepared.html or prepare_again.number != prepared.number:
        raise Conflict(_("The draft changed while the PDF was being made, so that PDF was not "
                       "kept. Issue again to include the latest text."))
    report = review.report
    digest = write_once(rendered.data)
    version = ReportVersion(report=report, number=prepared.number, sha256=digest,
                            size=len(rendered.data), pages=rendered.pages, note=prepared.note,
                            issued_by_id=actor.id)
    db.session.add(version)
    drafting.assign_codes(report, prepared.issued_on)  # the codes the PDF shows, for good
    if report.state == "factual_check":
        report.factual_check_ended_at = utcnow()
    report.state = "issued"
    db.session.flush()
    from peerreview.library.index import index_report

    index_report(report)  # the library's copy of the issued text
    if reissue:
        record("report.reissue", review, actor=actor, changes={
            "version": prepared.number, "sha256": digest, "note": prepared.note})
    else:
        workflow.transition(review, "issue", actor, notify=False)
        record("report.issue", review, actor=actor, changes={"version": prepared.number, "sha256": digest})
    _notify_issued(review, version, actor)
    return version


def issue(review, actor, *, note: str = "", reissue: bool = False) -> ReportVersion:
    """All three steps in the caller's transaction (command line, demo, tests)."""
    prepared = prepare(review, actor, note=note, reissue=reissue)
    return store(review, prepared, render(prepared), actor, reissue=reissue)


class StoredReportDamaged(Exception):
    """The stored PDF of an issued version is missing or is not the file that was issued."""

    def __init__(self, version: ReportVersion, problem: str):
        super().__init__(f"Stored report {version.sha256} (version {version.number}) {problem}")
        self.version = version
        self.problem = problem


def read_version(version: ReportVersion) -> bytes:
    """The stored bytes, checked against the recorded SHA-256: a damaged or replaced file is
    never served as the issued report."""
    try:
        data = path_for(version).read_bytes()
    except FileNotFoundError:
        raise StoredReportDamaged(version, "is missing") from None
    if hashlib.sha256(data).hexdigest() != version.sha256:
        raise StoredReportDamaged(version, "does not match its SHA-256")
    return data


def superseded_by(report: Report) -> dict[int, int]:
    """{version number: the number of the version that replaced it}."""
    numbers = [v.number for v in report.versions]
    return {a: b for a, b in zip(numbers, numbers[1:], strict=False)}


# --- e-mails ------------------------------------------------------------------------------------

def _host_contacts(review):
    from sqlalchemy import select

    from peerreview.auth.models import User

    return list(db.session.scalars(select(User).where(
        User.city_id == review.host_city_id, User.city_role == "contact", User.active.is_(True))))


def _notify_host(review, template: str, actor, **context) -> None:
    from peerreview.notifications.queue import queue_mail
    from peerreview.urls import absolute_url

    link = absolute_url("reports.show", review_id=review.id)
    for user in _host_contacts(review):
        if user is not actor:
            queue_mail(user.email, template, user=user, review=review, link=link, **context)


def _notify_issued(review, version: ReportVersion, actor) -> None:
    from sqlalchemy import select

    from peerreview.auth.models import User
    from peerreview.notifications.queue import queue_mail
    from peerreview.urls import absolute_url

    people = set(_host_contacts(review))
    people |= {s.user for s in review.team if s.status == "accepted" and s.user.is_active}
    people |= set(db.session.scalars(select(User).where(User.is_coordinator.is_(True),
                                                        User.active.is_(True))))
    people.discard(actor)
    link = absolute_url("reports.download", review_id=review.id, number=version.number)
    page = absolute_url("reports.show", review_id=review.id)
    for user in sorted(people, key=lambda u: u.id):
        queue_mail(user.email, "report_issued", user=user, review=review, version=version,
                   link=link, page=page)
