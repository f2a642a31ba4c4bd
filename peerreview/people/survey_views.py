"""The surveys: answering them, and the results for the coordinator."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from peerreview import permissions as perm
from peerreview.domain import DomainError
from peerreview.downloads import send_download
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.people import surveys
from peerreview.people.forms import CsrfForm
from peerreview.reviews.views import load_review

bp = Blueprint("surveys", __name__)


@bp.route("/reviews/<int:review_id>/surveys/<kind>", methods=["GET", "POST"])
@login_required
def answer(review_id: int, kind: str):
    if kind not in ("visit", "outcome"):
        abort(404)
    review = load_review(review_id)
    perm.require(perm.can_answer_survey(current_user, review, kind))
    done = surveys.response_of(review, current_user, kind)
    error = None
    if request.method == "POST" and done is None:
        if not CsrfForm().validate_on_submit():
            abort(400)
        values = request.form.to_dict()
        values["recommendations"] = request.form.getlist("recommendations")
        try:
            surveys.submit(review, current_user, kind, values,
                           respondent=perm.survey_respondent(current_user, review))
        except DomainError as exc:
            db.session.rollback()
            error = exc
        else:
            db.session.commit()
            flash(_("Thank you: your answers are saved."), "success")
            return redirect(url_for("surveys.answer", review_id=review.id, kind=kind))
    elif request.method == "POST":
        flash(_("You have answered this survey already. Thank you."), "error")
        perm.record_refusal(409, [_("You have answered this survey already. Thank you.")])
        return redirect(url_for("surveys.answer", review_id=review.id, kind=kind))
    recs = []
    if kind == "outcome" and review.report is not None:
        from peerreview.reports import services as drafting

        codes = drafting.numbering(review.report)
        recs = [(r.id, codes[r.id], r.action) for r in drafting.recommendations_in_order(review.report)]
    return render_template("people/survey.html", review=review, kind=kind, done=done, error=error,
                           values=request.form if error else {}, scale=surveys.SCALE, again=surveys.AGAIN,
                           recs=recs), 400 if error else 200


@bp.get("/reviews/<int:review_id>/surveys/results")
@login_required
def review_results(review_id: int):
    review = load_review(review_id)
    perm.require(perm.can_view_survey_results(current_user))
    items = surveys.results([review.id])
    return render_template("people/survey_results.html", items=items, review=review,
                           chart=Markup(surveys.chart_svg(items)) if items else None,
                           again=surveys.AGAIN)


@bp.get("/surveys")
@login_required
def network_results():
    perm.require(perm.can_view_survey_results(current_user))
    items = surveys.results()
    return render_template("people/survey_results.html", items=items, review=None,
                           chart=Markup(surveys.chart_svg(items)) if items else None,
                           again=surveys.AGAIN)


@bp.get("/surveys/results.csv")
@login_required
def results_csv():
    perm.require(perm.can_view_survey_results(current_user))
    review_id = request.args.get("review_id", type=int)
    items = surveys.results([review_id] if review_id else None)
    name = f"survey-results-review-{review_id}.csv" if review_id else "survey-results.csv"
    return send_download(surveys.csv_text(items), name, "text/csv")
