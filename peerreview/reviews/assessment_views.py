from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField

from peerreview import permissions as perm
from peerreview.domain import Conflict, DomainError
from peerreview.extensions import db
from peerreview.files.services import ACCEPT_ATTR, send_stored
from peerreview.framework.constants import RATING_CHOICES, rating_label
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l
from peerreview.loading import child_or_404
from peerreview.reviews import assessment
from peerreview.reviews.models import EvidenceFile, SelfAssessmentEntry
from peerreview.reviews.views import load_review

bp = Blueprint("assessment", __name__, url_prefix="/reviews/<int:review_id>/self-assessment")


class CsrfForm(FlaskForm):
    pass


class UploadForm(FlaskForm):
    file = FileField(_l("Add a file"))


def _inputs(form_data, sa) -> list[assessment.EntryInput]:
    out = []
    for entry in sa.entries:
        k = entry.key_factor_id
        if f"narrative_{k}" not in form_data and f"rating_{k}" not in form_data:
            continue
        version = form_data.get(f"version_{k}", type=int)
        out.append(assessment.EntryInput(
            key_factor_id=k, rating=form_data.get(f"rating_{k}") or None,
            narrative=form_data.get(f"narrative_{k}", ""), evidence=form_data.get(f"evidence_{k}", ""),
            version=version))
    return out


def _page(review, sa, *, conflict=None, status=200, submitted_values=None, field_errors=None):
    editable = perm.can_edit_self_assessment(current_user, review)
    if sa is not None:
        entries = assessment.entries_in_order(sa)
    else:
        entries = assessment.blank_entries(review) if editable else []
    return render_template(
        "reviews/assessment.html", review=review, sa=sa, entries=entries, editable=editable,
        can_submit=perm.can_submit_self_assessment(current_user, review),
        missing=assessment.missing(sa) if sa else [], ratings=RATING_CHOICES,
        rating_label=rating_label, conflict=conflict, submitted_values=submitted_values or {},
        field_errors=field_errors or {}, form=CsrfForm(), upload=UploadForm(),
        accept_attr=ACCEPT_ATTR), status


@bp.get("")
@login_required
def show(review_id: int):
    review = load_review(review_id)
    perm.require(perm.can_view_self_assessment(current_user, review))
    # Nothing is written when the page is only looked at: the entries are created by the
    # first save.
    return _page(review, review.self_assessment)


def _save_everything(review):
    """Save the typed texts and ratings, then add the chosen files and remove the one asked
    for: one form, so that adding a file never loses the text around it. Returns what was
    done, or a page to show (a conflict, or a mistake with everything typed kept)."""
    sa = assessment.get_or_create(review)
    inputs = _inputs(request.form, sa)
    kept = {i.key_factor_id: i for i in inputs}
    try:
        changed = assessment.save(review, inputs, actor=current_user)
    except Conflict as exc:
        db.session.rollback()
        return None, _page(review, review.self_assessment, conflict=exc, status=409, submitted_values=kept)
    except DomainError as exc:
        db.session.rollback()
        return None, _page(review, assessment.get_or_create(review), status=400, submitted_values=kept,
                           field_errors={exc.field or "": exc.message})
    added, anchor = [], None
    for entry in assessment.entries_in_order(sa):
        upload = request.files.get(f"file_{entry.key_factor_id}")
        if upload is None or not upload.filename:
            continue
        try:
            assessment.add_file(review, entry, upload, actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            # rebuilt for the page only: this request commits nothing, the typed text is shown
            return None, _page(review, assessment.get_or_create(review), status=400, submitted_values=kept,
                               field_errors={f"file_{entry.key_factor_id}": _("%(code)s: %(error)s", code=entry.key_factor.code,
                                                                               error=exc.message)})
        added.append(entry.key_factor.code)
        anchor = entry.key_factor_id
    removed = None
    remove_id = request.form.get("remove_file", type=int)
    if remove_id:
        item = _file(review, remove_id)
        anchor = item.entry.key_factor_id
        assessment.remove_file(review, item, actor=current_user)
        removed = item.filename
    return (changed, added, removed, anchor), None


@bp.post("")
@login_required
def save(review_id: int):
    review = load_review(review_id)
    perm.require(perm.can_edit_self_assessment(current_user, review))
    form = CsrfForm()
    if not form.validate_on_submit():
        abort(400)
    done, page = _save_everything(review)
    if page is not None:
        return page
    changed, added, removed, anchor = done
    db.session.commit()
    parts = [_("Draft saved.") if changed else (_("Nothing had changed.") if not (added or removed) else "")]
    if added:
        parts.append(_("File added to %(codes)s.", codes=", ".join(added)))
    if removed:
        parts.append(_("File %(name)s removed.", name=removed))
    flash(" ".join(p for p in parts if p), "success")
    return redirect(url_for("assessment.show", review_id=review.id) + (f"#kf-{anchor}" if anchor else ""))


@bp.post("/submit")
@login_required
def submit(review_id: int):
    """Submit, after saving what the form holds: what was typed last is part of it."""
    review = load_review(review_id)
    perm.require(perm.can_submit_self_assessment(current_user, review))
    if not CsrfForm().validate_on_submit():
        abort(400)
    done, page = _save_everything(review)
    if page is not None:
        return page
    if not request.form.get("confirm_submit"):
        db.session.commit()  # the draft is kept; submitting waits for the confirmation
        perm.refuse(_("Tick \u201cYes, submit it\u201d to confirm: once submitted, the self-assessment "
                    "can no longer be changed. Your draft is saved."))
        return redirect(url_for("assessment.show", review_id=review.id) + "#submit-h")
    try:
        assessment.submit(review, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        # the draft is saved even when the submission must wait
        done, page = _save_everything(review)
        if page is None:
            db.session.commit()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("The self-assessment is submitted. The review team can now read it."), "success")
    return redirect(url_for("assessment.show", review_id=review.id))


def _entry(review, key_factor_id: int) -> SelfAssessmentEntry:
    sa = assessment.get_or_create(review)
    entry = next((e for e in (sa.entries if sa else []) if e.key_factor_id == key_factor_id), None)
    if entry is None:
        abort(404)
    return entry


@bp.post("/<int:key_factor_id>/files")
@login_required
def upload(review_id: int, key_factor_id: int):
    review = load_review(review_id)
    perm.require(perm.can_edit_self_assessment(current_user, review))
    entry = _entry(review, key_factor_id)
    form = UploadForm()
    if not form.validate_on_submit() or not form.file.data:
        flash(_("Choose a file to add."), "error")
    else:
        try:
            assessment.add_file(review, entry, form.file.data, actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(_("%(code)s: %(error)s", code=entry.key_factor.code, error=exc.message), "error")
        else:
            db.session.commit()
            flash(_("File added to %(codes)s.", codes=entry.key_factor.code), "success")
    return redirect(url_for("assessment.show", review_id=review.id) + f"#kf-{key_factor_id}")


def _file(review, file_id: int) -> EvidenceFile:
    return child_or_404(EvidenceFile, file_id, review,
                        owner=lambda item: item.entry.assessment.review_id)


@bp.get("/files/<int:file_id>")
@login_required
def download(review_id: int, file_id: int):
    review = load_review(review_id)
    perm.require(perm.can_view_self_assessment(current_user, review))
    item = _file(review, file_id)
    return send_stored(item.file, item.filename)


@bp.post("/files/<int:file_id>/delete")
@login_required
def delete_file(review_id: int, file_id: int):
    review = load_review(review_id)
    perm.require(perm.can_edit_self_assessment(current_user, review))
    item = _file(review, file_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    kf = item.entry.key_factor_id
    try:
        assessment.remove_file(review, item, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("File removed."), "success")
    return redirect(url_for("assessment.show", review_id=review.id) + f"#kf-{kf}")
