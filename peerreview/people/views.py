"""Interviewees of a review (the host's list, the team's view), the answer page that an
interviewee's secret link opens, and the consent check before issue."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from peerreview import permissions as perm
from peerreview.audit.services import record
from peerreview.auth.views import form_error
from peerreview.domain import DomainError
from peerreview.downloads import send_download
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.i18n import ngettext
from peerreview.loading import child_or_404
from peerreview.people import consent, interviewees, notice
from peerreview.people.forms import AnswerForm, CsrfForm, IntervieweeForm, OverrideForm
from peerreview.people.models import ATTENDANCE, QUOTE_CONSENT, Interviewee
from peerreview.reviews import programme, workflow
from peerreview.reviews.models import ORGANISATION_TYPES
from peerreview.reviews.views import load_review

bp = Blueprint("interviewees", __name__)
answer_bp = Blueprint("interviewee_answer", __name__)


def _review(review_id: int):
    review = load_review(review_id)
    perm.require(perm.can_view_interviewees(current_user, review))
    return review


def _person(review, interviewee_id: int) -> Interviewee:
    return child_or_404(Interviewee, interviewee_id, review)


def _list(review, form: IntervieweeForm | None = None, *, status: int = 200, open_form: bool = False):
    sessions = programme.load_sessions(review)
    people = interviewees.by_session(review)
    manage = perm.can_manage_interviewees(current_user, review)
    if manage and form is None:
        form = IntervieweeForm(formdata=None).setup(review, sessions)
        wanted = request.args.get("session", type=int)
        if wanted in {s.id for s in sessions}:
            form.session_id.data = wanted
    total = sum(len(v) for v in people.values())
    return render_template(
        "people/interviewees.html", review=review, sessions=sessions, people=people, total=total,
        answered=sum(1 for v in people.values() for p in v if p.answered_at),
        waiting=[p for v in people.values() for p in v if p.email and not p.invited_at
                 and not p.contact_erased_at],
        manage=manage, form=form if manage else None, open_form=open_form,
        can_erase=perm.can_erase_interviewee(current_user, review), csrf_form=CsrfForm(),
        attendance=ATTENDANCE, quote_labels=QUOTE_CONSENT, org_types=ORGANISATION_TYPES,
        labels=workflow.STATE_LABELS, hhmm=programme.hhmm), status


@bp.get("/reviews/<int:review_id>/interviewees")
@login_required
def index(review_id: int):
    return _list(_review(review_id))


@bp.post("/reviews/<int:review_id>/interviewees")
@login_required
def add(review_id: int):
    review = _review(review_id)
    perm.require(perm.can_manage_interviewees(current_user, review))
    form = IntervieweeForm().setup(review, programme.load_sessions(review))
    if form.validate_on_submit():
        try:
            person = interviewees.add(review, form.values(), actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("%(name)s added to “%(session)s”.", name=person.name, session=person.session.title),
                  "success")
            return redirect(url_for("interviewees.index", review_id=review.id) + f"#session-{person.session_id}")
    return _list(review, form, status=400, open_form=True)


@bp.route("/reviews/<int:review_id>/interviewees/<int:interviewee_id>/edit", methods=["GET", "POST"])
@login_required
def edit(review_id: int, interviewee_id: int):
    review = _review(review_id)
    person = _person(review, interviewee_id)
    perm.require(perm.can_manage_interviewees(current_user, review))
    form = IntervieweeForm().setup(review, programme.load_sessions(review))
    status = 200
    if request.method == "GET":
        form.fill(person)
    elif form.validate_on_submit():
        try:
            changed = interviewees.update(person, form.values(), actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("Saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("interviewees.index", review_id=review.id) + f"#person-{person.id}")
        status = 400
    else:
        status = 400
    return render_template("people/interviewee_edit.html", review=review, person=person, form=form), status


@bp.post("/reviews/<int:review_id>/interviewees/<int:interviewee_id>/delete")
@login_required
def delete(review_id: int, interviewee_id: int):
    review = _review(review_id)
    person = _person(review, interviewee_id)
    perm.require(perm.can_manage_interviewees(current_user, review))
    if not CsrfForm().validate_on_submit():
        abort(400)
    name = person.name
    interviewees.remove(person, actor=current_user)
    db.session.commit()
    flash(_("%(name)s is no longer on the list.", name=name), "success")
    return redirect(url_for("interviewees.index", review_id=review.id))


def _invite(review, people):
    try:
        invited = interviewees.invite(review, people, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(ngettext("Invitation sent to %(num)d person.", "Invitations sent to %(num)d people.",
                       len(invited)), "success")
    return redirect(url_for("interviewees.index", review_id=review.id))


@bp.post("/reviews/<int:review_id>/interviewees/invite")
@login_required
def invite_all(review_id: int):
    review = _review(review_id)
    perm.require(perm.can_manage_interviewees(current_user, review))
    if not CsrfForm().validate_on_submit():
        abort(400)
    waiting = [p for p in interviewees.for_review(review) if p.email and not p.invited_at]
    return _invite(review, waiting)


@bp.post("/reviews/<int:review_id>/interviewees/<int:interviewee_id>/invite")
@login_required
def invite_one(review_id: int, interviewee_id: int):
    review = _review(review_id)
    person = _person(review, interviewee_id)
    perm.require(perm.can_manage_interviewees(current_user, review))
    if not CsrfForm().validate_on_submit():
        abort(400)
    return _invite(review, [person])


@bp.get("/reviews/<int:review_id>/interviewees/<int:interviewee_id>/data.json")
@login_required
def export(review_id: int, interviewee_id: int):
    review = _review(review_id)
    person = _person(review, interviewee_id)
    perm.require(perm.can_erase_interviewee(current_user, review))
    record("interviewee.export", review, actor=current_user, changes={"interviewee": person.id})
    data = interviewees.export(person)
    db.session.commit()
    return send_download(json.dumps(data, indent=2, ensure_ascii=False), f"interviewee-{interviewee_id}.json",
                         "application/json")


@bp.post("/reviews/<int:review_id>/interviewees/<int:interviewee_id>/erase")
@login_required
def erase(review_id: int, interviewee_id: int):
    review = _review(review_id)
    person = _person(review, interviewee_id)
    perm.require(perm.can_erase_interviewee(current_user, review))
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        interviewees.erase(person, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("The person's details are erased; the session keeps only their organisation."), "success")
    return redirect(url_for("interviewees.index", review_id=review.id))


# --- the interviewee's own page (the secret link) ---------------------------------------------

@answer_bp.route("/answer/<token>", methods=["GET", "POST"])
def answer(token: str):
    person = interviewees.by_token(token)
    if person is None:
        return render_template("people/answer_gone.html"), 404
    review = person.review
    form = AnswerForm()
    status = 200
    open_ = review.state in interviewees.ANSWER_STATES
    if request.method == "GET":
        form.attending.data = person.attending
        form.quote_consent.data = person.quote_consent
        form.photo_consent.data = None if person.photo_consent is None else (
            "yes" if person.photo_consent else "no")
    elif form.validate_on_submit():
        try:
            interviewees.answer(person, attending=form.attending.data,
                                quote_consent=form.quote_consent.data,
                                photo_consent=form.photo_consent.data == "yes")
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
            status = 400
        else:
            db.session.commit()
            flash(_("Thank you. Your answer is saved; you can change it here until the end of the "
                    "visit week."), "success")
            return redirect(url_for("interviewee_answer.answer", token=token))
    else:
        status = 400
    response = render_template("people/answer.html", person=person, review=review,
                               session=person.session, form=form, open=open_,
                               notice=notice.paragraphs(review), attendance=ATTENDANCE,
                               quote_labels=QUOTE_CONSENT, token=token)
    return response, status, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


# --- the consent check before issue ------------------------------------------------------------

@bp.get("/reviews/<int:review_id>/report/consent")
@login_required
def consent_check(review_id: int):
    review = load_review(review_id)
    perm.require(perm.can_view_consent_check(current_user, review))
    return _consent_page(review)


def _consent_page(review, form: OverrideForm | None = None, *, failed: tuple | None = None, status=200):
    return render_template(
        "people/consent.html", review=review, problems=consent.problems(review),
        can_override=perm.can_override_consent(current_user, review), form=form or OverrideForm(formdata=None),
        failed=failed, quote_labels=QUOTE_CONSENT), status


@bp.post("/reviews/<int:review_id>/report/consent/<int:interviewee_id>/override")
@login_required
def override(review_id: int, interviewee_id: int):
    review = load_review(review_id)
    person = _person(review, interviewee_id)
    perm.require(perm.can_override_consent(current_user, review))
    form = OverrideForm()
    if not form.validate_on_submit() or form.kind.data not in ("name", "quote"):
        return _consent_page(review, form, failed=(person.id, form.kind.data), status=400)
    try:
        consent.override(review, person, form.kind.data, reason=form.reason.data or "", actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        form_error(form, exc)
        return _consent_page(review, form, failed=(person.id, form.kind.data), status=400)
    db.session.commit()
    flash(_("The reason is recorded in the review's history."), "success")
    return redirect(url_for("interviewees.consent_check", review_id=review.id))
