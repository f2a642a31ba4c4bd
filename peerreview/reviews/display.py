"""How a review reads in lists and headings: its state badge and its dates. Drawn in Python and
offered to templates as ``state_badge`` and ``dates`` (templates/reviews/_macros.html): the review
list prints both on each of its 50 rows, and a macro call costs several times as much."""

from __future__ import annotations

from markupsafe import Markup, escape

from peerreview.formatting import date_range, month_year
from peerreview.i18n import gettext

BADGE_CLASSES = {"declined": "bad", "cancelled": "bad", "issued": "ok", "follow_up": "ok",
                 "closed": "muted", "visit": "warn"}


def state_badge(review, labels) -> Markup:
    """The review's state as a badge, in ``labels``' words."""
    return Markup('<span class="badge {}">{}</span>').format(BADGE_CLASSES.get(review.state, ""),
                                                             labels[review.state])


def dates(review) -> Markup:
    """The visit's dates, else the preferred month, else "dates to be agreed"."""
    if review.visit_start:
        return escape(date_range(review.visit_start, review.visit_end))
    if review.preferred_start:
        return Markup(gettext("preferred %(month)s")) % {"month": month_year(review.preferred_start)}
    return Markup(gettext("dates to be agreed"))
