"""Experts and staff on the team, and the team's first impressions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from peerreview import permissions as perm
from peerreview.auth.models import User
from peerreview.domain import DomainError
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.people import impressions, team
from peerreview.people.forms import CsrfForm, ImpressionsForm, OutsideSeatForm
from peerreview.reviews.views import load_review

bp = Blueprint("visit_team", __name__)


@bp.post("/reviews/<int:review_id>/team/outside")
@login_required
def add_outside_seat(review_id: int):
    review = load_review(review_id)
    perm.require(perm.can_add_outside_seat(current_user, review))
    form = OutsideSeatForm()
    form.user_id.choices = [(u.id, u.name) for u in team.candidates(review)]
    back = redirect(url_for("matching.team", review_id=review.id) + "#outside")
    if not form.validate_on_submit():
        flash(_("Choose the person, the seat and the organisation."), "error")
        return back
    user = db.session.get(User, form.user_id.data) if form.user_id.data else None
    if user is None or user.id not in {c for c, _label in form.user_id.choices}:
        flash(_("Choose a person from the list."), "error")
        return back
    try:
        team.add_outside_seat(review, user, role=form.role.data, organisation=form.organisation.data or "",
                              actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return back
    db.session.commit()
    flash(_("%(name)s is on the team (%(seat)s).", name=user.name,
            seat=team.ROLE_LABELS[form.role.data]), "success")
    return back


# --- first impressions ------------------------------------------------------------------------

def _impressions_page(review, form=None, *, conflict=None, status=200):
    current = review.first_impressions
    editable = perm.can_write_first_impressions(current_user, review)
    if editable and form is None:
        form = ImpressionsForm(formdata=None)
        form.body.data = current.body if current else ""
        form.version.data = str(current.version) if current else ""
    return render_template(
        "people/impressions.html", review=review, impressions=current, form=form if editable else None,
        can_share=perm.can_share_first_impressions(current_user, review), conflict=conflict,
        csrf_form=CsrfForm()), status


@bp.route("/reviews/<int:review_id>/first-impressions", methods=["GET", "POST"])
@login_required
def first_impressions(review_id: int):
    review = load_review(review_id)
    perm.require(perm.can_view_first_impressions(current_user, review))
    if request.method == "GET":
        return _impressions_page(review)
    perm.require(perm.can_write_first_impressions(current_user, review))
    form = ImpressionsForm()
    if not form.validate_on_submit():
        return _impressions_page(review, form, status=400)
    try:
        impressions.save(review, form.body.data or "", base_version=form.version.data, actor=current_user)
        db.session.commit()
    except impressions.ImpressionsConflict as exc:
        db.session.rollback()
        return _impressions_page(review, form, conflict=exc.current, status=409)
    except StaleDataError:
        db.session.rollback()
        return _impressions_page(review, form, conflict=load_review(review_id).first_impressions, status=409)
    except DomainError as exc:
        db.session.rollback()
        form.body.errors = [exc.message]
        return _impressions_page(review, form, status=400)
    flash(_("First impressions saved."), "success")
    return redirect(url_for("visit_team.first_impressions", review_id=review.id))


@bp.post("/reviews/<int:review_id>/first-impressions/share")
@login_required
def share_first_impressions(review_id: int):
    review = load_review(review_id)
    perm.require(perm.can_share_first_impressions(current_user, review))
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        impressions.share(review, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("The first impressions are shared with %(city)s.", city=review.host_city.name), "success")
    return redirect(url_for("visit_team.first_impressions", review_id=review.id))
