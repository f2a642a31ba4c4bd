"""Cross-references in the report's texts: a text names a recommendation by its code ("see R5").

- :func:`link` turns the codes of a text into links, on the report's page, the follow-up page,
  the preview and the PDF.
- :func:`unknown_references` lists the codes a text names that the report does not have; the
  report cannot be issued until they are corrected (``issuing.report_complete``).
- :func:`follow_renumbering`: until a recommendation is issued its code is provisional (the
  document's order), so adding one under an earlier key factor moves the codes after it. The
  texts that name a moved code are rewritten to follow it, with a kept revision and an audit
  entry, so that "see R5" keeps pointing at the same recommendation. Issued codes never move.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from markupsafe import Markup, escape

from peerreview.audit.services import record
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.i18n import ngettext

CODE = re.compile(r"(?<!\w)R(\d{1,4})(?!\w)")

FINDING_FIELDS = ("rationale", "strengths", "improvements")
RECOMMENDATION_FIELDS = ("action", "rationale")


def _finding_place(code: str, field: str) -> str:
    """Where a text of a finding is: "KF2, why this rating"."""
    if field == "rationale":
        return _("%(code)s, why this rating", code=code)
    if field == "strengths":
        return _("%(code)s, strengths", code=code)
    return _("%(code)s, areas for improvement", code=code)


def _recommendation_place(code: str, field: str) -> str:
    """Where a text of a recommendation is: "the action of R3"."""
    if field == "action":
        return _("the action of %(code)s", code=code)
    return _("the rationale of %(code)s", code=code)


def codes_in(text: str | None) -> list[str]:
    return [m.group(0) for m in CODE.finditer(text or "")]


def texts(report) -> Iterator[tuple[str, str, object, str]]:
    """Every text of the report: (where, kind of target, object, field)."""
    from peerreview.reports import services as drafting

    review = report.review
    for section in report.sections:
        yield drafting.section_title(review, section.key).lower(), "section", section, "body"
    for finding in drafting.findings_in_order(report):
        for field in FINDING_FIELDS:
            yield _finding_place(finding.key_factor.code, field), "finding", finding, field
    codes = drafting.numbering(report)
    for rec in drafting.recommendations_in_order(report):
        for field in RECOMMENDATION_FIELDS:
            yield _recommendation_place(codes[rec.id], field), "recommendation", rec, field


def unknown_references(report) -> list[str]:
    """What the report's texts name that it does not have, one message per place."""
    from peerreview.reports import services as drafting

    known = set(drafting.numbering(report).values())
    out = []
    for where, _kind, obj, field in texts(report):
        unknown = sorted(set(codes_in(getattr(obj, field))) - known, key=lambda c: int(c[1:]))
        if unknown:
            names = ", ".join(unknown)
            out.append(ngettext("%(place)s refers to %(names)s, which is not a recommendation of "
                                "this report",
                                "%(place)s refers to %(names)s, which are not a recommendation of "
                                "this report", len(unknown), place=where, names=names))
    return out


def referring_places(report, rec) -> list[str]:
    """Where the other texts of the report name ``rec`` by its code."""
    from peerreview.reports import services as drafting

    code = drafting.code_of(rec)
    return [where for where, _kind, obj, field in texts(report)
            if obj is not rec and code in codes_in(getattr(obj, field))]


def link(text: str | None, targets: dict[str, str]) -> Markup:
    """``text`` escaped, with every code found in ``targets`` ({code: href}) as a link."""
    out, last = [], 0
    text = text or ""
    for m in CODE.finditer(text):
        href = targets.get(m.group(0))
        if href is None:
            continue
        out.append(str(escape(text[last:m.start()])))
        out.append(f'<a class="rec-ref" href="{escape(href)}">{m.group(0)}</a>')
        last = m.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


def targets_for(report, anchor: str = "#rec-{id}") -> dict[str, str]:
    """{code: "#rec-<id>"}: the links of a page that shows every recommendation at that anchor."""
    from peerreview.reports import services as drafting

    return {code: anchor.format(id=rec_id) for rec_id, code in drafting.numbering(report).items()}


def follow_renumbering(report, before: dict[int, str], *, actor) -> dict[str, str]:
    """Rewrite the references to the codes that moved since ``before``; returns {old: new}."""
    from peerreview.reports import services as drafting

    after = drafting.numbering(report)
    moved = {code: after[rec_id] for rec_id, code in before.items()
             if rec_id in after and after[rec_id] != code}
    if not moved:
        return {}
    changed: dict[int, tuple[str, object]] = {}
    for _where, kind, obj, field in list(texts(report)):
        value = getattr(obj, field) or ""
        new = CODE.sub(lambda m: moved.get(m.group(0), m.group(0)), value)
        if new != value:
            setattr(obj, field, new)
            changed[id(obj)] = (kind, obj)
    if not changed:
        return moved
    db.session.flush()
    content = {"section": drafting.section_content, "finding": drafting.finding_content,
               "recommendation": drafting.recommendation_content}
    for kind, obj in changed.values():
        drafting._revision(report, kind, obj, content[kind](obj), actor)
    record("report.references_renumbered", report.review, actor=actor,
           changes={"codes": moved, "texts": len(changed)})
    return moved
