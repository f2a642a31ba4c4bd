"""The members' library: search with filters, its CSV, one report's shared items, and the
host city's choice of how widely its report is published."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from peerreview import permissions as perm
from peerreview.auth.views import form_error
from peerreview.domain import DomainError
from peerreview.downloads import send_download
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.i18n import translated
from peerreview.library import display, queries, search, services
from peerreview.library.forms import PublicationForm, SearchForm
from peerreview.library.models import LEVELS
from peerreview.reviews.views import load_review
from peerreview.urls import absolute_url, row_url

bp = Blueprint("library", __name__)


def _search_form(public: bool = False) -> tuple[SearchForm, bool, queries.NetworkLists | None]:
    form = SearchForm(formdata=request.args)
    lists = queries.form_choices(form, public=public)
    valid = form.validate() if request.args else True
    return form, valid, lists


@bp.get("/library/")
@login_required
def index():
    perm.require(perm.can_use_library(current_user))
    form, valid, lists = _search_form()
    q = queries.query_from(form) if valid else search.Query()
    result = search.search(current_user, q) if valid else search.Result()
    # the person's city by name from the network's list of cities (loading the city itself was
    # the page's one query more)
    home_city = dict(lists.cities).get(current_user.city_id)
    return render_template("library/index.html", form=form, q=q, result=result, valid=valid,
                           kinds=translated(display.KIND_LABELS),
                           page_size=search.PAGE_SIZE, themes=lists.comparable,
                           home_city=home_city,
                           args={k: v for k, v in request.args.items() if k != "page"}), \
        200 if valid else 400


@bp.get("/library/results.csv")
@login_required
def results_csv():
    perm.require(perm.can_use_library(current_user))
    form, valid, _lists = _search_form()
    if not valid:
        flash(_("Correct the search before exporting it."), "error")
        return redirect(url_for("library.index", **request.args))
    q = queries.query_from(form)
    q.page = 1
    result = search.search(current_user, q, page_size=search.MAX_PAGE_SIZE)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("City"), _("Country"), _("Theme"), _("Year"), _("Kind"), _("Code"),
                     _("Key factor"), _("Text"), _("Team rating"), _("What became of it"), _("Link")])
    for hit in result.hits:
        item = hit.item
        writer.writerow([item.city_name, item.country, item.theme_name, item.year,
                         str(display.KIND_LABELS[item.kind]), item.code,
                         f"{item.kf_code} {item.kf_title}".strip(), _csv_safe(item.body),
                         item.rating or "", display.outcome(hit),
                         absolute_url("library.report", review_id=item.review_id, _anchor=item.code)])
    return send_download(out.getvalue(), "library-search.csv", "text/csv; charset=utf-8")


def _csv_safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@bp.get("/library/reviews/<int:review_id>")
@login_required
def report(review_id: int):
    perm.require(perm.can_use_library(current_user))
    items = queries.report_items(current_user, review_id)
    if not items:
        abort(404)
    first = items[0]
    return render_template("library/report.html", items=items, first=first, public=False,
                           outcome_of=display.outcome_of, kinds=display.KIND_LABELS,
                           may_open_report=_may_open_report(review_id))


def _may_open_report(review_id: int) -> bool:
    from peerreview.reviews.models import Review

    review = db.session.get(Review, review_id)
    return review is not None and perm.can_view_report(current_user, review)


# --- the host city's choice -------------------------------------------------------------------

def _publication_form(report, formdata=None) -> PublicationForm:
    form = PublicationForm(formdata=formdata)
    form.level.choices = [(k, str(services.LEVEL_LABELS[k])) for k in LEVELS]
    form.withheld.choices = [(i.code, i.code) for i in services.items_of(report)]
    return form


def _indexed(review):
    """The report, with its library copy made first if it was issued before the library."""
    from peerreview.database import write_intent
    from peerreview.library.index import ensure_indexed, needs_index
    from peerreview.reviews.models import Review

    if not needs_index(review.report):
        return review.report
    review_id = review.id
    db.session.rollback()
    with write_intent():
        review = db.session.get(Review, review_id)
        ensure_indexed(review.report)
        db.session.commit()
    return db.session.get(Review, review_id).report


@bp.route("/reviews/<int:review_id>/publication", methods=["GET", "POST"])
@login_required
def publication(review_id: int):
    review = load_review(review_id)
    perm.require(perm.can_set_publication(current_user, review))
    report = _indexed(review)
    items = services.items_of(report)
    if request.method == "POST":
        form = _publication_form(report, request.form)
        if form.validate_on_submit():
            try:
                changed = services.set_publication(report, level=form.level.data or "",
                                                   withheld=set(form.withheld.data or []),
                                                   actor=current_user)
            except DomainError as exc:
                db.session.rollback()
                form_error(form, exc)
            else:
                db.session.commit()
                flash(str(services.LEVEL_SAVED[report.publication.level]) if changed
                      else _("Nothing was changed."), "success")
                return redirect(url_for("library.publication", review_id=review_id))
        status = 400
    else:
        form = _publication_form(report)
        form.level.data = report.publication.level if report.publication else "private"
        form.withheld.data = [i.code for i in items if i.withheld]
        status = 200
    return render_template("library/publication.html", review=review, form=form, items=items,
                           kinds=display.KIND_LABELS, levels=services.LEVEL_SHORT), status


@bp.context_processor
def _helpers():
    from peerreview.framework.constants import rating_label

    def item_url(item):
        return f'{row_url("library.report", review_id=item.review_id)}#{quote(item.code)}'

    return {"rating_label": rating_label, "item_url": item_url, "library_hit": display.hit_html}
