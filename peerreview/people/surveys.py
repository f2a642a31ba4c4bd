"""The participants' own evaluation of a review.

- The visit survey: once the visit week is over, the host city and the team say how useful the
  review was, how well it was organised, what to change, and whether they would take part
  again. It opens the day after the visit and is due a week later.
- The outcome survey: twelve months after the report was first issued, the host city says which
  recommendations made a difference and what changed. Due a week after it opens.

Both are deadlines of the reminder machinery (peerreview/people/deadlines.py): the first
reminder is the invitation, further reminders follow until the person answers. Answers are tied
to the review; the coordinator sees them per review and for the network, as a chart, a table
and a CSV file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from peerreview.audit.services import record
from peerreview.domain import DomainError, NotAllowed
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l
from peerreview.people.models import SurveyResponse

SCALE = {"1": _l("1 Not at all"), "2": _l("2 A little"), "3": _l("3 Fairly"), "4": _l("4 Very"),
         "5": _l("5 Extremely")}
AGAIN = {"yes": _l("Yes"), "maybe": _l("Maybe"), "no": _l("No")}
ANSWER_DAYS = 7
OPEN_DAYS_AFTER_DUE = 30      # then the survey is no longer asked for
OUTCOME_MONTHS = 12


def visit_opens_on(review) -> date | None:
    return review.visit_end + timedelta(days=1) if review.visit_end else None


def visit_due(review) -> date | None:
    return review.visit_end + timedelta(days=ANSWER_DAYS) if review.visit_end else None


def first_issue(review) -> date | None:
    from peerreview.reports.models import Report, ReportVersion

    at = db.session.scalar(select(func.min(ReportVersion.issued_at)).join(
        Report, Report.id == ReportVersion.report_id).where(Report.review_id == review.id))
    return at.date() if at else None


def first_issues(review_ids: list[int]) -> dict[int, date]:
    """:func:`first_issue` of many reviews in one query (those never issued are left out)."""
    from peerreview.reports.models import Report, ReportVersion

    if not review_ids:
        return {}
    rows = db.session.execute(select(Report.review_id, func.min(ReportVersion.issued_at)).join(
        ReportVersion, ReportVersion.report_id == Report.id).where(Report.review_id.in_(review_ids))
        .group_by(Report.review_id)).all()
    return {review_id: at.date() for review_id, at in rows if at}


_UNKNOWN = object()


def outcome_open_on(review, issued=_UNKNOWN) -> date | None:
    """``issued``: the review's first issue date when the caller has it (see :func:`first_issues`)."""
    from peerreview.people.retention import add_months

    if issued is _UNKNOWN:
        issued = first_issue(review)
    return add_months(issued, OUTCOME_MONTHS) if issued else None


def response_of(review, user, kind: str) -> SurveyResponse | None:
    return db.session.scalar(select(SurveyResponse).where(
        SurveyResponse.review_id == review.id, SurveyResponse.user_id == user.id,
        SurveyResponse.kind == kind))


def _scale(values: dict, key: str, message: str) -> int:
    value = str(values.get(key) or "")
    if value not in SCALE:
        raise DomainError(message, field=key)
    return int(value)


def _text(values: dict, key: str) -> str:
    text = (values.get(key) or "").strip()
    if len(text) > 5000:
        raise DomainError(_("Keep the answer under 5,000 characters."), field=key)
    return text


def submit(review, user, kind: str, values: dict, *, respondent: str) -> SurveyResponse:
    if response_of(review, user, kind) is not None:
        raise NotAllowed(_("You have answered this survey already. Thank you."))
    if kind == "visit":
        answers = {
            "useful": _scale(values, "useful", _("Say how useful the review was.")),
            "organised": _scale(values, "organised", _("Say how well the review was organised.")),
            "change": _text(values, "change"),
            "again": values.get("again") if values.get("again") in AGAIN else None,
        }
        if answers["again"] is None:
            raise DomainError(_("Say whether you would take part again."), field="again")
    elif kind == "outcome":
        recs = {r.id: r for r in (review.report.recommendations if review.report else [])}
        chosen = [int(v) for v in values.get("recommendations", []) if str(v).isdigit()]
        if any(c not in recs for c in chosen):
            raise DomainError(_("Choose among the report's recommendations."), field="recommendations")
        answers = {
            "recommendations": sorted(set(chosen)),
            "changed": _text(values, "changed"),
            "impact": _scale(values, "impact", _("Say how much the review changed.")),
        }
        if not answers["changed"]:
            raise DomainError(_("Say what changed, in a few words."), field="changed")
    else:
        raise DomainError(_("Unknown survey."))
    row = SurveyResponse(review_id=review.id, user_id=user.id, kind=kind, respondent=respondent,
                         answers=answers)
    db.session.add(row)
    db.session.flush()
    record("survey.answer", review, actor=user, changes={"kind": kind})
    return row


# --- results ------------------------------------------------------------------------------------

@dataclass
class ReviewResult:
    review: object
    visit: list[SurveyResponse] = field(default_factory=list)
    outcome: list[SurveyResponse] = field(default_factory=list)

    def mean(self, key: str, kind: str = "visit") -> float | None:
        values = [r.answers.get(key) for r in getattr(self, kind) if isinstance(r.answers.get(key), int)]
        return round(sum(values) / len(values), 1) if values else None

    def count(self, key: str, value: str) -> int:
        return sum(1 for r in self.visit if r.answers.get(key) == value)


def results(review_ids: list[int] | None = None) -> list[ReviewResult]:
    from peerreview.reviews.models import Review

    stmt = select(SurveyResponse).options(
        selectinload(SurveyResponse.review).selectinload(Review.host_city),
        selectinload(SurveyResponse.review).selectinload(Review.benchmark)).order_by(
        SurveyResponse.review_id, SurveyResponse.id)
    if review_ids is not None:
        stmt = stmt.where(SurveyResponse.review_id.in_(review_ids or [0]))
    out: dict[int, ReviewResult] = {}
    for row in db.session.scalars(stmt):
        item = out.setdefault(row.review_id, ReviewResult(row.review))
        getattr(item, row.kind).append(row)
    return list(out.values())


def chart_svg(items: list[ReviewResult]) -> str:
    """Average usefulness and organisation (1 to 5) per review, as horizontal bars."""
    rows = [(i.review.title, i.mean("useful"), i.mean("organised")) for i in items if i.visit]
    width, label_w, bar_w, group_h, top = 640, 220, 380, 40, 30
    height = top + group_h * max(len(rows), 1) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
           f'aria-labelledby="survey-chart-title"><title id="survey-chart-title">'
           f'{escape(_("Average answers to the visit survey per review, from 1 to 5; the table gives the same numbers."))}'
           f'</title>']
    out.append(f'<text x="{label_w}" y="14" font-size="11" fill="#1b2430">'
               f'{escape(_("Useful"))} ■</text><text x="{label_w + 90}" y="14" font-size="11" '
               f'fill="#5a6676">{escape(_("Well organised"))} ■</text>')
    for n in range(1, 6):
        x = label_w + bar_w * n / 5
        out.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 8}" stroke="#d5dbe3"/>'
                   f'<text x="{x:.1f}" y="{top - 8}" font-size="10" text-anchor="middle" fill="#5a6676">{n}</text>')
    for k, (title, useful, organised) in enumerate(rows):
        y = top + k * group_h
        short = title if len(title) <= 34 else title[:33] + "…"
        out.append(f'<text x="0" y="{y + 16}" font-size="11" fill="#1b2430">{escape(short)}</text>')
        for j, (value, fill) in enumerate(((useful, "#1d4e89"), (organised, "#b9c7d8"))):
            w = bar_w * (value or 0) / 5
            out.append(f'<rect x="{label_w}" y="{y + 4 + j * 14}" width="{w:.1f}" height="11" fill="{fill}"/>'
                       f'<text x="{label_w + w + 4:.1f}" y="{y + 13 + j * 14}" font-size="10" '
                       f'fill="#1b2430">{value if value is not None else "—"}</text>')
    out.append("</svg>")
    return "".join(out)


CSV_COLUMNS = ["review_id", "review", "survey", "respondent", "submitted_at", "useful", "organised",
               "again", "change", "impact", "recommendations", "changed"]


def csv_text(items: list[ReviewResult]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for item in items:
        codes = {}
        if item.review.report is not None:
            from peerreview.reports import services as drafting

            codes = drafting.numbering(item.review.report)
        for row in item.visit + item.outcome:
            a = row.answers
            writer.writerow([item.review.id, item.review.title, row.kind, row.respondent,
                             row.submitted_at.isoformat(timespec="minutes"), a.get("useful", ""),
                             a.get("organised", ""), a.get("again", ""), _safe(a.get("change", "")),
                             a.get("impact", ""), " ".join(codes.get(r, str(r)) for r in a.get("recommendations", [])),
                             _safe(a.get("changed", ""))])
    return buffer.getvalue()


def _safe(text: str) -> str:
    """A spreadsheet must not run a typed answer as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
