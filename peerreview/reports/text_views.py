"""Editing the report's texts: free texts, the finding of each key factor, recommendations,
and the comparison of saved versions. Routes of the "reports" blueprint (views.py).

A save that started from an older version than the one saved now gets the conflict page
(HTTP 409) with both texts; nothing is overwritten silently.
"""

from __future__ import annotations

from flask import abort, flash, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from peerreview import permissions as perm
from peerreview.auth.views import form_error
from peerreview.domain import DomainError
from peerreview.extensions import db
from peerreview.framework.constants import rating_label
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l
from peerreview.loading import child_or_404
from peerreview.reports import compare
from peerreview.reports import services as drafting
from peerreview.reports.forms import CsrfForm, FindingForm, RecommendationForm, SectionForm
from peerreview.reports.models import PRIORITIES, Recommendation
from peerreview.reports.views import _comment_form, _redirect_show, bp, ensure_report, load

FINDING_FIELDS = {"rating": _l("Team rating"), "rationale": _l("Why this rating"),
                  "strengths": _l("Strengths"), "improvements": _l("Areas for improvement"),
                  "observations": _l("Observations cited")}
RECOMMENDATION_FIELDS = {"action": _l("Action"), "rationale": _l("Rationale"),
                         "key_factor_id": _l("Key factor"), "priority": _l("Priority"),
                         "owner": _l("Suggested owner"),
                         "timeframe_months": _l("Timeframe (months)")}
SECTION_FIELDS = {"body": _l("Text")}


# --- free texts ---------------------------------------------------------------------------------

def _set_version(form, version: int) -> None:
    """After a conflict the form carries the version saved now: saving again is deliberate."""
    form.version.data = version
    form.version.raw_data = [str(version)]


def _conflict_page(template: str, status: int = 409, **context):
    return render_template(template, **context), status


@bp.route("/sections/<key>", methods=["GET", "POST"])
@login_required
def edit_section(review_id: int, key: str):
    review = load(review_id, perm.can_draft_report)
    report = ensure_report(review)
    review = report.review
    section = report.section(key)
    if section is None:
        abort(404)
    form = SectionForm(obj=section)
    context = {"review": review, "report": report, "section": section, "form": form,
               "title": drafting.section_title(review, key), "key": key,
               "question": _question(review, key),
               # the reason for not answering is discussed with the answer it stands for
               "comment_form": _comment_form(report, key.replace("unanswered_", "answer_")),
               "comments": _team_comments(report, key.replace("unanswered_", "answer_"))}
    if form.validate_on_submit():
        try:
            changed = drafting.save_section(report, key, form.body.data, base_version=form.version.data,
                                            actor=current_user)
        except drafting.TextConflict as exc:
            db.session.rollback()
            _set_version(form, section.version)
            return _conflict_page("reports/section_form.html", conflict=_conflict(exc.theirs, exc.yours, section,
                                                                                   {"body": "Text"}), **context)
        except StaleDataError:
            db.session.rollback()
            _set_version(form, section.version)
            return _conflict_page("reports/section_form.html", conflict=_conflict(
                drafting.section_content(section), {"body": form.body.data}, section, SECTION_FIELDS), **context)
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
            return render_template("reports/section_form.html", **context), 400
        db.session.commit()
        flash(_("Saved.") if changed else _("Nothing had changed."), "success")
        return _redirect_show(review, f"section-{key}")
    if request.method == "GET":
        _set_version(form, section.version)
    return render_template("reports/section_form.html", **context), 400 if form.errors else 200


def _question(review, key):
    if key.startswith(("answer_", "unanswered_")):
        n = int(key.split("_", 1)[1])
        return review.host_questions[n - 1] if n <= len(review.host_questions or []) else None
    return None


def _team_comments(report, place):
    return [c for c in report.comments if c.section == place and c.kind == "team"]


def _conflict(theirs: dict, yours: dict, target, labels: dict) -> dict:
    return {"labels": labels, "theirs": theirs, "yours": yours, "by": target.updated_by,
            "at": target.updated_at, "display": _display}


def _display(key, value):
    if key == "rating":
        return rating_label(value)
    if key == "key_factor_id" and value:
        from peerreview.framework.models import KeyFactor

        kf = db.session.get(KeyFactor, value)
        return kf.label if kf else value
    if key == "priority":
        return str(PRIORITIES.get(value, value))
    if isinstance(value, list):
        # Translators: how many observations a finding cites
        return _("%(num)d cited", num=len(value)) if value else _("none")
    return value if value not in (None, "") else "—"


@bp.route("/findings/<int:key_factor_id>", methods=["GET", "POST"])
@login_required
def edit_finding(review_id: int, key_factor_id: int):
    review = load(review_id, perm.can_draft_report)
    report = ensure_report(review)
    review = report.review
    finding = next((f for f in report.findings if f.key_factor_id == key_factor_id), None)
    if finding is None:
        abort(404)
    may_rate = perm.can_lead_report(current_user, review)
    form = FindingForm(obj=finding)
    notes = drafting.citable_observations(finding)
    form.observations.choices = [(o.id, o.text) for o in notes]
    if request.method == "GET":
        form.version.data = finding.version
        form.rating.data = finding.rating or ""
        form.observations.data = [o.id for o in finding.observations]
    context = _finding_context(review, report, finding, form, notes, may_rate)
    if form.validate_on_submit():
        data = drafting.FindingInput(
            rationale=form.rationale.data, strengths=form.strengths.data,
            improvements=form.improvements.data, observation_ids=form.observations.data or [],
            rating=form.rating.data, rating_given="rating" in request.form)
        try:
            changed = drafting.save_finding(finding, data, base_version=form.version.data,
                                            actor=current_user, may_rate=may_rate)
        except (drafting.TextConflict, StaleDataError) as exc:
            db.session.rollback()
            theirs = exc.theirs if isinstance(exc, drafting.TextConflict) else drafting.finding_content(finding)
            yours = exc.yours if isinstance(exc, drafting.TextConflict) else {
                "rating": data.rating or None, "rationale": data.rationale, "strengths": data.strengths,
                "improvements": data.improvements, "observations": data.observation_ids}
            _set_version(form, finding.version)
            context["conflict"] = _conflict(theirs, yours, finding, FINDING_FIELDS)
            return _conflict_page("reports/finding_form.html", **context)
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
            return render_template("reports/finding_form.html", **context), 400
        db.session.commit()
        flash(_("%(code)s saved.", code=finding.key_factor.code) if changed
              else _("Nothing had changed."), "success")
        return _redirect_show(review, f"kf-{key_factor_id}")
    return render_template("reports/finding_form.html", **context), 400 if form.errors else 200


def _finding_context(review, report, finding, form, notes, may_rate):
    from peerreview.observations.models import KINDS, PeerRating

    sa = review.self_assessment
    entry = next((e for e in sa.entries if e.key_factor_id == finding.key_factor_id), None) \
        if sa is not None and sa.status == "submitted" else None
    ratings = db.session.scalars(select(PeerRating).where(
        PeerRating.review_id == review.id, PeerRating.key_factor_id == finding.key_factor_id)).all()
    place = f"kf:{finding.key_factor_id}"
    return {"review": review, "report": report, "finding": finding, "form": form, "notes": notes,
            "may_rate": may_rate, "entry": entry, "peer_ratings": ratings, "kinds": KINDS,
            "rating_label": rating_label, "comment_form": _comment_form(report, place),
            "comments": _team_comments(report, place), "place": place,
            "recs": [r for r in drafting.recommendations_in_order(report)
                     if r.key_factor_id == finding.key_factor_id],
            "numbers": drafting.numbering(report)}


# --- recommendations --------------------------------------------------------------------------------

def _rec_form(report, rec=None) -> RecommendationForm:
    form = RecommendationForm(obj=rec)
    form.key_factor_id.choices = [("", _("Choose a key factor"))] + [
        (str(kf.id), f"{kf.code} {kf.title}") for kf in report.review.benchmark.key_factors]
    if request.method == "GET":
        if rec is not None:
            form.key_factor_id.data = str(rec.key_factor_id)
            form.timeframe_months.data = str(rec.timeframe_months)
            form.version.data = rec.version
        elif request.args.get("kf", type=int):
            form.key_factor_id.data = str(request.args.get("kf", type=int))
    return form


def _rec_input(form) -> drafting.RecommendationInput:
    kf = form.key_factor_id.data
    months = form.timeframe_months.data
    return drafting.RecommendationInput(
        key_factor_id=int(kf) if kf and str(kf).isdigit() else None, action=form.action.data or "",
        rationale=form.rationale.data or "", priority=form.priority.data or "",
        owner=form.owner.data or "", timeframe_months=int(months) if str(months or "").isdigit() else None)


@bp.route("/recommendations/new", methods=["GET", "POST"])
@login_required
def new_recommendation(review_id: int):
    review = load(review_id, perm.can_draft_report)
    report = ensure_report(review)
    review = report.review
    form = _rec_form(report)
    if form.validate_on_submit():
        try:
            rec = drafting.add_recommendation(report, _rec_input(form), actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("Recommendation added."), "success")
            return _redirect_show(review, f"rec-{rec.id}")
    return render_template("reports/recommendation_form.html", review=review, report=report,
                           form=form, rec=None), 400 if form.errors else 200


def _load_rec(report, rec_id: int) -> Recommendation:
    return child_or_404(Recommendation, rec_id, report, via="report_id")


@bp.route("/recommendations/<int:rec_id>", methods=["GET", "POST"])
@login_required
def edit_recommendation(review_id: int, rec_id: int):
    review = load(review_id, perm.can_draft_report)
    report = ensure_report(review)
    review = report.review
    rec = _load_rec(report, rec_id)
    form = _rec_form(report, rec)
    context = {"review": review, "report": report, "form": form, "rec": rec,
               "number": drafting.numbering(report).get(rec.id)}
    if form.validate_on_submit():
        data = _rec_input(form)
        try:
            changed = drafting.save_recommendation(rec, data, base_version=form.version.data,
                                                   actor=current_user)
        except (drafting.TextConflict, StaleDataError) as exc:
            db.session.rollback()
            theirs = exc.theirs if isinstance(exc, drafting.TextConflict) else drafting.recommendation_content(rec)
            yours = exc.yours if isinstance(exc, drafting.TextConflict) else vars(data)
            _set_version(form, rec.version)
            context["conflict"] = _conflict(theirs, yours, rec, RECOMMENDATION_FIELDS)
            return _conflict_page("reports/recommendation_form.html", **context)
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
            return render_template("reports/recommendation_form.html", **context), 400
        db.session.commit()
        flash(_("Recommendation saved.") if changed else _("Nothing had changed."), "success")
        return _redirect_show(review, f"rec-{rec.id}")
    return render_template("reports/recommendation_form.html", **context), 400 if form.errors else 200


@bp.post("/recommendations/<int:rec_id>/delete")
@login_required
def delete_recommendation(review_id: int, rec_id: int):
    review = load(review_id, perm.can_lead_report)
    report = ensure_report(review)
    rec = _load_rec(report, rec_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        drafting.remove_recommendation(rec, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Recommendation removed."), "success")
    return _redirect_show(report.review, "recommendations")


# --- versions of a text -----------------------------------------------------------------------------

@bp.get("/history/<kind>/<int:target_id>")
@login_required
def history(review_id: int, kind: str, target_id: int):
    review = load(review_id, perm.can_view_team_comments)
    report = review.report
    if report is None or kind not in ("section", "finding", "recommendation"):
        abort(404)
    revs = drafting.revisions(report, kind, target_id)
    if not revs:
        abort(404)
    by_id = {r.id: r for r in revs}
    b = by_id.get(request.args.get("b", type=int)) or revs[-1]
    a = by_id.get(request.args.get("a", type=int)) or (revs[-2] if len(revs) > 1 else None)
    labels = {"section": SECTION_FIELDS, "finding": FINDING_FIELDS,
              "recommendation": RECOMMENDATION_FIELDS}[kind]
    rows = compare.compare(a.content if a else {}, b.content, labels)
    title = _history_title(report, kind, target_id)
    return render_template("reports/history.html", review=review, report=report, revs=revs,
                           a=a, b=b, rows=rows, title=title, kind=kind, target_id=target_id,
                           index={r.id: n for n, r in enumerate(revs, start=1)})


def _history_title(report, kind, target_id) -> str:
    if kind == "section":
        section = next((s for s in report.sections if s.id == target_id), None)
        return drafting.section_title(report.review, section.key) if section \
            else _("A text that was removed")
    if kind == "finding":
        f = next((f for f in report.findings if f.id == target_id), None)
        return f"{f.key_factor.code} {f.key_factor.title}" if f else _("A finding")
    number = drafting.numbering(report).get(target_id)
    return (_("Recommendation %(code)s", code=number) if number
            else _("A recommendation that was removed"))
