from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from peerreview import permissions as perm
from peerreview.auth.models import User
from peerreview.auth.views import form_error
from peerreview.cities import services
from peerreview.cities.forms import CityForm, CityProfileForm
from peerreview.cities.models import City
from peerreview.domain import DomainError
from peerreview.extensions import db
from peerreview.i18n import gettext as _

bp = Blueprint("cities", __name__, url_prefix="/cities")


@bp.get("/")
@login_required
def index():
    perm.require(perm.can_list_cities(current_user))
    counts = dict(db.session.execute(
        select(User.city_id, func.count(User.id)).where(User.active.is_(True))
        .group_by(User.city_id)).all())
    # the columns the list shows, not the cities (150 of them, with their descriptions)
    cities = db.session.execute(select(City.id, City.name, City.country, City.charter_signed_on)
                                .order_by(City.name)).all()
    return render_template("cities/index.html", cities=cities, counts=counts)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    perm.require(perm.can_manage_cities(current_user))
    form = CityForm()
    if form.validate_on_submit():
        try:
            city = services.create_city(
                name=form.name.data, country=form.country.data,
                charter_signed_on=form.charter_signed_on.data, timezone=form.timezone.data,
                description=form.description.data, actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("%(city)s is now a member city.", city=city.name), "success")
            return redirect(url_for("cities.show", city_id=city.id))
    return render_template("cities/form.html", form=form, city=None)


@bp.get("/<int:city_id>")
@login_required
def show(city_id: int):
    city = db.get_or_404(City, city_id)
    perm.require(perm.can_view_city(current_user, city))
    members = []
    if perm.can_view_city_members(current_user, city):
        members = db.session.scalars(
            select(User).where(User.city_id == city.id).order_by(User.name)).all()
    results = {}
    if perm.can_view_city_results(current_user, city):
        from peerreview.reports.figures_views import page_context

        results = page_context(current_user, city=city)
    return render_template("cities/show.html", city=city, members=members, results=results)


@bp.route("/<int:city_id>/edit", methods=["GET", "POST"])
@login_required
def edit(city_id: int):
    city = db.get_or_404(City, city_id)
    perm.require(perm.can_edit_city(current_user, city))
    full = perm.can_manage_cities(current_user)
    form = (CityForm if full else CityProfileForm)(obj=city)
    if form.validate_on_submit():
        values = {k: v for k, v in form.data.items() if k != "csrf_token"}
        try:
            changes = services.update_city(city, values, actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("Saved.") if changes else _("Nothing was changed."), "success")
            return redirect(url_for("cities.show", city_id=city.id))
    return render_template("cities/form.html", form=form, city=city)
