"""Recommendation codes: R1, R2 ..., given when the report is first issued, never changed after.

The document lists recommendations by key factor, then as the team arranged them. At the first
issue each gets, in that order, the next number; a recommendation added for a corrected version
gets the next free number when that version is issued, wherever it sits in the document. Until
a recommendation is issued, :func:`numbering` gives the code it will be issued with (the
provisional code), so every page, the draft PDF and the e-mails show the same code.
"""

from __future__ import annotations

from datetime import date

from peerreview.extensions import db
from peerreview.reports.models import Recommendation, Report


def recommendations_in_order(report: Report) -> list[Recommendation]:
    """Document order: by key factor, then as the team arranged them."""
    return sorted(report.recommendations, key=lambda r: (r.key_factor.position, r.position, r.id))


def numbering(report: Report) -> dict[int, str]:
    """{recommendation id: code}. Issued recommendations keep the code they were given; the
    others get, in document order, the next free numbers: the codes they will be issued with
    (provisional until then)."""
    recs = recommendations_in_order(report)
    codes = {r.id: r.code for r in recs if r.number}
    taken = max((r.number for r in recs if r.number), default=0)
    for r in recs:
        if not r.number:
            taken += 1
            codes[r.id] = f"R{taken}"
    return codes


def code_of(rec: Recommendation) -> str:
    """The recommendation's code, provisional if its report has not been issued with it yet."""
    return rec.code or numbering(rec.report)[rec.id]


def assign_codes(report: Report, issued_on: date) -> list[Recommendation]:
    """Give the provisional codes for good, at issue: returns the recommendations coded now."""
    codes = numbering(report)
    coded = []
    for rec in recommendations_in_order(report):
        if not rec.number:
            rec.number = int(codes[rec.id][1:])
            rec.issued_on = issued_on
            coded.append(rec)
    db.session.flush()
    return coded
