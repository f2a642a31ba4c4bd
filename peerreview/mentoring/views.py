"""Mentoring pages: the mentor dashboard, schemes, mentorships, their people and states. The
action plan is in plan_views.py; the needs assessment, visits, progress reviews and the progress
report in activity_views.py (their routes join this blueprint)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from peerreview import permissions as perm
from peerreview.auth.models import User
from peerreview.cities.models import City
from peerreview.domain import DomainError
from peerreview.extensions import db
from peerreview.framework.constants import rating_label
from peerreview.framework.models import Benchmark, Theme
from peerreview.i18n import gettext as _
from peerreview.mentoring import activity, chart, dashboard, services
from peerreview.mentoring.forms import (
    MentorshipForm,
    SchemeForm,
    StepForm,
    fix_date_messages,
)
from peerreview.mentoring.models import (
    STATES,
    MentoringScheme,
    MentoringVisit,
    Mentorship,
    MentorshipEvent,
    MentorshipPerson,
    NeedsAssessment,
    ProgressReview,
    SchemeCity,
)
from peerreview.mentoring.services import FieldErrors
from peerreview.reviews.models import Review

bp = Blueprint("mentoring", __name__, url_prefix="/mentoring")


# --- helpers shared by the mentoring views --------------------------------------------------------

def load_mentorship(mentorship_id: int, *more) -> Mentorship:
    """The mentorship with what its pages show, or 404; 403 unless the user may see it.
    ``more``: loader options for what one page shows besides."""
    # what a mentorship has one of (scheme, benchmark, theme, implementing city) is joined into
    # the same query, and so are its mentor cities (one to three: as many rows); its other
    # lists (key factors, people) come one query each
    m = db.session.scalars(select(Mentorship).where(Mentorship.id == mentorship_id).options(
        joinedload(Mentorship.scheme).joinedload(MentoringScheme.benchmark)
        .selectinload(Benchmark.key_factors),
        joinedload(Mentorship.scheme).joinedload(MentoringScheme.theme),
        joinedload(Mentorship.implementing_city), joinedload(Mentorship.mentor_cities),
        selectinload(Mentorship.people).joinedload(MentorshipPerson.user), *more,
    )).unique().one_or_none()
    if m is None:
        abort(404)
    perm.require(perm.can_view_mentorship(current_user, m))
    return m


def apply_errors(form, exc: DomainError) -> dict[str, str]:
    """Each message next to its field. Returns the messages of per-key-factor inputs (which the
    form has no field for); a message without a field is flashed."""
    errors = exc.errors if isinstance(exc, FieldErrors) else ({exc.field: exc.message} if exc.field else {})
    if not errors:
        flash(exc.message, "error")
        return {}
    extra = {}
    for name, message in errors.items():
        f = getattr(form, name, None) if form is not None else None
        if f is not None and hasattr(f, "errors"):
            f.errors = list(f.errors) + [message]
        else:
            extra[name] = message
    flash(_("Nothing was saved. Correct what is marked below, then save again."), "error")
    return extra


def ids(values) -> list[int]:
    out = []
    for v in values or []:
        try:
            out.append(int(v))
        except (TypeError, ValueError):
            continue
    return out


def commit_or_conflict() -> bool:
    """Commit; False (rolled back) if someone saved the same row at the same moment."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return False
    return True


# --- dashboard --------------------------------------------------------------------------------------

@bp.get("/")
@login_required
def dashboard_page():
    perm.require(perm.can_view_mentoring(current_user))
    today = date.today()
    rows = dashboard.rows_for(current_user, today=today)
    desc_arg = request.args.get("dir")
    rows, sort, desc = dashboard.sort_rows(rows, request.args.get("sort", "attention"),
                                           None if desc_arg not in ("asc", "desc") else desc_arg == "desc")
    return render_template("mentoring/dashboard.html", rows=rows, sort=sort, desc=desc,
                           sorts=dashboard.SORTS, today=today, silence_days=dashboard.SILENCE_DAYS,
                           quarter_start=dashboard.quarter_start(today))


# --- schemes ----------------------------------------------------------------------------------------

def _scheme_form(form: SchemeForm, *, creating: bool) -> None:
    cities = db.session.scalars(select(City).order_by(City.name)).all()
    choices = [(c.id, c.label) for c in cities]
    form.mentor_cities.choices = choices
    form.implementing_cities.choices = choices
    if creating:
        published = select(Benchmark.theme_id).where(Benchmark.status == "published")
        themes = db.session.scalars(select(Theme).where(Theme.id.in_(published)).order_by(Theme.name)).all()
        form.theme_id.choices = [(t.id, t.name) for t in themes]


@bp.get("/schemes")
@login_required
def schemes():
    perm.require(perm.can_manage_mentoring(current_user))
    items = db.session.scalars(select(MentoringScheme).options(
        selectinload(MentoringScheme.theme), selectinload(MentoringScheme.benchmark),
        selectinload(MentoringScheme.participants).selectinload(SchemeCity.city),
        selectinload(MentoringScheme.mentorships),
    ).order_by(MentoringScheme.starts_on.desc(), MentoringScheme.id)).all()
    return render_template("mentoring/schemes.html", schemes=items, today=date.today())


@bp.route("/schemes/new", methods=["GET", "POST"])
@login_required
def create_scheme():
    perm.require(perm.can_manage_mentoring(current_user))
    form = SchemeForm()
    _scheme_form(form, creating=True)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            theme = db.session.get(Theme, form.theme_id.data) if form.theme_id.data else None
            try:
                scheme = services.create_scheme(
                    theme=theme, values=_checked_period(form), mentor_city_ids=ids(form.mentor_cities.data),
                    implementing_city_ids=ids(form.implementing_cities.data), actor=current_user)
            except DomainError as exc:
                db.session.rollback()
                apply_errors(form, exc)
            else:
                db.session.commit()
                flash(_("Scheme created: %(name)s. Now pair the cities.", name=scheme.name), "success")
                return redirect(url_for("mentoring.show_scheme", scheme_id=scheme.id))
        fix_date_messages(form)
        status = 400
    return render_template("mentoring/scheme_form.html", form=form, scheme=None), status


def _checked_period(form: SchemeForm) -> dict:
    values = form.values()
    missing = {k: _("Give a date.") for k in ("starts_on", "ends_on") if values[k] is None}
    if missing:
        raise FieldErrors(missing)
    return values


@bp.get("/schemes/<int:scheme_id>")
@login_required
def show_scheme(scheme_id: int):
    perm.require(perm.can_manage_mentoring(current_user))
    scheme = db.get_or_404(MentoringScheme, scheme_id)
    return render_template("mentoring/scheme.html", scheme=scheme, states=STATES)


@bp.route("/schemes/<int:scheme_id>/edit", methods=["GET", "POST"])
@login_required
def edit_scheme(scheme_id: int):
    perm.require(perm.can_manage_mentoring(current_user))
    scheme = db.get_or_404(MentoringScheme, scheme_id)
    form = SchemeForm(obj=scheme if request.method == "GET" else None)
    _scheme_form(form, creating=False)
    status = 200
    if request.method == "GET":
        form.mentor_cities.data = [c.id for c in scheme.mentor_cities]
        form.implementing_cities.data = [c.id for c in scheme.implementing_cities]
    elif form.validate_on_submit():
        try:
            changes = services.update_scheme(
                scheme, values=_checked_period(form), mentor_city_ids=ids(form.mentor_cities.data),
                implementing_city_ids=ids(form.implementing_cities.data), actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            apply_errors(form, exc)
            status = 400
        else:
            db.session.commit()
            flash(_("Scheme saved.") if changes else _("Nothing had changed."), "success")
            return redirect(url_for("mentoring.show_scheme", scheme_id=scheme.id))
    else:
        fix_date_messages(form)
        status = 400
    return render_template("mentoring/scheme_form.html", form=form, scheme=scheme), status


# --- mentorships ------------------------------------------------------------------------------------

def _people_choices(form: MentorshipForm, scheme: MentoringScheme, implementing: list[City]) -> None:
    mentor_cities = scheme.mentor_cities
    form.mentor_cities.choices = [(c.id, c.label) for c in mentor_cities]
    city_ids = [c.id for c in mentor_cities + implementing]
    people = db.session.scalars(select(User).where(
        User.city_id.in_(city_ids), User.active.is_(True), User.erased_at.is_(None))
        .options(selectinload(User.city)).order_by(User.name)).all() if city_ids else []
    mentor_ids = {c.id for c in mentor_cities}
    form.mentors.choices = [(u.id, f"{u.name} ({u.city.name})") for u in people if u.city_id in mentor_ids]
    form.mentees.choices = [(u.id, f"{u.name} ({u.city.name})") for u in people if u.city_id not in mentor_ids]


def _people(form: MentorshipForm) -> services.People:
    return services.People(mentor_city_ids=ids(form.mentor_cities.data), mentor_ids=ids(form.mentors.data),
                           mentee_ids=ids(form.mentees.data))


@bp.route("/schemes/<int:scheme_id>/mentorships/new", methods=["GET", "POST"])
@login_required
def create_mentorship(scheme_id: int):
    perm.require(perm.can_manage_mentoring(current_user))
    scheme = db.get_or_404(MentoringScheme, scheme_id)
    form = MentorshipForm()
    form.implementing_city_id.choices = [(c.id, c.label) for c in scheme.implementing_cities]
    _people_choices(form, scheme, scheme.implementing_cities)
    status = 200
    if form.validate_on_submit():
        try:
            m = services.create_mentorship(scheme, implementing_city_id=form.implementing_city_id.data or 0,
                                           people=_people(form), actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            apply_errors(form, exc)
            status = 400
        else:
            db.session.commit()
            flash(_("Mentorship proposed: %(title)s.", title=m.title), "success")
            return redirect(url_for("mentoring.show", mentorship_id=m.id))
    elif request.method == "POST":
        status = 400
    return render_template("mentoring/mentorship_form.html", form=form, scheme=scheme, mentorship=None), status


@bp.get("/<int:mentorship_id>")
@login_required
def show(mentorship_id: int):
    # everything the page shows, loaded with the mentorship: one query per list, its own short
    # lists joined in (loading the lists by queries of their own left the mentorship's
    # collections unloaded, so each was loaded a second time, a visit's participants per visit)
    m = load_mentorship(
        mentorship_id,
        selectinload(Mentorship.needs).options(
            joinedload(NeedsAssessment.entries),
            joinedload(NeedsAssessment.source_review).joinedload(Review.host_city)),
        selectinload(Mentorship.progress_reviews).options(
            joinedload(ProgressReview.ratings), joinedload(ProgressReview.created_by)),
        selectinload(Mentorship.visits).joinedload(MentoringVisit.participants),
        selectinload(Mentorship.actions),
        selectinload(Mentorship.events).joinedload(MentorshipEvent.actor),
    )
    today = date.today()
    rows = activity.movement(m)
    overdue, at_risk = activity.actions_needing_attention(m, today)
    last = dashboard.last_activity([m.id], today).get(m.id)
    silent = m.is_open and (today - (last or m.proposed_on)).days >= dashboard.SILENCE_DAYS
    return render_template(
        "mentoring/show.html", m=m, rows=rows, chart=chart, net=activity.net_change(rows),
        overdue=overdue, at_risk=at_risk, today=today, last_activity=last, silent=silent,
        silence_days=dashboard.SILENCE_DAYS, codes={kf.id: kf.code for kf in m.benchmark.key_factors},
        steps=services.available(m) if perm.can_change_mentorship(
            current_user, m) else [], step_form=StepForm(), states=STATES, rating_label=rating_label)


@bp.route("/<int:mentorship_id>/people", methods=["GET", "POST"])
@login_required
def people(mentorship_id: int):
    m = load_mentorship(mentorship_id)
    perm.require(perm.can_change_mentorship(current_user, m))
    if not m.is_open:
        perm.refuse(_("The mentorship is %(state_label)s; its people no longer change.", state_label=m.state_label.lower()))
        return redirect(url_for("mentoring.show", mentorship_id=m.id))
    form = MentorshipForm()
    form.implementing_city_id.choices = [(m.implementing_city_id, m.implementing_city.label)]
    _people_choices(form, m.scheme, [m.implementing_city])
    status = 200
    if request.method == "GET":
        form.mentor_cities.data = [c.id for c in m.mentor_cities]
        form.mentors.data = [u.id for u in m.mentors]
        form.mentees.data = [u.id for u in m.mentees]
    elif form.validate_on_submit():
        try:
            changes = services.set_people(m, people=_people(form), actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            apply_errors(form, exc)
            status = 400
        else:
            db.session.commit()
            flash(_("People saved.") if changes else _("Nothing had changed."), "success")
            return redirect(url_for("mentoring.show", mentorship_id=m.id))
    else:
        status = 400
    return render_template("mentoring/mentorship_form.html", form=form, scheme=m.scheme, mentorship=m), status


@bp.post("/<int:mentorship_id>/step/<name>")
@login_required
def step(mentorship_id: int, name: str):
    m = load_mentorship(mentorship_id)
    perm.require(perm.can_change_mentorship(current_user, m))
    form = StepForm()
    if not form.validate_on_submit():
        flash(_("The date could not be read. Give it as year-month-day, for example 2026-09-30."), "error")
        return redirect(url_for("mentoring.show", mentorship_id=m.id))
    try:
        services.transition(m, name, on=form.on.data, reason=form.reason.data or "", actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("The mentorship is now %(state_label)s.", state_label=m.state_label.lower()), "success")
    return redirect(url_for("mentoring.show", mentorship_id=m.id))


from peerreview.mentoring import activity_views, plan_views  # noqa: E402,F401 - their routes join bp
from peerreview.mentoring import ical as _ical  # noqa: E402 - mentoring visits in personal feeds

_ical.register()
