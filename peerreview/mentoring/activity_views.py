"""The needs assessment, visits, progress reviews and the progress report PDF (blueprint in views.py)."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from peerreview import formatting
from peerreview import permissions as perm
from peerreview.domain import Conflict, DomainError
from peerreview.downloads import send_download
from peerreview.extensions import db
from peerreview.framework.constants import RATING_CHOICES, rating_label
from peerreview.framework.models import KeyFactor
from peerreview.i18n import gettext as _
from peerreview.loading import child_or_404
from peerreview.mentoring import activity, baseline, pdf, services
from peerreview.mentoring.forms import (
    NeedsForm,
    ProgressForm,
    VisitForm,
    fix_date_messages,
    version_of,
)
from peerreview.mentoring.models import VISIT_KINDS, MentoringVisit, Mentorship, NeedsAssessment
from peerreview.mentoring.views import apply_errors, bp, commit_or_conflict, ids, load_mentorship


def _visit_form(m: Mentorship) -> VisitForm:
    form = VisitForm()
    form.participants.choices = [(p.user_id, f"{p.user.display_name} ({'mentor' if p.role == 'mentor' else 'mentee'}, "
                                  f"{p.user.city.name if p.user.city else '—'})") for p in m.people]
    return form


def _visit_input(form: VisitForm) -> activity.VisitInput:
    return activity.VisitInput(
        kind=form.kind.data or "", starts_on=form.starts_on.data, ends_on=form.ends_on.data,
        location=form.location.data or "", participant_ids=ids(form.participants.data),
        other_participants=form.other_participants.data or "", agenda=form.agenda.data or "",
        notes=form.notes.data or "", agreed=form.agreed.data or "")


@bp.route("/<int:mentorship_id>/visits/new", methods=["GET", "POST"])
@login_required
def new_visit(mentorship_id: int):
    m = load_mentorship(mentorship_id)
    perm.require(perm.can_record_visit(current_user, m))
    form = _visit_form(m)
    status = 200
    if request.method == "GET":
        form.participants.data = [p.user_id for p in m.people]
    elif form.validate_on_submit():
        try:
            visit = activity.add_visit(m, _visit_input(form), actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            apply_errors(form, exc)
            status = 400
        else:
            db.session.commit()
            flash(_("%(kind_label)s recorded. It appears in the calendar feeds of its participants.", kind_label=visit.kind_label), "success")
            return redirect(url_for("mentoring.show", mentorship_id=m.id) + f"#visit-{visit.id}")
    else:
        fix_date_messages(form)
        status = 400
    return render_template("mentoring/visit_form.html", m=m, form=form, visit=None, conflict=None,
                           kinds=VISIT_KINDS), status


@bp.route("/<int:mentorship_id>/visits/<int:visit_id>/edit", methods=["GET", "POST"])
@login_required
def edit_visit(mentorship_id: int, visit_id: int):
    m = load_mentorship(mentorship_id)
    visit = child_or_404(MentoringVisit, visit_id, m, via="mentorship_id")
    perm.require(perm.can_record_visit(current_user, m))
    form = _visit_form(m)
    conflict, status = None, 200
    if request.method == "GET":
        form.fill(visit)
    elif form.validate_on_submit():
        try:
            changes = activity.update_visit(visit, _visit_input(form), version=version_of(form),
                                            actor=current_user)
            if not commit_or_conflict():
                raise Conflict(_("Someone else saved this visit at the same moment. Nothing of yours "
                               "was saved: compare, then save again."))
        except Conflict as exc:
            db.session.rollback()
            conflict, status = exc, 409
            visit = db.session.get(MentoringVisit, visit_id)
            db.session.refresh(visit)
            form.version.data = str(visit.version)
        except DomainError as exc:
            db.session.rollback()
            apply_errors(form, exc)
            status = 400
        else:
            flash(_("Visit saved.") if changes else _("Nothing had changed."), "success")
            return redirect(url_for("mentoring.show", mentorship_id=m.id) + f"#visit-{visit.id}")
    else:
        fix_date_messages(form)
        status = 400
    return render_template("mentoring/visit_form.html", m=m, form=form, visit=visit, conflict=conflict,
                           kinds=VISIT_KINDS), status


@bp.route("/<int:mentorship_id>/progress/new", methods=["GET", "POST"])
@login_required
def new_progress(mentorship_id: int):
    m = load_mentorship(mentorship_id)
    perm.require(perm.can_record_progress(current_user, m))
    form = ProgressForm()
    given, errors, status = {}, {}, 200
    latest = {r.key_factor.id: r for r in activity.movement(m)}
    if request.method == "GET":
        form.held_on.data = date.today()
        form.next_review_on.data = m.next_review_on if m.next_review_on and m.next_review_on > date.today() else None
    else:
        inputs = [activity.RatingInput(kf.id, request.form.get(f"rating_{kf.id}"),
                                       request.form.get(f"note_{kf.id}", ""))
                  for kf in m.benchmark.key_factors]
        given = {i.key_factor_id: i for i in inputs}
        if form.validate_on_submit():
            try:
                review = activity.record_progress(m, held_on=form.held_on.data, ratings=inputs,
                                                  summary=form.summary.data or "",
                                                  next_review_on=form.next_review_on.data, actor=current_user)
            except DomainError as exc:
                db.session.rollback()
                errors = apply_errors(form, exc)
            else:
                db.session.commit()
                flash(_("Progress review of %(held_on)s recorded.", held_on=formatting.day(review.held_on)), "success")
                return redirect(url_for("mentoring.show", mentorship_id=m.id) + "#movement")
        fix_date_messages(form)
        status = 400
    return render_template("mentoring/progress_form.html", m=m, form=form, given=given, errors=errors,
                           latest=latest, ratings=RATING_CHOICES, rating_label=rating_label), status


@bp.get("/<int:mentorship_id>/progress-report.pdf")
@login_required
def report_pdf(mentorship_id: int):
    """The progress report as PDF: at once if this text was rendered already; otherwise a
    background job renders it and a page says so until it is ready (202)."""
    from peerreview.database import write_intent
    from peerreview.jobs import worker
    from peerreview.jobs.views import status as job_status
    from peerreview.reports import rendering

    m = load_mentorship(mentorship_id)
    today = date.today()
    html = pdf.render_html(m, today=today)
    data = rendering.ready_document("progress", m.id, html)
    if data is not None:
        return send_download(data, pdf.filename(m, today), "application/pdf")
    subject = m.title
    db.session.rollback()
    with write_intent():
        job, queued = rendering.request_document("progress", mentorship_id, html, current_user)
        db.session.commit()
    if queued:
        worker.dispatch(job.id)
    return render_template("jobs/pending.html", job=job, status=job_status(job),
                           heading=_("Progress report as PDF"), subject=subject,
                           back=url_for("mentoring.show", mentorship_id=mentorship_id)), 202


# --- needs assessment --------------------------------------------------------------------------------

def _needs_inputs(m: Mentorship) -> list[services.NeedsInput]:
    return [services.NeedsInput(key_factor_id=kf.id, rating=request.form.get(f"rating_{kf.id}"),
                                narrative=request.form.get(f"narrative_{kf.id}", ""),
                                gap=request.form.get(f"gap_{kf.id}", ""))
            for kf in m.benchmark.key_factors]


@bp.route("/<int:mentorship_id>/needs", methods=["GET", "POST"])
@login_required
def needs(mentorship_id: int):
    m = load_mentorship(mentorship_id)
    editable = perm.can_edit_needs(current_user, m)
    if request.method == "POST":
        perm.require(editable)
    saved = m.needs
    form = NeedsForm()
    given, errors, conflict, status = {}, {}, None, 200
    if request.method == "GET" and saved is not None:
        form.goals.data, form.assessed_on.data = saved.goals, saved.assessed_on
        form.version.data = str(saved.version)
    elif request.method == "POST":
        inputs = _needs_inputs(m)
        given = {i.key_factor_id: i for i in inputs}
        if form.validate_on_submit():
            try:
                from_review = request.form.get("from_review", type=int)
                changes = services.save_needs(m, entries=inputs, goals=form.goals.data or "",
                                              assessed_on=form.assessed_on.data,
                                              version=version_of(form), actor=current_user,
                                              source_review_id=from_review)
                if not commit_or_conflict():
                    raise Conflict(_("Someone else saved the needs assessment at the same moment. "
                                   "Nothing of yours was saved: compare, then save again."))
            except Conflict as exc:
                db.session.rollback()
                conflict, status = exc, 409
                saved = db.session.scalar(select(NeedsAssessment).where(NeedsAssessment.mentorship_id == m.id))
                form.version.data = str(saved.version) if saved else ""
            except DomainError as exc:
                db.session.rollback()
                errors = apply_errors(form, exc)
                status = 400
            else:
                flash(_("Needs assessment saved.") if changes else _("Nothing had changed."), "success")
                return redirect(url_for("mentoring.show", mentorship_id=m.id) + "#movement")
        else:
            fix_date_messages(form)
            status = 400
    key_factors = db.session.scalars(select(KeyFactor).where(KeyFactor.benchmark_id == m.scheme.benchmark_id)
                                     .options(selectinload(KeyFactor.guide_questions))
                                     .order_by(KeyFactor.position)).all()
    # the review the baseline came from, or (nothing saved yet) the one it can start from
    source = (baseline.review_source(m, saved.source_review_id) if saved is not None and saved.source_review_id
              else baseline.review_source(m) if saved is None else None)
    if source is not None and saved is None and request.method == "GET" and not form.assessed_on.data:
        form.assessed_on.data = min(source.issued_on or date.today(), date.today())
    return render_template(
        "mentoring/needs.html", m=m, form=form, saved=saved, key_factors=key_factors, given=given,
        errors=errors, conflict=conflict, editable=editable, ratings=RATING_CHOICES,
        rating_label=rating_label, source=source,
        can_see_source=bool(source) and perm.can_view_report(current_user, source.review)), status
