"""How the library writes what became of a recommendation, and the items' kinds."""

from __future__ import annotations

from peerreview.formatting import month_year
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l

KIND_LABELS = {"finding": _l("Finding"), "recommendation": _l("Recommendation"),
               "practice": _l("Good practice")}


def outcome(hit) -> str:
    """"Done, March 2027", "In progress (May 2026)", "Not accepted" ... ("" for other kinds)."""
    if hit.item.kind != "recommendation":
        return ""
    if hit.response is None:
        return _("Waiting for the city's response")
    if hit.response == "not_accepted":
        return _("Not accepted")
    if hit.progress == "done":
        return _("Done, %(when)s", when=month_year(hit.done_on)) if hit.done_on else _("Done")
    if hit.progress == "in_progress":
        return (_("In progress (%(when)s)", when=month_year(hit.progress_on)) if hit.progress_on
                else _("In progress"))
    if hit.response == "partly":
        return _("Partly accepted, not started")
    return _("Accepted, not started")


def outcome_of(item) -> str:
    """The same for an item whose recommendation is loaded."""
    from peerreview.library.search import Hit

    rec = item.recommendation
    if rec is None:
        return ""
    return outcome(Hit(item, rec.response, rec.progress, rec.progress_on, rec.done_on))
