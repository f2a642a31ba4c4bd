from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from peerreview import permissions as perm
from peerreview.auth.models import User
from peerreview.auth.views import form_error
from peerreview.domain import DomainError
from peerreview.extensions import db
from peerreview.files.services import ACCEPT_ATTR, send_stored
from peerreview.i18n import gettext as _
from peerreview.i18n import translated
from peerreview.loading import child_or_404
from peerreview.reviews import queries, services, workflow
from peerreview.reviews.forms import (
    AcceptForm,
    DocumentForm,
    ReasonForm,
    RequestForm,
    ScheduleForm,
    TeamAddForm,
)
from peerreview.reviews.models import Review, ReviewDocument, TeamMember

bp = Blueprint("reviews", __name__, url_prefix="/reviews")


def load_review(review_id: int, *more) -> Review:
    """The review, or 404; 403 unless the user may see it. Its host city, benchmark and theme
    (every review page names them: its title is "City: Theme") come in the same query, and its
    team with their accounts in one more (the access rules read the seats, and the pages name
    the people). ``more``: loader options for what one page shows besides."""
    from peerreview.framework.models import Benchmark

    review = db.session.scalars(select(Review).where(Review.id == review_id).options(
        joinedload(Review.host_city), joinedload(Review.benchmark).joinedload(Benchmark.theme),
        selectinload(Review.team).joinedload(TeamMember.user), *more)).one_or_none()
    if review is None:
        abort(404)
    perm.require(perm.can_view_review(current_user, review))
    return review


def _themes():
    from peerreview.framework.models import Benchmark, Theme

    published = select(Benchmark.theme_id).where(Benchmark.status == "published")
    return db.session.scalars(select(Theme).where(Theme.id.in_(published)).order_by(Theme.name)).all()


LIST_PAGE = 50
OVERDUE_SHOWN = 10      # the most overdue first; the rest one click away


@bp.get("/")
@login_required
def index():
    perm.require(perm.can_list_reviews(current_user))
    today = date.today()
    order = workflow.MAIN_PATH + ("declined", "cancelled")
    counts = queries.state_counts(current_user)
    everything = sum(counts.values())
    state = request.args.get("state", "")
    if state not in counts:
        state = ""
    total = counts[state] if state else everything
    pages = max(1, -(-total // LIST_PAGE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    rows = queries.list_rows(current_user, (state,) if state else order,
                             offset=(page - 1) * LIST_PAGE, limit=LIST_PAGE)
    overdue = queries.overdue(queries.overdue_candidates(current_user, today), today)
    all_overdue = request.args.get("overdue") == "all"
    return render_template(
        "reviews/index.html", everything=everything, rows=rows, counts=counts,
        upcoming=queries.upcoming(current_user, today),
        overdue=overdue if all_overdue else overdue[:OVERDUE_SHOWN], overdue_total=len(overdue),
        labels=translated(workflow.STATE_LABELS), order=order, today=today, state=state, page=page,
        pages=pages, total=total, next_step=next_step)


def next_step(review: Review, user) -> str:
    """What the user should do next for this review, in a few words."""
    user = getattr(user, "_get_current_object", lambda: user)()   # not through the proxy, per row
    for t, missing in workflow.available_steps(review, user):
        if t.name != "cancel":
            return str(t.label) if not missing else _("%(step)s (needs: %(missing)s)", step=t.label,
                                                     missing=missing[0])
    if perm.can_edit_self_assessment(user, review):
        return _("Complete the self-assessment")
    return ""


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    perm.require(perm.can_request_review(current_user))
    form = RequestForm()
    themes = _themes()
    form.theme_id.choices = [(t.id, t.name) for t in themes]
    if not themes:
        flash(_("There is no published benchmark yet, so no review can be requested. "
              "Ask the secretariat to publish one."), "warning")
    if form.validate_on_submit():
        theme = next((t for t in themes if t.id == form.theme_id.data), None)
        if theme is None:
            form.theme_id.errors = [_("Choose a theme from the list.")]
        else:
            try:
                review = services.create_request(city=current_user.city, theme=theme,
                                                 values=form.values(), actor=current_user)
            except DomainError as exc:
                db.session.rollback()
                form_error(form, exc)
            else:
                db.session.commit()
                flash(_("Your request is saved as a draft. Check it, add documents, then send it."), "success")
                return redirect(url_for("reviews.show", review_id=review.id))
    return render_template("reviews/request_form.html", form=form, review=None)


@bp.route("/<int:review_id>/edit", methods=["GET", "POST"])
@login_required
def edit(review_id: int):
    review = load_review(review_id)
    perm.require(perm.can_edit_request(current_user, review))
    form = RequestForm(obj=review)
    form.theme_id.choices = [(review.benchmark.theme_id, review.benchmark.theme.name)]
    if request.method == "GET":
        form.theme_id.data = review.benchmark.theme_id
        for i, q in enumerate(review.host_questions[:3], start=1):
            getattr(form, f"question_{i}").data = q
    if form.validate_on_submit():
        try:
            services.update_request(review, form.values(), actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("reviews.show", review_id=review.id))
    return render_template("reviews/request_form.html", form=form, review=review)


@bp.get("/<int:review_id>")
@login_required
def show(review_id: int):
    # besides what every review page loads: the self-assessment joined in, the team's cities
    # joined into the team's query, and each list one query
    review = load_review(
        review_id, joinedload(Review.self_assessment),
        selectinload(Review.team).joinedload(TeamMember.user).joinedload(User.city),
        selectinload(Review.events), selectinload(Review.documents), selectinload(Review.sessions))
    return render_template(
        "reviews/show.html", review=review, labels=workflow.STATE_LABELS,
        path=workflow.MAIN_PATH, actions=workflow.available(review, current_user),
        early=workflow.early_notices(review, current_user),
        reason_form=ReasonForm(), doc_form=DocumentForm(), accept_attr=ACCEPT_ATTR,
        deadlines=queries.deadlines(review), today=date.today())


@bp.route("/<int:review_id>/accept", methods=["GET", "POST"])
@login_required
def accept(review_id: int):
    review = load_review(review_id)
    perm.require(perm.is_coordinator(current_user))
    if review.state != "requested":
        flash(_("This review is %(state)s; only a requested "
              "review can be accepted.", state=workflow.STATE_LABELS[review.state].lower()), "error")
        return redirect(url_for("reviews.show", review_id=review.id))
    form = AcceptForm()
    if request.method == "GET" and review.preferred_start:
        form.visit_start.data = review.preferred_start
    if form.validate_on_submit():
        try:
            services.accept(review, visit_start=form.visit_start.data, visit_end=form.visit_end.data,
                            self_assessment_due=form.self_assessment_due.data,
                            programme_due=form.programme_due.data, report_due=form.report_due.data,
                            team_min=form.team_min.data, team_max=form.team_max.data,
                            actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("The request is accepted; the host city has been told."), "success")
            return redirect(url_for("reviews.show", review_id=review.id))
    return render_template("reviews/accept.html", form=form, review=review)


@bp.route("/<int:review_id>/schedule", methods=["GET", "POST"])
@login_required
def schedule(review_id: int):
    review = load_review(review_id)
    perm.require(perm.is_coordinator(current_user))
    form = ScheduleForm(obj=review)
    if form.validate_on_submit():
        values = {k: getattr(form, k).data for k in
                  ("visit_start", "visit_end", "self_assessment_due", "programme_due", "report_due")}
        try:
            services.reschedule(review, values, actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("Dates saved."), "success")
            return redirect(url_for("reviews.show", review_id=review.id))
    return render_template("reviews/schedule.html", form=form, review=review)


@bp.post("/<int:review_id>/step/<name>")
@login_required
def step(review_id: int, name: str):
    review = load_review(review_id)
    form = ReasonForm()
    if name not in workflow.MANUAL:
        abort(404)
    if form.validate_on_submit():
        try:
            workflow.transition(review, name, current_user, reason=form.reason.data or "")
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("Done: the review is now %(state)s.", state=workflow.STATE_LABELS[review.state].lower()), "success")
    else:
        flash(_("The reason is too long (2,000 characters at most)."), "error")
    return redirect(url_for("reviews.show", review_id=review.id))


# --- documents ---------------------------------------------------------------------------

@bp.post("/<int:review_id>/documents")
@login_required
def add_document(review_id: int):
    review = load_review(review_id)
    perm.require(perm.can_add_document(current_user, review))
    form = DocumentForm()
    if form.validate_on_submit():
        try:
            services.add_document(review, title=form.title.data, url=form.url.data,
                                  upload=form.file.data or None, actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("Document added."), "success")
    else:
        for errors in form.errors.values():
            flash(" ".join(errors), "error")
    return redirect(url_for("reviews.show", review_id=review.id) + "#documents")


@bp.get("/<int:review_id>/documents/<int:doc_id>")
@login_required
def document(review_id: int, doc_id: int):
    review = load_review(review_id)
    doc = child_or_404(ReviewDocument, doc_id, review)
    if doc.file is None:  # a link, not a file
        abort(404)
    return send_stored(doc.file, doc.filename)


@bp.post("/<int:review_id>/documents/<int:doc_id>/delete")
@login_required
def delete_document(review_id: int, doc_id: int):
    review = load_review(review_id)
    doc = child_or_404(ReviewDocument, doc_id, review)
    perm.require(perm.can_add_document(current_user, review))
    services.remove_document(doc, actor=current_user)
    db.session.commit()
    flash(_("Document removed."), "success")
    return redirect(url_for("reviews.show", review_id=review.id) + "#documents")


# --- team (manual; the matcher builds on it) -------------------------------------------------

@bp.route("/<int:review_id>/team", methods=["GET", "POST"])
@login_required
def team(review_id: int):
    review = load_review(review_id)
    perm.require(perm.can_manage_team(current_user, review))
    if request.method == "GET" and "matching.team" in current_app.view_functions:
        # the matcher's team page replaces this one (adding by hand is there too)
        return redirect(url_for("matching.team", review_id=review.id))
    form = TeamAddForm()
    on_team = {s.user_id for s in review.team}
    candidates = db.session.scalars(
        select(User).options(selectinload(User.city)).where(
            User.active.is_(True), User.city_id.is_not(None),
            User.city_id != review.host_city_id).order_by(User.name)).all()
    form.user_id.choices = [(u.id, f"{u.name} ({u.city.label})") for u in candidates
                            if u.id not in on_team]
    if form.validate_on_submit():
        user = db.session.get(User, form.user_id.data)
        if user is None:
            form.user_id.errors = [_("Choose a person from the list.")]
        else:
            try:
                services.add_member(review, user, role=form.role.data, status="accepted"
                                    if request.form.get("confirmed") else "invited", actor=current_user)
                services.team_event(review, current_user, f"{user.name} added to the team by hand")
            except DomainError as exc:
                db.session.rollback()
                form_error(form, exc)
            else:
                db.session.commit()
                flash(_("%(name)s added to the team.", name=user.name), "success")
                return redirect(url_for("reviews.team", review_id=review.id))
    return render_template("reviews/team.html", review=review, form=form, labels=workflow.STATE_LABELS)


@bp.post("/<int:review_id>/team/<int:seat_id>/<action>")
@login_required
def seat_action(review_id: int, seat_id: int, action: str):
    review = load_review(review_id)
    seat = child_or_404(TeamMember, seat_id, review)
    if action not in ("lead", "rapporteur", "peer", "expert", "remove", "accept", "decline"):
        abort(404)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    if action in ("accept", "decline"):
        # the peer answers for their own invitation; the coordinator may record an answer
        perm.require(perm.can_answer_seat(current_user, seat, action))
    else:
        perm.require(perm.can_manage_team(current_user, review))
    own = seat.user_id == current_user.id
    name = seat.user.display_name
    try:
        if action in ("accept", "decline"):
            services.set_seat_status(seat, {"accept": "accepted", "decline": "declined"}[action],
                                     actor=current_user, reason=form.reason.data or "")
        else:
            if action == "remove":
                services.remove_member(seat, actor=current_user)
            else:
                services.set_seat_role(seat, action, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_seat_message(action, own, name, review), "success")
    if perm.can_manage_team(current_user, review):
        return redirect(url_for(_team_endpoint(), review_id=review.id) + "#team")
    if perm.can_view_review(current_user, review):
        return redirect(url_for("reviews.show", review_id=review.id) + "#team-h")
    # a peer who declined no longer sees the review: their own tasks, a page they may use
    return redirect(url_for("deadlines.tasks") if "deadlines.tasks" in current_app.view_functions
                    else url_for("main.index"))


def _team_endpoint() -> str:
    return "matching.team" if "matching.team" in current_app.view_functions else "reviews.team"


def _seat_message(action: str, own: bool, name: str, review) -> str:
    if action == "accept":
        return (_("You are on the team for %(title)s. The review page is yours to prepare the visit.",
                  title=review.title)
                if own else _("%(name)s's acceptance is recorded.", name=name))
    if action == "decline":
        return (_("The secretariat now knows that you cannot take part in %(title)s, and will "
                  "invite someone else. Thank you for saying so.", title=review.title) if own
                else _("%(name)s cannot take part; the team page proposes a replacement.", name=name))
    if action == "remove":
        return _("%(name)s is off the team; the team page proposes a replacement.", name=name)
    if action == "lead":
        return _("%(name)s now leads the team.", name=name)
    if action == "rapporteur":
        return _("%(name)s is now the rapporteur.", name=name)
    return _("%(name)s's role is saved.", name=name)
