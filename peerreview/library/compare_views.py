"""Comparisons: one theme's heatmap with the network's strong and weak key factors, and a
city's history with the cities that could help it (routes of the library blueprint)."""

from __future__ import annotations

from collections import defaultdict

from flask import render_template
from flask_login import current_user, login_required

from peerreview import permissions as perm
from peerreview.extensions import db
from peerreview.library import charts, compare
from peerreview.library.views import bp


@bp.get("/library/themes/<int:theme_id>")
@login_required
def theme(theme_id: int):
    from peerreview.framework.models import Theme

    perm.require(perm.can_use_library(current_user))
    found = db.get_or_404(Theme, theme_id)
    hm = compare.heatmap(current_user, theme_id)
    return render_template("library/theme.html", theme=found, hm=hm,
                           heatmap_svg=charts.heatmap_svg(hm) if hm else "",
                           heatmap_rows=charts.heatmap_table_rows(hm) if hm else "",
                           averages_svg=charts.averages_svg(hm) if hm else "")


@bp.get("/library/cities/<int:city_id>")
@login_required
def city(city_id: int):
    from peerreview.cities.models import City

    perm.require(perm.can_use_library(current_user))
    found = db.get_or_404(City, city_id)
    history = compare.city_history(current_user, city_id)
    by_theme = defaultdict(list)
    for h in history:
        by_theme[(h.theme_id, h.theme_name)].append(h)
    themes = []
    for (theme_id, theme_name), reviews in sorted(by_theme.items(), key=lambda kv: kv[0][1]):
        codes = sorted({c for h in reviews for c in h.ratings}, key=compare._code_key)
        themes.append({"id": theme_id, "name": theme_name, "reviews": reviews, "codes": codes,
                       "svg": charts.history_svg(theme_id, theme_name, reviews, codes)})
    return render_template("library/city.html", city=found, history=history, themes=themes,
                           mentorships=compare.city_mentorships(current_user, found),
                           suggestions=compare.suggestions(current_user, city_id))
