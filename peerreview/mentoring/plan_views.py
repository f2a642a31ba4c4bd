"""The action plan pages: actions, their updates, versions and endorsements (blueprint in views.py)."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from peerreview import permissions as perm
from peerreview.domain import Conflict, DomainError
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.loading import child_or_404
from peerreview.mentoring import plan, proposals
from peerreview.mentoring.forms import (
    ActionForm,
    DecisionForm,
    EndorseForm,
    UpdateForm,
    VersionForm,
    fix_date_messages,
    version_of,
)
from peerreview.mentoring.models import Mentorship
from peerreview.mentoring.plan_models import (
    ACTION_STATUSES,
    ActionUpdate,
    MentoringAction,
    PlanVersion,
)
from peerreview.mentoring.views import apply_errors, bp, commit_or_conflict, load_mentorship


def _action(m: Mentorship, action_id: int) -> MentoringAction:
    return child_or_404(MentoringAction, action_id, m, via="mentorship_id")


def _input(form: ActionForm) -> plan.ActionInput:
    return plan.ActionInput(
        key_factor_id=form.key_factor_id.data, description=form.description.data or "",
        owner=form.owner.data or "", deadline=form.deadline.data, resources=form.resources.data or "",
        indicator=form.indicator.data or "", source=form.source.data or "",
        recommendation_id=form.recommendation())


def _setup(form: ActionForm, m: Mentorship) -> None:
    form.key_factor_id.choices = [(0, _("Choose a key factor"))] + [
        (kf.id, f"{kf.code} {kf.title}") for kf in m.benchmark.key_factors]


def _recommendation_for(form: ActionForm, recs: list):
    rid = form.recommendation()
    return next((r for r in recs if r.id == rid), None)


def _groups(recs: list) -> list[tuple]:
    """[(review, [recommendations])], in the order given."""
    out: list[tuple] = []
    for r in recs:
        review = r.report.review
        if not out or out[-1][0].id != review.id:
            out.append((review, []))
        out[-1][1].append(r)
    return out


def _form_page(m, form, *, action, recs, used, conflict=None, proposing=False, status=200):
    return render_template("mentoring/action_form.html", m=m, form=form, action=action, recs=recs,
                           groups=_groups(recs), used=used, chosen=_recommendation_for(form, recs),
                           code=plan.recommendation_code, same_theme=lambda r: plan.same_theme(m, r),
                           review_label=plan.review_label, conflict=conflict,
                           proposing=proposing), status


def _prefill(form: ActionForm, m: Mentorship, recs: list) -> None:
    rec_id = request.args.get("recommendation", type=int)
    if request.method != "GET" or not rec_id:
        return
    rec = next((r for r in recs if r.id == rec_id), None)
    if rec is None:
        abort(404)
    prefill = plan.from_recommendation(m, rec)
    for name in ("key_factor_id", "description", "owner", "deadline"):
        getattr(form, name).data = getattr(prefill, name)
    form.recommendation_id.data = str(rec.id)


@bp.get("/<int:mentorship_id>/plan")
@login_required
def plan_page(mentorship_id: int):
    # the actions with the mentorship (the plan's snapshot reads them there too); their key
    # factors are the benchmark's, which the mentorship loads: found there, not asked again
    m = load_mentorship(mentorship_id, selectinload(Mentorship.actions).options(
        selectinload(MentoringAction.updates).joinedload(ActionUpdate.author),
        selectinload(MentoringAction.proposed_by),
        *plan.recommendation_options(),
    ))
    actions = list(m.actions)
    versions = db.session.scalars(select(PlanVersion).where(PlanVersion.mentorship_id == m.id).options(
        selectinload(PlanVersion.endorsements), selectinload(PlanVersion.created_by))
        .order_by(PlanVersion.number)).all()
    today = date.today()
    counts = {k: sum(1 for a in actions if a.status == k) for k in ACTION_STATUSES}
    return render_template(
        "mentoring/plan.html", m=m, actions=actions, versions=versions, today=today, counts=counts,
        statuses=ACTION_STATUSES, version_form=VersionForm(), endorse_form=EndorseForm(),
        editable=perm.can_edit_action_plan(current_user, m),
        can_endorse=perm.can_endorse_plan(current_user, m), source_text=plan.source_text,
        can_propose=perm.can_propose_action(current_user, m),
        changed_since=bool(versions) and versions[-1].snapshot != plan.snapshot(m))


@bp.route("/<int:mentorship_id>/actions/new", methods=["GET", "POST"])
@login_required
def new_action(mentorship_id: int):
    m = load_mentorship(mentorship_id)
    perm.require(perm.can_edit_action_plan(current_user, m))
    return _new_action(m, proposing=False)


@bp.route("/<int:mentorship_id>/actions/propose", methods=["GET", "POST"])
@login_required
def propose_action(mentorship_id: int):
    m = load_mentorship(mentorship_id)
    perm.require(perm.can_propose_action(current_user, m))
    return _new_action(m, proposing=True)


def _new_action(m: Mentorship, *, proposing: bool):
    form = ActionForm()
    _setup(form, m)
    recs = plan.recommendations(m)
    status = 200
    _prefill(form, m, recs)
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                if proposing:
                    action = proposals.propose(m, _input(form), actor=current_user)
                else:
                    action = plan.add_action(m, _input(form), actor=current_user)
            except DomainError as exc:
                db.session.rollback()
                apply_errors(form, exc)
            else:
                db.session.commit()
                if proposing:
                    flash(_("Action %(code)s is proposed to %(name)s; its "
                          "mentees have been told and accept or decline it.", code=action.code, name=m.implementing_city.name), "success")
                else:
                    flash(_("Action %(code)s added to the plan.", code=action.code), "success")
                return redirect(url_for("mentoring.plan_page", mentorship_id=m.id) + f"#action-{action.id}")
        fix_date_messages(form)
        status = 400
    used = {a.recommendation_id for a in m.actions if a.recommendation_id and a.status != "dropped"}
    return _form_page(m, form, action=None, recs=recs, used=used, proposing=proposing, status=status)


@bp.get("/<int:mentorship_id>/actions/<int:action_id>")
@login_required
def action_page(mentorship_id: int, action_id: int):
    m = load_mentorship(mentorship_id)
    action = _action(m, action_id)
    return _action_page(m, action, UpdateForm())


def _action_page(m, action, form, status=200, decision_form=None):
    review = action.recommendation.report.review if action.recommendation else None
    return render_template(
        "mentoring/action.html", m=m, action=action, form=form, today=date.today(),
        editable=perm.can_edit_action_plan(current_user, m), statuses=ACTION_STATUSES,
        source_text=plan.source_text, code=plan.recommendation_code,
        decision_form=decision_form or DecisionForm(),
        can_see_review=perm.can_view_review(current_user, review) if review else False,
        can_see_follow_up=perm.can_view_follow_up(current_user, review) if review else False), status


@bp.post("/<int:mentorship_id>/actions/<int:action_id>/decision")
@login_required
def decide_proposal(mentorship_id: int, action_id: int):
    m = load_mentorship(mentorship_id)
    perm.require(perm.can_edit_action_plan(current_user, m))
    action = _action(m, action_id)
    form = DecisionForm()
    if form.validate_on_submit():
        accept = form.decision.data == "accept"
        try:
            proposals.decide(action, accept=accept, reason=form.reason.data or "", actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            action = _action(m, action_id)
            apply_errors(form, exc)
        else:
            db.session.commit()
            flash(f"{action.code} is now part of the plan." if accept
                  else f"{action.code} is declined; the mentors have been told why.", "success")
            return redirect(url_for("mentoring.action_page", mentorship_id=m.id, action_id=action.id))
    return _action_page(m, action, UpdateForm(formdata=None), status=400, decision_form=form)


@bp.route("/<int:mentorship_id>/actions/<int:action_id>/edit", methods=["GET", "POST"])
@login_required
def edit_action(mentorship_id: int, action_id: int):
    m = load_mentorship(mentorship_id)
    perm.require(perm.can_edit_action_plan(current_user, m))
    action = _action(m, action_id)
    form = ActionForm()
    _setup(form, m)
    recs = plan.recommendations(m)
    conflict, status = None, 200
    if request.method == "GET":
        form.fill(action)
    elif form.validate_on_submit():
        try:
            changes = plan.update_action(action, _input(form), version=version_of(form), actor=current_user)
            if not commit_or_conflict():
                raise Conflict(_("Someone else saved this action at the same moment. Nothing of "
                               "yours was saved: compare, then save again."))
        except Conflict as exc:
            db.session.rollback()
            conflict, status = exc, 409
            action = _action(m, action_id)
            db.session.refresh(action)
            form.version.data = str(action.version)
        except DomainError as exc:
            db.session.rollback()
            apply_errors(form, exc)
            status = 400
        else:
            flash(_("Action %(code)s saved.", code=action.code) if changes else _("Nothing had changed."),
                  "success")
            return redirect(url_for("mentoring.plan_page", mentorship_id=m.id) + f"#action-{action.id}")
    else:
        fix_date_messages(form)
        status = 400
    return _form_page(m, form, action=action, recs=recs, used=set(), conflict=conflict, status=status)


@bp.post("/<int:mentorship_id>/actions/<int:action_id>/updates")
@login_required
def add_update(mentorship_id: int, action_id: int):
    m = load_mentorship(mentorship_id)
    perm.require(perm.can_edit_action_plan(current_user, m))
    action = _action(m, action_id)
    form = UpdateForm()
    if form.validate_on_submit():
        try:
            plan.add_update(action, on=form.on_date.data, note=form.note.data or "",
                            status=form.status.data or None, reason=form.reason.data or "",
                            actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            action = _action(m, action_id)
            apply_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Update added to %(code)s.", code=action.code), "success")
            return redirect(url_for("mentoring.action_page", mentorship_id=m.id, action_id=action.id))
    fix_date_messages(form)
    return _action_page(m, action, form, status=400)


@bp.post("/<int:mentorship_id>/plan/versions")
@login_required
def save_version(mentorship_id: int):
    m = load_mentorship(mentorship_id)
    perm.require(perm.can_edit_action_plan(current_user, m))
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        version = plan.save_version(m, note=form.note.data or "", actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("mentoring.plan_page", mentorship_id=m.id) + "#versions")
    db.session.commit()
    flash(_("The plan is saved as version %(number)s. A mentee records its endorsement "
          "once the administration has endorsed it.", number=version.number), "success")
    return redirect(url_for("mentoring.plan_page", mentorship_id=m.id) + "#versions")


def _version(m: Mentorship, number: int) -> PlanVersion:
    version = db.session.scalar(select(PlanVersion).where(
        PlanVersion.mentorship_id == m.id, PlanVersion.number == number))
    if version is None:
        abort(404)
    return version


@bp.get("/<int:mentorship_id>/plan/versions/<int:number>")
@login_required
def show_version(mentorship_id: int, number: int):
    m = load_mentorship(mentorship_id)
    version = _version(m, number)
    return render_template("mentoring/version.html", m=m, version=version, statuses=ACTION_STATUSES,
                           form=EndorseForm(), can_endorse=perm.can_endorse_plan(current_user, m))


@bp.post("/<int:mentorship_id>/plan/versions/<int:number>/endorse")
@login_required
def endorse(mentorship_id: int, number: int):
    m = load_mentorship(mentorship_id)
    perm.require(perm.can_endorse_plan(current_user, m))
    version = _version(m, number)
    form = EndorseForm()
    if form.validate_on_submit():
        try:
            plan.endorse(version, endorsed_by=form.endorsed_by.data or "", body=form.body.data or "",
                         endorsed_on=form.endorsed_on.data, note=form.note.data or "", actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            version = _version(m, number)
            apply_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Endorsement of version %(number)s recorded.", number=number), "success")
            return redirect(url_for("mentoring.plan_page", mentorship_id=m.id) + "#versions")
    fix_date_messages(form)
    return render_template("mentoring/version.html", m=m, version=version, statuses=ACTION_STATUSES,
                           form=form, can_endorse=True), 400
