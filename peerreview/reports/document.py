"""Everything the report document shows, gathered in a few queries, and its HTML.

The same template (templates/reports/document.html) makes the PDF and the HTML preview;
``mode`` says which ("pdf": no links to the application, the stylesheet is given to
WeasyPrint separately; "preview": the stylesheet is linked as a static file).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby

from flask import current_app, render_template
from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from peerreview.extensions import db
from peerreview.formatting import full_day
from peerreview.framework.constants import charter_role_label, rating_label
from peerreview.i18n import ngettext
from peerreview.reports import chart
from peerreview.reports import services as drafting
from peerreview.reports.models import (
    PRIORITIES,
    PRIORITY_ORDER,
    Finding,
    Recommendation,
    Report,
)

TOP_RECOMMENDATIONS = 6


def paragraphs(text: str | None, refs: dict[str, str] | None = None) -> Markup:
    """Plain text to HTML: blank lines separate paragraphs, lines starting "- " are bullets.
    Codes of recommendations found in ``refs`` ({code: href}) become links."""
    from peerreview.reports.references import link

    def line(value: str) -> str:
        return str(link(value, refs)) if refs else str(escape(value))

    out = []
    for block in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [ln.strip() for ln in block.splitlines() if ln.strip()]
        if not lines:
            continue
        if all(ln[:2] in ("- ", "• ", "* ") for ln in lines):
            out.append("<ul>" + "".join(f"<li>{line(ln[2:].strip())}</li>" for ln in lines) + "</ul>")
        else:
            out.append("<p>" + "<br>".join(line(ln) for ln in lines) + "</p>")
    return Markup("\n".join(out))


def long_date(d: date | None) -> str:
    return full_day(d, empty="")


@dataclass
class FindingView:
    finding: Finding
    self_rating: str | None
    recommendations: list[Recommendation] = field(default_factory=list)

    @property
    def kf(self):
        return self.finding.key_factor


def _load_report(review) -> Report:
    from peerreview.observations.models import Observation

    report = db.session.scalar(
        select(Report).where(Report.review_id == review.id).options(
            selectinload(Report.sections),
            selectinload(Report.findings).selectinload(Finding.observations)
            .selectinload(Observation.session),
            selectinload(Report.findings).selectinload(Finding.key_factor),
            selectinload(Report.recommendations).selectinload(Recommendation.key_factor),
            selectinload(Report.versions)))
    return report if report is not None else drafting.get_or_create(review)


def build(review, *, mode: str = "preview", version: int | None = None,
          issued_on: date | None = None) -> dict:
    """The template context of the report document."""
    from peerreview.auth.models import User
    from peerreview.observations.models import KINDS, Observation
    from peerreview.reviews.models import (
        ORGANISATION_TYPES,
        SESSION_TYPES,
        TeamMember,
        VisitSession,
    )

    report = _load_report(review)
    bench = review.benchmark
    kfs = list(bench.key_factors)
    sa = review.self_assessment
    self_ratings = ({e.key_factor_id: e.rating for e in sa.entries}
                    if sa is not None and sa.status == "submitted" else {})
    numbers = drafting.numbering(report)
    recs = drafting.recommendations_in_order(report)
    by_finding = {f.key_factor_id: f for f in report.findings}
    findings = []
    for kf in kfs:
        f = by_finding.get(kf.id)
        if f is None:
            continue
        findings.append(FindingView(f, self_ratings.get(kf.id),
                                    [r for r in recs if r.key_factor_id == kf.id]))
    by_priority = sorted(recs, key=lambda r: (PRIORITY_ORDER.get(r.priority, 9),
                                              int(numbers[r.id][1:])))
    sessions = list(db.session.scalars(
        select(VisitSession).where(VisitSession.review_id == review.id)
        .order_by(VisitSession.day, VisitSession.start_time)))
    team = list(db.session.scalars(
        select(TeamMember).where(TeamMember.review_id == review.id, TeamMember.status == "accepted")
        .options(selectinload(TeamMember.user).selectinload(User.city)).order_by(TeamMember.id)))
    role_order = {"lead": 0, "rapporteur": 1, "peer": 2, "expert": 3, "external": 4, "staff": 5}
    team.sort(key=lambda s: (role_order.get(s.role, 9), s.user.name))
    # experts and secretariat staff are listed in the annex with their organisation; the
    # sentences about "peers from N countries" count the peers only
    outside = [s for s in team if s.role in ("external", "staff")]
    team = [s for s in team if s.role not in ("external", "staff")]
    observation_count = db.session.scalar(
        select(func.count(Observation.id)).where(Observation.review_id == review.id,
                                                 Observation.withdrawn_at.is_(None))) or 0
    org_types = Counter(t for s in sessions for t in (s.organisation_types or []))
    roles = sorted({r for kf in kfs for r in (kf.charter_roles or [])},
                   key=lambda r: ["policy_maker", "service_provider", "employer", "buyer"].index(r)
                   if r in ("policy_maker", "service_provider", "employer", "buyer") else 9)
    answers = [(q, report.text(f"answer_{n}"), report.text(f"unanswered_{n}"))
               for n, q in enumerate(review.host_questions or [], 1)]
    rows = [chart.Row(fv.kf.code, fv.kf.title, fv.self_rating, fv.finding.rating) for fv in findings]
    refs = {code: f"#rec-{rec_id}" for rec_id, code in numbers.items()}  # "see R5" links to R5
    return {
        "review": review, "report": report, "mode": mode, "draft": version is None,
        "version": version, "issued_on": issued_on or date.today(),
        "network_name": current_app.config["NETWORK_NAME"], "site_name": current_app.config["SITE_NAME"],
        "bench": bench, "kfs": kfs, "findings": findings, "numbers": numbers,
        "recommendations": recs, "by_priority": by_priority,
        "top": by_priority[:TOP_RECOMMENDATIONS],
        "text": report.text, "answers": answers,
        "chart": Markup(chart.ratings_svg(rows, title=ngettext(
            "Bar chart of the city’s self-rating and the review team’s rating for the %(num)d key "
            "factor; the table below the chart gives the same ratings.",
            "Bar chart of the city’s self-rating and the review team’s rating for each of the "
            "%(num)d key factors; the table below the chart gives the same ratings.",
            len(rows)))),
        "sessions": sessions,
        "days": [(d, list(items)) for d, items in groupby(sessions, key=lambda s: s.day)],
        "session_types": Counter(s.session_type for s in sessions),
        "session_type_labels": SESSION_TYPES, "org_types": org_types,
        "org_type_labels": ORGANISATION_TYPES, "interpreted": sum(1 for s in sessions if s.interpreter_needed),
        "team": team, "outside_team": outside, "countries": sorted({s.user.city.country for s in team if s.user.city}),
        "observation_count": observation_count, "charter_roles": [charter_role_label(r) for r in roles],
        "kinds": KINDS, "priorities": PRIORITIES, "rating_label": rating_label,
        "paragraphs": lambda text: paragraphs(text, refs),
        "long_date": long_date,
    }


def render_html(review, *, mode: str = "preview", version: int | None = None,
                issued_on: date | None = None) -> str:
    """The report in its own language (``review.report_language``, chosen by the host): fixed
    texts, dates and the benchmark's texts, whatever the language of the person who asks."""
    from markupsafe import Markup

    from peerreview.i18n import use_locale

    # the preview's bar (back to the report) is for the reader, in the reader's language
    bar = (Markup(render_template("reports/_preview_bar.html", review=review,
                                  draft=version is None))
           if mode == "preview" else None)
    with use_locale(review.report_language) as language:
        return render_template("reports/document.html", report_language=language, preview_bar=bar,
                               **build(review, mode=mode, version=version, issued_on=issued_on))
