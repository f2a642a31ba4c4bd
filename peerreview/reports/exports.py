"""CSV exports of the follow-up: one review's recommendations, and the implementation figures.

Every recommendation is named by its code (R1, R2 ...), the same as in the PDF. Cells that a
spreadsheet would run as a formula are written as text; the file starts with a byte-order mark
so that spreadsheet programs read it as UTF-8.
"""

from __future__ import annotations

import csv
import io

from peerreview.reports.models import PROGRESS, RESPONSES


def csv_text(header: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        cells = ["" if c is None else str(c) for c in row]
        # a cell starting with = + - @ would be run as a formula by spreadsheet programs
        writer.writerow([("'" + c) if c[:1] in ("=", "+", "-", "@") else c for c in cells])
    return "\ufeff" + out.getvalue()


FOLLOW_UP_COLUMNS = ["Code", "Key factor", "Recommendation", "Priority", "Suggested owner",
                     "Timeframe (months)", "Issued", "Due", "Response", "Reason", "Progress",
                     "Progress as of", "Done on", "Mentoring actions"]


def follow_up_csv(review) -> str:
    from peerreview.mentoring.followup import actions_for
    from peerreview.reports import followup
    from peerreview.reports.services import numbering, recommendations_in_order

    report = review.report
    recs = recommendations_in_order(report) if report else []
    codes = numbering(report) if report else {}
    actions = actions_for(r.id for r in recs)
    rows = []
    for r in sorted(recs, key=lambda r: int(codes[r.id][1:])):
        rows.append([
            codes[r.id], r.key_factor.code, r.action, r.priority_label, r.owner, r.timeframe_months,
            r.issued_on.isoformat() if r.issued_on else "",
            d.isoformat() if (d := followup.due_date(r, None)) else "",
            RESPONSES.get(r.response or "", ""), r.response_reason, PROGRESS.get(r.progress or "", ""),
            r.progress_on.isoformat() if r.progress_on else "",
            r.done_on.isoformat() if r.done_on else "",
            "; ".join(f"{a.code} {a.status_label.lower()} ({a.mentorship.title})"
                      for a in actions.get(r.id, []))])
    return csv_text(FOLLOW_UP_COLUMNS, rows)
