"""Implementation figures as CSV: the network's (the coordinator's follow-up page) and one
city's (its page). Routes of the "followup" blueprint (lifecycle_views.py); the pages themselves
render templates/reports/_figures.html."""

from __future__ import annotations

from dataclasses import replace

from flask import Response
from flask_login import current_user, login_required

from peerreview import permissions as perm
from peerreview.cities.models import City
from peerreview.downloads import send_download
from peerreview.extensions import db
from peerreview.framework.constants import rating_label
from peerreview.i18n import gettext as _
from peerreview.reports import exports, figures
from peerreview.reports.figures_chart import bars_svg
from peerreview.reports.lifecycle_views import followup_bp


def page_context(user, *, city=None) -> dict:
    """What templates/reports/_figures.html needs, for the network or one city."""
    if city is not None:
        impl = figures.current(city_ids={city.id})
        rows = impl.city_themes if len(impl.city_themes) > 1 else []
        chart_rows = [_as(impl.network, _("All themes"))] + [_as(c, c.label.split(": ", 1)[-1])
                                                          for c in impl.city_themes]
        title = _("What %(city)s did with its recommendations", city=city.name)
    else:
        impl = figures.current(city_ids=perm.visible_results_cities(user))
        rows = impl.themes + impl.cities
        chart_rows = [impl.network, *impl.themes, *impl.cities]
        title = _("What cities did with the recommendations of their reviews")
    return {"impl": impl, "figure_rows": rows, "windows": list(figures.WINDOWS), "rating_label": rating_label,
            "chart": bars_svg(chart_rows, title=title, ident=f"impl-{city.id if city else 'network'}")}


def _as(counts, label):
    """The same figures under the label this page gives them (a theme's name on a city's page),
    as a copy: the figures are shared between requests."""
    return replace(counts, label=label)


def _csv(data: str, name: str) -> Response:
    return send_download(data, name, "text/csv; charset=utf-8")


@followup_bp.get("/figures.csv")
@login_required
def figures_csv():
    perm.require(perm.can_view_all_follow_up(current_user))
    impl = figures.current(city_ids=perm.visible_results_cities(current_user))
    return _csv(exports.figures_csv(impl), f"implementation-{impl.today.isoformat()}.csv")


@followup_bp.get("/cities/<int:city_id>/figures.csv")
@login_required
def city_figures_csv(city_id: int):
    city = db.get_or_404(City, city_id)
    perm.require(perm.can_view_city_results(current_user, city))
    impl = figures.current(city_ids={city.id})
    slug = city.name.lower().replace(" ", "-")
    return _csv(exports.figures_csv(impl), f"implementation-{slug}-{impl.today.isoformat()}.csv")
