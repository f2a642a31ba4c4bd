"""CSV exports of the follow-up: one review's recommendations, and the implementation figures.

Every recommendation is named by its code (R1, R2 ...), the same as in the PDF. Cells that a
spreadsheet would run as a formula are written as text; the file starts with a byte-order mark
so that spreadsheet programs read it as UTF-8.
"""

from __future__ import annotations

import csv
import io

from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l
from peerreview.reports.models import PROGRESS, RESPONSES


def csv_text(header: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(h) for h in header])
    for row in rows:
        cells = ["" if c is None else str(c) for c in row]
        # a cell starting with = + - @ would be run as a formula by spreadsheet programs
        writer.writerow([("'" + c) if c[:1] in ("=", "+", "-", "@") else c for c in cells])
    return "\ufeff" + out.getvalue()


FOLLOW_UP_COLUMNS = [_l("Code"), _l("Key factor"), _l("Recommendation"), _l("Priority"), _l("Suggested owner"),
                     _l("Timeframe (months)"), _l("Issued"), _l("Due"), _l("Response"), _l("Reason"), _l("Progress"),
                     _l("Progress as of"), _l("Done on"), _l("Mentoring actions")]


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
            str(RESPONSES.get(r.response or "", "")), r.response_reason,
            str(PROGRESS.get(r.progress or "", "")),
            r.progress_on.isoformat() if r.progress_on else "",
            r.done_on.isoformat() if r.done_on else "",
            "; ".join(_("%(code)s %(status)s (%(mentorship)s)", code=a.code,
                        status=str(a.status_label).lower(), mentorship=a.mentorship.title)
                      for a in actions.get(r.id, []))])
    return csv_text(FOLLOW_UP_COLUMNS, rows)


FIGURES_COLUMNS = [_l("Scope"), _l("City"), _l("Theme"), _l("Recommendations"), _l("Accepted"), _l("Partly accepted"),
                   _l("Not accepted"), _l("No response yet"), _l("Done"), _l("In progress"), _l("Not started"),
                   _l("Done within 6 months"), _l("Issued 6 months ago or more"),
                   _l("Done within 12 months"), _l("Issued 12 months ago or more"),
                   _l("Done within 24 months"), _l("Issued 24 months ago or more"),
                   _l("Key factor"), _l("Review team's rating"), _l("Latest progress review rating"),
                   _l("Progress review on"), _l("Change")]
SCOPES = {"network": _l("Network"), "theme": _l("Theme"), "city": _l("City"),
          "city-theme": _l("City and theme")}


def figures_csv(impl) -> str:
    """The implementation figures (figures.implementation) as one table: a row per scope, then
    a row per city, theme and key factor for the movement of the ratings."""
    from peerreview.reports.figures import WINDOWS

    theme_names = {c.theme_id: c.label for c in impl.themes}
    city_names = {c.city_id: c.label for c in impl.cities}
    rows = []
    for c in [impl.network, *impl.themes, *impl.cities, *impl.city_themes]:
        within = []
        for months in WINDOWS:
            within += c.within[months]
        rows.append([str(SCOPES[c.scope]), city_names.get(c.city_id, ""), theme_names.get(c.theme_id, ""),
                     c.total, c.responses["accepted"], c.responses["partly"],
                     c.responses["not_accepted"], c.responses["none"], c.progress["done"],
                     c.progress["in_progress"], c.progress["not_started"], *within,
                     "", "", "", "", ""])
    for m in impl.moves:
        rows.append([_("Rating of a key factor"), m.city, m.theme, *[""] * 14, m.code, m.review_rating or "",
                     m.latest or "", m.latest_on.isoformat(), "" if m.delta is None else f"{m.delta:+d}"])
    return csv_text(FIGURES_COLUMNS, rows)
