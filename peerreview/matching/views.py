"""The peer pool (coordinators), one's own peer profile, answers to calls for peers, and
conflicts of interest (host city contacts). Team forming pages: team_views.py."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from peerreview import permissions as perm
from peerreview.auth.models import User
from peerreview.auth.views import form_error
from peerreview.domain import DomainError
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.loading import child_or_404
from peerreview.matching import queries, services
from peerreview.matching.forms import (
    BidForm,
    ConflictForm,
    PoolFilterForm,
    TrainingForm,
    UnavailableForm,
    profile_form,
)
from peerreview.matching.models import ConflictOfInterest, PeerUnavailability
from peerreview.reviews.views import load_review

bp = Blueprint("matching", __name__)


class CsrfForm(FlaskForm):
    pass


def _themes():
    from peerreview.framework.models import Theme

    return list(db.session.scalars(select(Theme).order_by(Theme.name)))


# --- the pool (coordinators) -------------------------------------------------------------------

@bp.get("/peers/")
@login_required
def pool():
    perm.require(perm.can_view_peer_pool(current_user))
    form = PoolFilterForm(request.args)
    themes = _themes()
    form.theme.choices = [(0, _("Any theme"))] + [(t.id, t.name) for t in themes]
    from peerreview.forms_common import country_name

    form.country.choices = [("", _("Any country"))] + [(c, country_name(c)) for c in queries.pool_countries()]
    form.validate()
    filters = queries.PoolFilters(
        theme_id=form.theme.data or None, level=form.level.data or "some",
        language=form.language.data or "", country=form.country.data or "",
        trained=form.trained.data or "",
        free_from=form.free_from.data if not form.free_from.errors else None,
        free_to=form.free_to.data if not form.free_to.errors else None)
    if filters.free_from and filters.free_to and filters.free_to < filters.free_from:
        form.free_to.errors = list(form.free_to.errors) + [_("The period ends before it starts.")]
        filters.free_from = filters.free_to = None
    year = (filters.free_from or date.today()).year
    rows = queries.pool(filters, year=year)
    return render_template("matching/pool.html", form=form, rows=rows, year=year,
                           filtered=any(v for k, v in request.args.items() if k != "level"))


@bp.get("/peers/<int:user_id>")
@login_required
def peer(user_id: int):
    perm.require(perm.can_view_peer_pool(current_user))
    user = db.get_or_404(User, user_id)
    profile = services.profile_of(user)
    if profile is None:
        abort(404)
    form = TrainingForm(obj=profile)
    return render_template("matching/peer.html", profile=profile, user=user, form=form,
                           themes={t.id: t for t in _themes()})


@bp.post("/peers/<int:user_id>/training")
@login_required
def set_training(user_id: int):
    perm.require(perm.can_set_peer_training(current_user))
    user = db.get_or_404(User, user_id)
    profile = services.profile_of(user)
    if profile is None:
        abort(404)
    form = TrainingForm()
    if form.validate_on_submit():
        services.set_trained(profile, form.trained.data, on=form.trained_on.data, actor=current_user)
        db.session.commit()
        flash(_("Training recorded for %(name)s.", name=user.name), "success")
    else:
        flash(_("Give the training date as a date."), "error")
    return redirect(url_for("matching.peer", user_id=user.id))


# --- one's own profile ---------------------------------------------------------------------------

def _profile_page(form, profile, unavailable_form, status=200):
    calls = queries.open_calls(current_user) if profile is not None else []
    return render_template("matching/profile.html", form=form, profile=profile,
                           unavailable_form=unavailable_form, calls=calls, bid_form=BidForm(),
                           csrf_form=CsrfForm(), today=date.today()), status


@bp.route("/peers/me", methods=["GET", "POST"])
@login_required
def profile():
    themes = _themes()
    if request.method == "POST":
        perm.require(perm.can_have_peer_profile(current_user))
    profile = services.profile_of(current_user) if current_user.city_id else None
    form = profile_form(themes)
    if request.method == "GET":
        form.languages.data = list(current_user.languages or [])
        if profile is not None:
            form.max_reviews_per_year.data = profile.max_reviews_per_year
            form.note.data = profile.note
            for theme, f in form.theme_fields:
                f.data = profile.level_for(theme.id)
    if form.validate_on_submit():
        try:
            profile = services.ensure_profile(current_user, actor=current_user)
            changes = services.update_profile(
                profile, expertise={t.id: f.data or "none" for t, f in form.theme_fields},
                languages=form.languages.data or [], max_reviews_per_year=form.max_reviews_per_year.data,
                note=form.note.data or "", actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("Your peer profile is saved.") if changes else _("Nothing changed."), "success")
            return redirect(url_for("matching.profile"))
    return _profile_page(form, profile, UnavailableForm(), 422 if form.errors else 200)


@bp.post("/peers/me/unavailable")
@login_required
def add_unavailable():
    perm.require(perm.can_have_peer_profile(current_user))
    form = UnavailableForm()
    if form.validate_on_submit():
        try:
            profile = services.ensure_profile(current_user, actor=current_user)
            services.add_unavailable(profile, form.start.data, form.end.data, form.note.data,
                                     actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("Period saved: the matcher will not propose you then."), "success")
    else:
        for errors in form.errors.values():
            flash(" ".join(map(str, errors)), "error")
    return redirect(url_for("matching.profile") + "#unavailable")


@bp.post("/peers/me/unavailable/<int:period_id>/delete")
@login_required
def delete_unavailable(period_id: int):
    period = db.get_or_404(PeerUnavailability, period_id)
    perm.require(perm.can_edit_peer_profile(current_user, period.profile))
    if not CsrfForm().validate_on_submit():
        abort(400)
    services.remove_unavailable(period, actor=current_user)
    db.session.commit()
    flash(_("Period removed."), "success")
    return redirect(url_for("matching.profile") + "#unavailable")


# --- answers to calls for peers ------------------------------------------------------------------

@bp.post("/reviews/<int:review_id>/interest")
@login_required
def bid(review_id: int):
    from peerreview.reviews.models import Review

    review = db.get_or_404(Review, review_id)
    perm.require(perm.can_bid(current_user, review))
    form = BidForm()
    if form.validate_on_submit():
        try:
            services.bid(review, current_user, form.kind.data, note=form.note.data or "",
                         actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("Thank you: your answer for %(review)s is saved.", review=review.title), "success")
    else:
        flash(_("Choose an answer; keep the note under 500 characters."), "error")
    return redirect(url_for("matching.profile") + "#calls")


@bp.post("/reviews/<int:review_id>/interest/withdraw")
@login_required
def withdraw_bid(review_id: int):
    from peerreview.reviews.models import Review

    review = db.get_or_404(Review, review_id)
    perm.require(perm.can_bid(current_user, review))
    if not CsrfForm().validate_on_submit():
        abort(400)
    if services.withdraw_bid(review, current_user, actor=current_user):
        db.session.commit()
        flash(_("Your answer is withdrawn."), "success")
    else:
        flash(_("You had not answered this call."), "info")
    return redirect(url_for("matching.profile") + "#calls")


# --- conflicts of interest (host city contact) ---------------------------------------------------

@bp.route("/reviews/<int:review_id>/conflicts", methods=["GET", "POST"])
@login_required
def conflicts(review_id: int):
    review = load_review(review_id)
    perm.require(perm.can_view_conflicts(current_user, review))
    form = ConflictForm()
    peers = queries.peers_outside(review.host_city_id)
    form.user_id.choices = [(0, _("Choose a peer"))] + [(u.id, f"{u.name} ({u.city.label})") for u in peers]
    if request.method == "POST":
        perm.require(perm.can_flag_conflict(current_user, review))
        if form.validate_on_submit():
            peer = next((u for u in peers if u.id == form.user_id.data), None)
            try:
                services.flag_conflict(review, peer, form.reason.data, actor=current_user)
            except DomainError as exc:
                db.session.rollback()
                form_error(form, exc)
            else:
                db.session.commit()
                flash(_("Conflict of interest with %(name)s recorded; the matcher will not "
                        "propose them.", name=peer.name), "success")
                return redirect(url_for("matching.conflicts", review_id=review.id))
    listed = list(db.session.scalars(select(ConflictOfInterest).where(
        ConflictOfInterest.review_id == review.id).order_by(ConflictOfInterest.id)))
    return render_template("matching/conflicts.html", review=review, form=form, conflicts=listed,
                           csrf_form=CsrfForm(), can_flag=perm.can_flag_conflict(current_user, review)), \
        422 if form.errors else 200


@bp.post("/reviews/<int:review_id>/conflicts/<int:conflict_id>/delete")
@login_required
def delete_conflict(review_id: int, conflict_id: int):
    review = load_review(review_id)
    conflict = child_or_404(ConflictOfInterest, conflict_id, review)
    perm.require(perm.can_flag_conflict(current_user, review))
    if not CsrfForm().validate_on_submit():
        abort(400)
    services.remove_conflict(conflict, actor=current_user)
    db.session.commit()
    flash(_("Conflict of interest removed."), "success")
    return redirect(url_for("matching.conflicts", review_id=review.id))


from peerreview.matching import team_views  # noqa: E402,F401  (registers the team pages on bp)
