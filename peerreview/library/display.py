"""How the library writes what became of a recommendation, and the items' kinds."""

from __future__ import annotations

from markupsafe import Markup, escape

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


def hit_html(hit, url: str, kinds: dict[str, str]) -> Markup:
    """One result of a library search, linked to ``url``, as ``library/_search.html`` lists
    them, drawn in Python (a page of 25 results was some 300 template expressions, about 1 ms).
    ``kinds``: the kinds' labels in the page's language (``i18n.translated(KIND_LABELS)``)."""
    from flask import current_app
    from jinja2.filters import do_truncate

    from peerreview.forms_common import country_name
    from peerreview.framework.constants import rating_label

    item = hit.item
    out = [f'  <li class="lib-hit">\n    <p class="lib-meta"><span class="badge">{escape(kinds[item.kind])}</span> '
           f'<strong class="kf-code">{escape(item.code)}</strong>\n'
           f"      · {escape(item.city_name)} ({escape(country_name(item.country))}) · "
           f"{escape(item.theme_name)}, {item.year}</p>\n"
           f'    <h3 class="lib-title"><a href="{escape(url)}">{escape(item.title)}</a></h3>\n']
    if item.body != item.title:
        snippet = do_truncate(current_app.jinja_env, item.body, 280)
        out.append(f'    <p class="lib-snippet">{escape(snippet)}</p>\n')
    if item.kf_code:
        line = Markup(_("Key factor %(code)s: %(title)s")) % {"code": item.kf_code, "title": item.kf_title}
        out.append(f'    <p class="lib-kf">{line}</p>\n')
    became = outcome(hit)
    if became:
        ok = " ok" if hit.progress == "done" and hit.response != "not_accepted" else ""
        out.append(f'    <p class="lib-outcome"><span class="badge{ok}">{escape(became)}</span></p>\n')
    if item.kind == "finding" and item.rating:
        line = Markup(_("Team rating: %(rating)s")) % {"rating": rating_label(item.rating)}
        out.append(f'    <p class="lib-outcome">{line}</p>\n')
    out.append("  </li>\n")
    return Markup("".join(out))
